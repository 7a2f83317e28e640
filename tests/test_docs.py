"""The project's documentation lives in the repository and points only into it.

Someone who clones the project gets the README and docs/ and nothing beside them: no file may
send them to notes outside the repository, and every relative link in the README and docs/
must lead to a file that is there.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Not part of the project's source (see .gitignore), or written by tools.
SKIPPED_DIRECTORIES = {
    ".git",
    ".venv",
    ".data",
    "node_modules",
    "staticfiles",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "test-results",
}
SKIPPED_FILES = {".env"}

# Notes that lived beside the repository and that a clone does not have.
OUTSIDE_REFERENCES = re.compile(r"\.\./shared|\b(?:DESIGN|DOMAIN|STYLE)\.md\b")

# [text](target) and ![alt](target); the text may run over lines.
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCED_CODE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def project_files():
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        if any(part in SKIPPED_DIRECTORIES for part in relative.parts):
            continue
        if path.is_file() and path.name not in SKIPPED_FILES:
            yield path


def text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None  # an image, a compiled catalogue


def test_no_file_refers_to_notes_outside_the_repository():
    found = []
    for path in project_files():
        text = text_of(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE_REFERENCES.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_the_checker_sees_a_reference_to_outside_notes():
    # The samples are assembled, so that no line of the repository names those notes.
    outside, domain, style, design = "../" + "shared/", "DOMAIN" + ".md", "STYLE", "DESIGN"
    assert OUTSIDE_REFERENCES.search(f"Design notes are in `{outside}`.")
    assert OUTSIDE_REFERENCES.search(f"({domain} §1)")
    assert OUTSIDE_REFERENCES.search(f"see {style}.md and {design}.md")
    assert not OUTSIDE_REFERENCES.search("docs/domain.md, Credit codes")


def relative_links(path: Path) -> list[str]:
    text = FENCED_CODE.sub("", path.read_text(encoding="utf-8"))
    links = []
    for target in MARKDOWN_LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("#"):
            continue  # https:, mailto:, a heading on the same page
        links.append(target.split("#", 1)[0])
    return links


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_to_a_file_in_the_repository(document):
    broken = []
    for target in relative_links(document):
        resolved = (document.parent / target).resolve()
        if not resolved.is_relative_to(ROOT) or not resolved.exists():
            broken.append(target)
    assert broken == []


def test_the_link_checker_finds_links_over_lines_and_skips_code():
    sample = ROOT / "docs" / "README.md"
    links = relative_links(sample)
    assert "architecture.md" in links
    text = "[a link\nover two lines](docs/x.md)\n```sh\n[not](a-link.md)\n```\n"
    assert MARKDOWN_LINK.findall(FENCED_CODE.sub("", text)) == ["docs/x.md"]


def test_docs_are_indexed_and_linked_from_the_readme():
    pages = {"architecture.md", "caching.md", "domain.md"}
    assert pages <= {path.name for path in DOCUMENTS}
    assert pages <= set(relative_links(ROOT / "docs" / "README.md"))
    readme_links = set(relative_links(ROOT / "README.md"))
    assert "docs/README.md" in readme_links
    assert {f"docs/{page}" for page in pages} <= readme_links

"""The Simplified Chinese catalogue is complete, compiled, and used by default."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(LOCALE / "django.po"))


def test_every_entry_is_translated(catalogue):
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    assert not missing, f"{len(missing)} untranslated: {missing[:10]}"


def test_no_entry_is_fuzzy(catalogue):
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:10]}"


def test_compiled_catalogue_matches_the_source(catalogue):
    compiled = polib.mofile(str(LOCALE / "django.mo"))
    source = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in catalogue.translated_entries()
    }
    built = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in compiled}
    stale = sorted(str(key) for key in source if source[key] != built.get(key))
    assert not stale, f"django.mo is out of date (run `make messages`): {stale[:5]}"


def test_every_source_string_is_in_the_catalogue(catalogue):
    """A gettext string added without `make messages` would show in English."""
    ids = {entry.msgid for entry in catalogue}
    for path in ["members", "notices", "ylqgsl"]:
        for source in (Path(settings.BASE_DIR) / path).rglob("*.py"):
            if "migrations" in source.parts:
                continue
            text = source.read_text(encoding="utf-8")
            for marker in ('_("', "gettext("):
                start = 0
                while (start := text.find(marker, start)) != -1:
                    start += len(marker)
                    end = text.find('"', start)
                    literal = text[start:end]
                    if "\\" in literal or not literal:
                        continue
                    assert literal in ids, f'{source.name}: "{literal}" is not in the catalogue'


@pytest.mark.django_db
def test_pages_are_chinese_by_default(client):
    content = client.get(reverse("login")).content.decode()
    assert "登录" in content


@pytest.mark.django_db
def test_choices_are_translated():
    from members.choices import Industry, SizeClass

    with translation.override("zh-hans"):
        assert str(Industry.C.label) == "制造业"
        assert str(SizeClass.MICRO.label) == "微型"
    with translation.override("en"):
        assert str(Industry.C.label) == "Manufacturing"

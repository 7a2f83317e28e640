"""The Simplified Chinese catalogue is complete, compiled, and used by default."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
# The hand-kept catalogue of other packages' strings (locale/third_party).
THIRD_PARTY = Path(settings.BASE_DIR) / "locale" / "third_party" / "zh_Hans" / "LC_MESSAGES"


@pytest.fixture(scope="module", params=[LOCALE, THIRD_PARTY], ids=["project", "third_party"])
def folder(request):
    return request.param


@pytest.fixture(scope="module")
def catalogue(folder):
    return polib.pofile(str(folder / "django.po"))


def test_every_entry_is_translated(catalogue):
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    assert not missing, f"{len(missing)} untranslated: {missing[:10]}"


def test_no_entry_is_fuzzy(catalogue):
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:10]}"


def test_compiled_catalogue_matches_the_source(catalogue, folder):
    compiled = polib.mofile(str(folder / "django.mo"))
    source = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in catalogue.translated_entries()
    }
    built = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in compiled}
    stale = sorted(str(key) for key in source if source[key] != built.get(key))
    assert not stale, f"django.mo is out of date (run `make messages`): {stale[:5]}"


def test_every_source_string_is_in_the_catalogue():
    """A gettext string added without `make messages` would show in English."""
    ids = {entry.msgid for entry in polib.pofile(str(LOCALE / "django.po"))}
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


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "至少要10个字，您输入了3个字。"), ("en", "Ensure this value has at least 10")],
)
def test_length_and_nul_messages_are_plain_words_in_every_form(language, expected):
    """Django's own wording ("确保该变量包含不超过…", "不允许是用空字符串") is replaced once, in the
    third-party catalogue, for every form of the portal and the admin."""
    from django import forms

    class Form(forms.Form):
        title = forms.CharField(min_length=10, max_length=20)

    with translation.override(language):
        assert expected in Form({"title": "abc"}).errors["title"][0]
    with translation.override("zh-hans"):
        assert Form({"title": "长" * 25}).errors["title"] == ["最多20个字，您输入了25个字。"]
        assert Form({"title": "这是一个标题\x00很长的标题"}).errors["title"] == [
            "内容中含有无法识别的字符，请删除后重试。"
        ]


def test_descending_sort_options_are_translated():
    from members.filters import DirectoryFilter

    choices = DirectoryFilter.base_filters["sort"].extra["choices"]
    with translation.override("zh-hans"):
        labels = [str(label) for _, label in choices]
    assert "名称（降序）" in labels
    assert not [label for label in labels if "descending" in label]
    with translation.override("en"):
        labels = [str(label) for _, label in choices]
    assert "Name (descending)" in labels
    assert not [label for label in labels if "名称" in label]

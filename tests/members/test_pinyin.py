"""Pinyin search by syllable pairs (members/pinyin.py, members/filters.py)."""

import pytest
from django.urls import reverse
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

from members import pinyin
from members.models import Enterprise
from tests.conftest import directory_names
from tests.factories import EnterpriseFactory

DIRECTORY = reverse("members:directory")


def names(response):
    return set(directory_names(response))


def test_pair_words_join_each_syllable_to_the_next():
    assert pinyin.pair_words(["bei", "jing", "3D", "ke", "ji"]) == "bei0jing jing03d 3d0ke ke0ji"
    assert pinyin.pair_words(["yan"]) == ""


def test_syllables_are_toneless_with_v_for_u_umlaut():
    found = pinyin.syllables()
    assert {"zhuang", "lv", "nve", "a", "er"} <= found
    assert not {"m", "ng", "hm"} & found  # no vowel: they would split almost anything
    assert all(s.isascii() and s.isalpha() for s in found)


def test_splits_into_whole_syllables_the_last_perhaps_unfinished():
    assert ("xin", "yuan") in pinyin.splits("xinyuan")
    assert ("xin", "yu") in pinyin.splits("xinyu")  # 鑫源 being typed, or 新宇
    assert set(pinyin.splits("xian")) == {("xian",), ("xi", "an")}  # not (xia, n...)
    assert ("xin", "yuan", "g") in pinyin.splits("xinyuang")  # 鑫源工... being typed
    assert set(pinyin.splits("xiang")) == {("xiang",), ("xi", "ang")}  # not (xian, g...)
    assert pinyin.splits("bjyq") == []


def test_splits_give_up_on_too_many_ways():
    assert pinyin.splits("xian" * 25) is None  # 2**25 ways: a substring search instead


def test_pair_phrases_need_two_syllables():
    assert pinyin.pair_phrases("xian") is None  # 先, or 西安: anywhere in the pinyin
    assert pinyin.pair_phrases("bjyq") is None  # initials
    phrases = pinyin.pair_phrases("xiangyang")
    assert ["xiang0yang"] in phrases and ["xi0ang", "ang0yang"] in phrases
    assert "(xiang0yang:*)" in pinyin.tsquery(phrases).split(" | ")
    assert "(xi0ang & ang0yang:*)" in pinyin.tsquery(phrases).split(" | ")


@pytest.fixture
def companies(db):
    return [
        EnterpriseFactory(name="北京鑫源农业有限公司"),
        EnterpriseFactory(name="北京安阳科技中心"),
        EnterpriseFactory(name="延庆新宇商贸有限公司"),
        EnterpriseFactory(name="延庆庆鑫酒业有限公司"),
        EnterpriseFactory(name="咸阳ＡＢＣ农业合作社"),
    ]


def test_full_pinyin_finds_whole_syllables_in_a_row(client_a, companies):
    assert names(client_a.get(DIRECTORY, {"q": "xinyuan"})) == {"北京鑫源农业有限公司"}
    assert names(client_a.get(DIRECTORY, {"q": "Xin Yu"})) == {
        "北京鑫源农业有限公司",  # the last syllable unfinished
        "延庆新宇商贸有限公司",
    }
    assert names(client_a.get(DIRECTORY, {"q": "beijingxinyuannong"})) == {"北京鑫源农业有限公司"}
    # xian yang holds the letters a-n-y-a-n-g, not the syllables an yang
    assert names(client_a.get(DIRECTORY, {"q": "anyang"})) == {"北京安阳科技中心"}
    assert names(client_a.get(DIRECTORY, {"q": "xianyang"})) == {"咸阳ＡＢＣ农业合作社"}
    assert names(client_a.get(DIRECTORY, {"q": "xinyuannongyeyo"})) == {"北京鑫源农业有限公司"}
    assert "北京鑫源农业有限公司" in names(client_a.get(DIRECTORY, {"q": "beijingxinyuann"}))
    # 延庆 and 庆鑫 are both in 延庆庆鑫, but not 延庆鑫 in a row (延庆新 is, in 延庆新宇)
    assert names(client_a.get(DIRECTORY, {"q": "yanqingxin"})) == {"延庆新宇商贸有限公司"}
    assert names(client_a.get(DIRECTORY, {"q": "yanqingqingxin"})) == {"延庆庆鑫酒业有限公司"}


def test_less_than_two_syllables_and_initials_match_anywhere(client_a, companies):
    assert names(client_a.get(DIRECTORY, {"q": "inyuan"})) == {"北京鑫源农业有限公司"}
    assert names(client_a.get(DIRECTORY, {"q": "abc"})) == {"咸阳ＡＢＣ农业合作社"}  # full width
    assert "延庆新宇商贸有限公司" in names(client_a.get(DIRECTORY, {"q": "xin"}))
    assert names(client_a.get(DIRECTORY, {"q": "bjxy"})) == {"北京鑫源农业有限公司"}


def test_renaming_renews_the_pairs(client_a, companies):
    enterprise = companies[0]
    enterprise.name = "北京妫川农业有限公司"
    enterprise.save(update_fields=["name"])
    enterprise.refresh_from_db()
    assert "gui0chuan" in enterprise.name_pinyin_pairs
    assert names(client_a.get(DIRECTORY, {"q": "guichuan"})) == {"北京妫川农业有限公司"}
    assert names(client_a.get(DIRECTORY, {"q": "xinyuan"})) == set()
    assert Enterprise.objects.filter(name_pinyin_pairs__contains="xin0yuan").count() == 0


def test_the_pinyin_condition_takes_letters_only():
    from members.filters import PinyinInARow

    assert PinyinInARow("xinyuan", "(xin0yuan:*)").letters == "xinyuan"
    for letters in ("xin%", "xin_yuan", "Xin", ""):  # nothing a LIKE pattern would read
        with pytest.raises(ValueError):
            PinyinInARow(letters, "(xin0yuan:*)")


def test_the_search_conditions_are_postgresqls_only():
    from django.db import NotSupportedError, connection

    from members.filters import NameHolds

    query = Enterprise.objects.filter(NameHolds("延庆_%")).query
    if connection.vendor == "postgresql":
        sql, params = query.sql_with_params()
        assert "enterprise_name_grams" in sql and params == (["_%", "庆_", "延庆"], "%延庆\\_\\%%")
    else:  # elsewhere the ORM's lookups do the search (members/filters.py)
        with pytest.raises(NotSupportedError):
            query.sql_with_params()


def test_latin_letters_that_spell_syllables_count_as_them():
    assert pinyin.pair_words(["meta", "ke", "ji"]) == "me0ta ta0ke ke0ji"
    assert pinyin.pair_words(["ibm", "ke", "ji"]) == "ibm0ke ke0ji"  # spells none
    assert pinyin.pair_words(["xian", "ke"]) == "xian0ke"  # a syllable already
    # the fewest syllables, the longest first: as someone typing the start of it reads it
    assert pinyin.spelled("xiaomi") == ("xiao", "mi")
    assert pinyin.spelled("taobao") == ("tao", "bao")
    assert pinyin.spelled("fangan") == ("fang", "an")


def test_no_chinese_characters_words_change_by_spelling():
    """Every reading pypinyin gives a character is a syllable, or one `spelled` leaves alone
    (the vowel-less interjections): the pair words of Chinese names are as before."""
    readings = {r for value in pinyin_dict.values() for r in value.split(",")}
    for reading in {to_normal(r).replace("ü", "v") for r in readings}:
        assert reading in pinyin.syllables() or pinyin.spelled(reading) == (reading,), reading


def test_full_pinyin_finds_brands_spelled_in_latin_letters(client_a):
    EnterpriseFactory(name="北京Meta科技有限公司")
    EnterpriseFactory(name="北京IBM科技有限公司")
    EnterpriseFactory(name="北京Xiaomi科技有限公司")
    for query in ("metakeji", "Meta keji", "jingmeta", "takeji"):
        assert names(client_a.get(DIRECTORY, {"q": query})) == {"北京Meta科技有限公司"}, query
    for query in ("xiaomikeji", "jingxiao", "jingxiaomi"):
        assert names(client_a.get(DIRECTORY, {"q": query})) == {"北京Xiaomi科技有限公司"}, query
    assert names(client_a.get(DIRECTORY, {"q": "ibmkeji"})) == {"北京IBM科技有限公司"}


def test_migration_0013_refills_the_words_of_names_with_latin_letters(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("members.migrations.0013_spelled_pinyin_pairs")
    latin = EnterpriseFactory(name="北京Ｍｅｔａ科技有限公司")  # full-width letters too
    plain = EnterpriseFactory(name="延庆冰雪有限公司")
    words = plain.name_pinyin_pairs
    Enterprise.objects.filter(pk=latin.pk).update(name_pinyin_pairs="meta0ke")  # as before
    migration.refill(apps, None)
    latin.refresh_from_db()
    plain.refresh_from_db()
    assert latin.name_pinyin_pairs.startswith("bei0jing jing0me me0ta ta0ke")
    assert plain.name_pinyin_pairs == words

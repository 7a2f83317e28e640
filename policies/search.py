"""Searching policies: what a reader types into one box, and the public list's filters.

Chinese (or any text with other than Latin letters) is looked for in the title, summary, full
text and document number. Latin letters alone are pinyin of the title, as the members'
directory reads them (members/pinyin.py): initials anywhere (「zcqy」 finds 支持创新企业…),
full pinyin of two syllables or more as whole syllables in a row, the last one possibly
unfinished (「chuangxin」 finds 创新, 「xinyu」 does not find 新型园区); shorter pinyin anywhere
in the title's. A search for letters also looks in the document number and the title as
typed (an English word, 「CBD」).

The district publishes a few thousand policies at most: these are plain conditions on the
policy table, read with the list's other filters.
"""

import datetime
import re

from django.db.models import Q, QuerySet

from members import pinyin
from members.validators import to_half_width

from .models import Policy


def search_policies(queryset: QuerySet, value: str) -> QuerySet:
    value = " ".join(to_half_width(value or "").split())[:100]
    if not value:
        return queryset
    if re.fullmatch(r"[A-Za-z' ]+", value):
        letters = re.sub(r"[' ]", "", value).lower()
        as_typed = Q(title__icontains=value) | Q(document_number__icontains=value)
        return queryset.filter(as_typed | by_pinyin(letters))
    text = Q()
    for word in value.split():  # every word somewhere in the policy
        text &= (
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
            | Q(document_number__icontains=word)
        )
    return queryset.filter(text)


def by_pinyin(letters: str) -> Q:
    initials = Q(title_initials__contains=letters)
    phrases = pinyin.pair_phrases(letters)
    if phrases is None:  # one syllable, or part of one: anywhere in the full pinyin
        return initials | Q(title_pinyin__contains=letters)
    return initials | Q(title_pinyin_pairs__regex=pinyin.regex(phrases))


def filtered(queryset: QuerySet, data: dict, day: datetime.date) -> QuerySet:
    """The public list's filters (SearchForm's cleaned data) on `queryset`."""
    queryset = search_policies(queryset, data.get("q") or "")
    if data.get("department"):
        queryset = queryset.filter(departments=data["department"])
    if data.get("topic"):
        queryset = queryset.filter(topics=data["topic"])
    if data.get("open_now"):
        queryset = queryset.filter(pk__in=Policy.objects.open_now(day).values("pk"))
    return queryset

"""A page's rows get their labels translated once (core.labels) and their links reversed once
(core.links): the same text and URLs as get_FOO_display and reverse would give, row by row."""

import uuid
from types import SimpleNamespace

from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import translation

from core.labels import with_labels
from core.links import page_url, row_link
from petitions.models import Category
from petitions.states import Status


def test_labels_for_objects_and_dictionaries_in_the_pages_language():
    rows = [SimpleNamespace(status="submitted"), SimpleNamespace(status="gone")]
    dicts = [{"status": "closed", "category": None}, {"status": "", "category": "legal"}]
    with translation.override("zh-hans"):
        with_labels(rows, status=Status)
        with_labels(dicts, status=Status, category=Category)
        submitted, closed = str(Status("submitted").label), str(Status("closed").label)
        legal = str(Category("legal").label)
    assert [r.status_label for r in rows] == [submitted, "gone"]  # a code no longer offered
    assert [(d["status_label"], d["category_label"]) for d in dicts] == [
        (closed, ""),
        ("", legal),
    ]
    assert submitted != "submitted"  # translated


def test_a_row_link_is_what_reverse_gives_under_any_script_prefix():
    key = uuid.uuid4()
    name = "members:enterprise_detail"
    assert row_link(name)(key) == reverse(name, args=[key])
    before = get_script_prefix()
    try:
        set_script_prefix("/portal/")
        assert row_link(name)(key) == reverse(name, args=[key])
        assert row_link(name)(key).startswith("/portal/")
        assert row_link("roster:month", stand_in="0000-00")("2030-01") == reverse(
            "roster:month", args=["2030-01"]
        )
        assert row_link("chambers:detail")("ice") == reverse("chambers:detail", args=["ice"])
        assert page_url("ledgers:attendance") == reverse("ledgers:attendance")
    finally:
        set_script_prefix(before)

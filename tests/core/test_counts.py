"""Cached counts and figures (core/counts.py): the query's answer, from the cache until a
table the query reads changes."""

import pytest
from django.db.models import Count, Q, Sum

from core.counts import cached_aggregate, cached_count, cached_rows
from members.models import Enterprise, Township
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def figures(queryset):
    return cached_aggregate(
        queryset,
        enterprises=Count("pk"),
        party_members=Sum("party_members", default=0),  # the name of a field: allowed
        covered=Count("pk", filter=Q(party_organisation="own_branch")),
    )


def test_figures_are_read_once_until_a_table_they_read_changes(
    django_assert_num_queries, enterprise_a
):
    EnterpriseFactory(party_members=3, party_organisation="own_branch")
    everyone = Enterprise.objects.all()
    expected = everyone.aggregate(
        enterprises=Count("pk"),
        party_members=Sum("party_members", default=0),
        covered=Count("pk", filter=Q(party_organisation="own_branch")),
    )
    with django_assert_num_queries(1):
        assert figures(everyone) == expected
    with django_assert_num_queries(0):
        assert figures(everyone) == expected
    # Other parameters are other figures.
    with django_assert_num_queries(1):
        assert figures(everyone.filter(pk=enterprise_a.pk))["enterprises"] == 1
    # A change made without a signal (QuerySet.update) renews the stamp.
    Enterprise.objects.filter(pk=enterprise_a.pk).update(party_members=40)
    with django_assert_num_queries(1):
        assert figures(everyone)["party_members"] == expected["party_members"] + 40 - (
            enterprise_a.party_members or 0
        )


def test_a_joined_table_is_part_of_the_key(django_assert_num_queries, enterprise_a):
    """An aggregate over a related table is recounted when that table changes, though the
    queryset itself reads only the township table."""
    townships = Township.objects.filter(pk=enterprise_a.township_id)
    with django_assert_num_queries(1):
        assert cached_aggregate(townships, n=Count("enterprise"))["n"] == 1
    with django_assert_num_queries(0):
        cached_aggregate(townships, n=Count("enterprise"))
    EnterpriseFactory(township=enterprise_a.township)
    with django_assert_num_queries(1):
        assert cached_aggregate(townships, n=Count("enterprise"))["n"] == 2


def test_the_caller_may_add_to_the_figures(enterprise_a):
    first = figures(Enterprise.objects.all())
    first["by_level"] = []
    assert "by_level" not in figures(Enterprise.objects.all())


def test_nothing_to_count_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert cached_count(Enterprise.objects.none()) == 0
        assert figures(Enterprise.objects.none()) == {
            "enterprises": 0, "party_members": 0, "covered": 0
        }  # fmt: skip


def test_without_a_shared_cache_each_call_counts(settings, django_assert_num_queries):
    settings.CACHE_IS_SHARED = False
    with django_assert_num_queries(2):
        figures(Enterprise.objects.all())
        figures(Enterprise.objects.all())


def test_counts_by_group_are_read_once_until_a_table_they_read_changes(
    django_assert_num_queries, enterprise_a
):
    EnterpriseFactory(industry="C")
    by_industry = Enterprise.objects.values_list("industry").annotate(n=Count("*")).order_by()
    expected = sorted(by_industry)
    with django_assert_num_queries(1):
        assert sorted(cached_rows(by_industry)) == expected
    with django_assert_num_queries(0):
        rows = cached_rows(by_industry)
        assert sorted(rows) == expected
    rows.clear()  # the caller's own list
    EnterpriseFactory(industry="C")
    with django_assert_num_queries(1):
        assert dict(cached_rows(by_industry))["C"] == dict(expected)["C"] + 1
    assert cached_rows(Enterprise.objects.none()) == []

"""The coverage rule: every member on the roll is visited at least once in
VISIT_COVERAGE_YEARS years; the members no visit reached in that time are overdue."""

import re

import pytest
from django.urls import reverse

from members.models import Enterprise
from tests.chambers.factories import OrganizationFactory
from tests.conftest import empty_caches
from tests.factories import EnterpriseFactory
from tests.visits.factories import DoneVisitFactory, VisitFactory, days
from visits.models import Visit, overdue_members

pytestmark = pytest.mark.django_db

YEAR = 365


def member(name, joined_days_ago):
    return EnterpriseFactory(name=name, joined_on=days(-joined_days_ago))


@pytest.fixture
def roll(settings):
    settings.VISIT_COVERAGE_YEARS = 3
    recent = member("近期走访企业", 10 * YEAR)
    DoneVisitFactory(planned_on=days(-YEAR), enterprises=[recent])
    long_ago = member("四年前走访企业", 10 * YEAR)
    DoneVisitFactory(planned_on=days(-4 * YEAR), enterprises=[long_ago])
    never = member("从未走访企业", 6 * YEAR)
    only_planned = member("仅有计划企业", 6 * YEAR)
    VisitFactory(planned_on=days(-30), enterprises=[only_planned])
    cancelled = member("走访取消企业", 6 * YEAR)
    VisitFactory(
        planned_on=days(-30),
        enterprises=[cancelled],
        status=Visit.Status.CANCELLED,
        cancel_reason="改期",
    )
    newcomer = member("新入会企业", YEAR)
    withdrawn = member("已退会企业", 6 * YEAR)
    withdrawn.status = Enterprise.Status.WITHDRAWN
    withdrawn.save()
    # A visit to the chamber alone does not count for its members.
    DoneVisitFactory(planned_on=days(-10), organizations=[OrganizationFactory()])
    return {
        "recent": recent, "long_ago": long_ago, "never": never, "only_planned": only_planned,
        "cancelled": cancelled, "newcomer": newcomer, "withdrawn": withdrawn,
    }  # fmt: skip


def test_members_no_visit_reached_in_the_period_are_overdue(roll):
    overdue = {e.name: e for e in overdue_members()}
    assert set(overdue) == {"四年前走访企业", "从未走访企业", "仅有计划企业", "走访取消企业"}
    assert overdue["四年前走访企业"].last_visited == days(-4 * YEAR)
    assert overdue["从未走访企业"].last_visited is None


def test_the_period_is_the_setting(roll, settings):
    settings.VISIT_COVERAGE_YEARS = 5
    assert "四年前走访企业" not in {e.name for e in overdue_members()}


def test_staff_see_the_overdue_members_with_their_last_visit(staff_client, roll, english):
    response = staff_client.get(reverse("visits:overdue"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("四年前走访企业", "从未走访企业", "仅有计划企业", "走访取消企业"):
        assert name in html
    for name in ("近期走访企业", "新入会企业", "已退会企业"):
        assert name not in html
    assert "4 members overdue." in html
    assert "at least once in 3 years" in html
    plan = reverse("visits:plan")
    assert f'href="{plan}?enterprise={roll["never"].public_id}"' in html


def test_plan_a_visit_from_the_overdue_list(staff_client, roll):
    url = f"{reverse('visits:plan')}?enterprise={roll['never'].public_id}"
    html = staff_client.get(url).content.decode()
    assert re.search(r"<textarea[^>]*>\s*从未走访企业</textarea>", html)
    assert staff_client.get(f"{reverse('visits:plan')}?enterprise=nonsense").status_code == 200


def test_the_overdue_list_costs_the_same_queries_for_3_and_60_members(
    staff_client, settings, django_assert_num_queries, django_assert_max_num_queries
):
    settings.VISIT_COVERAGE_YEARS = 3
    for _ in range(3):
        member("企业", 5 * YEAR)
    url = reverse("visits:overdue")
    empty_caches()
    with django_assert_max_num_queries(12) as few:
        assert staff_client.get(url).status_code == 200
    for _ in range(57):
        DoneVisitFactory(planned_on=days(-4 * YEAR), enterprises=[member("企业", 5 * YEAR)])
    empty_caches()
    with django_assert_num_queries(len(few.captured_queries)):
        html = staff_client.get(url).content.decode()
    assert 'rel="next"' in html  # 60 members: two pages of 50

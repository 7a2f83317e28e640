"""The funnel: matched, read, will apply, applied, granted and amount, per policy and per
department and year; each figure lists its enterprises; the year exports to Excel."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from core import jobs
from core.models import Job
from members.models import Enterprise
from petitions.models import Department
from policies import funnel
from policies.models import FollowUp, Policy
from tests.conftest import client_for
from tests.factories import EnterpriseFactory

from .factories import PolicyFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def world():
    """Two departments' policies this year: five manufacturers match the first, which has
    one read, one will apply, one applied and one granted 300,000 yuan; a farm that does not
    match it marked it granted 5,000 yuan (followed without matching)."""
    science = Department.objects.create(name="区科委", code="kewei")
    finance = Department.objects.create(name="区金融办", code="jinrong")
    firms = EnterpriseFactory.create_batch(5, industry="C")
    farm = EnterpriseFactory(industry="A")
    issued = datetime.date(YEAR, 1, 2)
    first = PolicyFactory(industries=["C"], departments=[science, finance], issued_on=issued)
    second = PolicyFactory(industries=["A"], departments=[finance], issued_on=issued)
    PolicyFactory(departments=[science], issued_on=issued, status=Policy.Status.DRAFT)
    PolicyFactory(departments=[science], issued_on=datetime.date(YEAR - 1, 6, 1))
    matched = {"matched": True, "read_at": timezone.now()}
    FollowUp.objects.create(policy=first, enterprise=firms[0], **matched)
    FollowUp.objects.create(policy=first, enterprise=firms[1], state="will_apply", **matched)
    FollowUp.objects.create(policy=first, enterprise=firms[2], state="applied", **matched)
    FollowUp.objects.create(
        policy=first, enterprise=firms[3], state="granted", amount=Decimal("300000"), **matched
    )
    FollowUp.objects.create(
        policy=first,
        enterprise=farm,
        read_at=timezone.now(),
        state="granted",
        amount=Decimal("5000"),
        matched=False,
    )
    return science, finance, first, second, firms


def test_a_policys_funnel(world):
    _science, _finance, first, second, _firms = world
    assert funnel.for_policy(first) == funnel.Funnel(
        matched=5, read=4, will_apply=3, applied=2, granted=1, amount=Decimal("300000"), other=1
    )
    assert funnel.for_policy(second) == funnel.Funnel(matched=1)


def test_by_department_counts_a_policy_under_each_of_its_departments(world):
    science, finance, *_ = world
    rows = dict(funnel.by_department(YEAR))
    assert list(rows) == sorted([science, finance], key=lambda d: d.name)
    assert rows[science] == funnel.Funnel(5, 4, 3, 2, 1, Decimal("300000"), other=1)
    assert rows[finance] == funnel.Funnel(6, 4, 3, 2, 1, Decimal("300000"), other=1)


def test_the_years_totals_count_each_policy_once(world):
    assert funnel.for_year(YEAR) == funnel.Funnel(6, 4, 3, 2, 1, Decimal("300000"), other=1)
    assert funnel.for_year(YEAR - 1).matched == 6  # every enterprise matches that policy
    assert funnel.for_year(YEAR - 5) == funnel.Funnel()


def test_the_department_page_links_each_figure_to_its_enterprises(world, staff):
    science, *_ = world
    response = client_for(staff).get(reverse("policies:funnel"), {"year": YEAR})

    assert response.status_code == 200
    html = response.content.decode()
    assert "区科委" in html and "300000" in html
    link = f"stage=applied&amp;year={YEAR}&amp;department={science.pk}"
    assert link in html


@pytest.mark.parametrize(
    ("stage", "names"),
    [
        ("matched", 5),
        ("read", 4),
        ("will_apply", 3),
        ("applied", 2),
        ("granted", 1),
        ("other", 1),
    ],
)
def test_a_figure_lists_its_enterprises(world, staff, stage, names):
    science, _finance, first, _second, _firms = world
    client = client_for(staff)

    by_policy = client.get(
        reverse("policies:funnel_enterprises"), {"stage": stage, "policy": first.public_id}
    )
    by_department = client.get(
        reverse("policies:funnel_enterprises"),
        {"stage": stage, "year": YEAR, "department": science.pk},
    )

    for response in (by_policy, by_department):
        assert response.status_code == 200
        assert len(response.context["rows"]) == names
        assert response.context["page"].paginator.count == names


def test_a_bad_figure_link_says_so(staff):
    response = client_for(staff).get(reverse("policies:funnel_enterprises"), {"stage": "x"})
    assert response.status_code == 200
    assert "无法显示" in response.content.decode()


def test_a_bad_year_falls_back_to_this_year_with_the_reason(staff):
    response = client_for(staff).get(reverse("policies:funnel"), {"year": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == YEAR
    assert "输入整数" in response.content.decode()


def test_the_policy_funnel_page(world, staff):
    first = world[2]
    response = client_for(staff).get(reverse("policies:funnel_policy", args=[first.public_id]))
    assert response.status_code == 200
    assert response.context["figures"].granted == 1


def test_the_years_funnel_exports_to_excel(world, staff):
    response = client_for(staff).get(reverse("policies:funnel_export"), {"year": YEAR})

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "发文部门"
    assert [row[0] for row in rows[1:]] == ["区科委", "区金融办", "合计"]
    assert rows[0][1:8] == (
        *("符合条件", "已阅读", "拟申报", "已申报", "已兑现"),
        *("其他关注企业", "兑现金额（元）"),
    )
    assert rows[-1] == ("合计", 6, 4, 3, 2, 1, 1, 300000)


def test_the_funnel_pages_cost_the_same_queries_whatever_their_size(
    world, staff, django_assert_max_num_queries
):
    client = client_for(staff)
    client.get(reverse("policies:funnel"))  # the session and the user, read once
    with django_assert_max_num_queries(12):
        client.get(reverse("policies:funnel"), {"year": YEAR})
    with django_assert_max_num_queries(12):
        client.get(reverse("policies:funnel_enterprises"), {"stage": "read", "year": YEAR})
    EnterpriseFactory.create_batch(30, industry="C")
    for department in Department.objects.all():
        PolicyFactory(
            industries=["C"], departments=[department], issued_on=datetime.date(YEAR, 3, 1)
        )
    with django_assert_max_num_queries(12):
        client.get(reverse("policies:funnel"), {"year": YEAR})
    with django_assert_max_num_queries(12):
        client.get(reverse("policies:funnel_enterprises"), {"stage": "matched", "year": YEAR})


def sheet_rows(file) -> list[tuple]:
    return list(openpyxl.load_workbook(file).active.iter_rows(values_only=True))


def test_a_figures_enterprises_export_to_excel(world, staff):
    science = world[0]
    response = client_for(staff).get(
        reverse("policies:funnel_enterprises_export"),
        {"stage": "granted", "year": YEAR, "department": science.pk},
    )

    assert response.status_code == 200
    rows = sheet_rows(io.BytesIO(b"".join(response.streaming_content)))
    assert rows[0][:3] == ("企业", "政策", "状态")
    assert len(rows) == 2 and rows[1][2] == "已兑现" and rows[1][3] == 300000


def test_a_long_list_of_enterprises_is_exported_by_a_background_job(
    world, staff, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_IMMEDIATE_ROWS = 2
    first = world[2]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).get(
            reverse("policies:funnel_enterprises_export"),
            {"stage": "matched", "policy": first.public_id},
        )

    job = Job.objects.get(owner=staff)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == Job.State.DONE, job.result
    with job.file.open("rb") as file:
        assert len(sheet_rows(file)) == 1 + 5


def test_an_export_without_a_figure_goes_back_to_the_funnel(staff):
    response = client_for(staff).get(reverse("policies:funnel_enterprises_export"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("policies:funnel")
    assert "无法显示" in response.content.decode()


def test_an_enterprise_outside_the_policy_that_reads_and_marks_it_is_counted_apart(user_a, user_b):
    policy = PolicyFactory(industries=["C"])
    Enterprise.objects.filter(pk=user_a.enterprise_id).update(industry="C")
    Enterprise.objects.filter(pk=user_b.enterprise_id).update(industry="A")
    for user in (user_a, user_b):
        client = client_for(user)
        client.get(reverse("policies:detail", args=[policy.public_id]))
        client.post(reverse("policies:mark", args=[policy.public_id]), {"state": "applied"})

    assert FollowUp.objects.get(enterprise=user_a.enterprise).matched is True
    assert FollowUp.objects.get(enterprise=user_b.enterprise).matched is False
    assert funnel.for_policy(policy) == funnel.Funnel(
        matched=Enterprise.objects.filter(industry="C").count(),
        read=1,
        will_apply=1,
        applied=1,
        other=1,
    )
    other = funnel.pairs("other", [policy])
    assert [row["enterprise_name"] for row in other] == [user_b.enterprise.name]


def test_a_mark_notes_again_whether_the_enterprise_matches(user_a):
    policy = PolicyFactory(industries=["C"])
    Enterprise.objects.filter(pk=user_a.enterprise_id).update(industry="A")
    client = client_for(user_a)
    client.get(reverse("policies:detail", args=[policy.public_id]))
    assert FollowUp.objects.get(policy=policy).matched is False

    Enterprise.objects.filter(pk=user_a.enterprise_id).update(industry="C")
    client.post(reverse("policies:mark", args=[policy.public_id]), {"state": "will_apply"})

    follow_up = FollowUp.objects.get(policy=policy)
    assert follow_up.matched is True
    assert funnel.for_policy(policy).will_apply == 1


def test_the_funnel_pages_state_the_rule_and_show_the_other_enterprises(world, staff):
    first = world[2]
    client = client_for(staff)
    for response in (
        client.get(reverse("policies:funnel"), {"year": YEAR}),
        client.get(reverse("policies:funnel_policy", args=[first.public_id])),
    ):
        html = response.content.decode()
        assert "其他关注企业" in html
        assert "只统计阅读或最近一次标记时符合政策条件的企业" in html
        assert "stage=other&amp;" in html


def test_an_export_whose_policy_was_deleted_fails_with_the_reason(
    world, staff, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_IMMEDIATE_ROWS = 2
    first = world[2]
    with django_capture_on_commit_callbacks(execute=False):
        client_for(staff).get(
            reverse("policies:funnel_enterprises_export"),
            {"stage": "matched", "policy": first.public_id},
        )
    job = Job.objects.get(owner=staff)
    first.delete()

    jobs.run(job.pk)

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "政策已被删除" in job.error
    assert not job.file

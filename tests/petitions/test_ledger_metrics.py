"""The ledger's filters and export, the three rates on known data, the duty chair's page."""

import datetime
import io

import pytest
import time_machine
from openpyxl import load_workbook

from chambers.models import DutyMonth
from petitions import metrics, services
from petitions.models import Department, Petition, PetitionTally
from tests.conftest import at, client_for, empty_caches
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(file_for, staff, user_a, department, django_capture_on_commit_callbacks):
    """Four petitions filed in March 2026 (a Monday) with known outcomes."""
    with django_capture_on_commit_callbacks(execute=True):
        quick = file_for(now=at(2026, 3, 2, 9), title="及时答复满意", category="financing")
        p = services.accept_petition(
            petition=quick, actor=staff, expected_version=1, now=at(2026, 3, 2, 10)
        )
        p = services.forward_petition(
            petition=p,
            actor=staff,
            expected_version=2,
            department=department,
            now=at(2026, 3, 2, 11),
        )
        p = services.reply_petition(
            petition=p, actor=staff, expected_version=3, text="已解决", now=at(2026, 3, 4, 9)
        )
        services.rate_petition(
            petition=p, actor=user_a, expected_version=4, rating="satisfied", now=at(2026, 3, 4, 12)
        )

        slow = file_for(now=at(2026, 3, 2, 9), title="迟响应基本满意", category="tax")
        p = services.accept_petition(
            petition=slow, actor=staff, expected_version=1, now=at(2026, 3, 4, 9)
        )  # 48 h: late
        p = services.dispatch_petition(
            petition=p, actor=staff, expected_version=2, handler=staff, now=at(2026, 3, 4, 10)
        )
        p = services.reply_petition(
            petition=p, actor=staff, expected_version=3, text="已办", now=at(2026, 3, 6, 9)
        )
        services.rate_petition(
            petition=p, actor=user_a, expected_version=4, rating="basically", now=at(2026, 3, 6, 10)
        )

        unhappy = file_for(now=at(2026, 3, 3, 9), title="不满意重办", category="financing")
        p = services.accept_petition(
            petition=unhappy, actor=staff, expected_version=1, now=at(2026, 3, 3, 10)
        )
        p = services.forward_petition(
            petition=p,
            actor=staff,
            expected_version=2,
            department=department,
            now=at(2026, 3, 3, 11),
        )
        p = services.reply_petition(
            petition=p, actor=staff, expected_version=3, text="答复", now=at(2026, 3, 5, 9)
        )
        services.rate_petition(
            petition=p,
            actor=user_a,
            expected_version=4,
            rating="unsatisfied",
            now=at(2026, 3, 5, 10),
        )

        file_for(now=at(2026, 3, 5, 9), title="无人响应", category="land")
    return {"quick": quick, "slow": slow, "unhappy": unhappy}


def test_three_rates_on_known_data(book):
    report = metrics.year_report(2026, now=at(2026, 4, 1))
    total = report.total
    assert total.filed == 4
    # Responded in time: quick and unhappy; slow was late; the last is unanswered past 24 h.
    assert total.response_rate == 50.0
    assert (total.rated, total.solved, total.satisfied) == (3, 2, 1)
    assert total.resolution_rate == pytest.approx(66.7)
    assert total.satisfaction_rate == pytest.approx(33.3)
    assert total.reopened == 1
    march = report.by_month[2]
    assert march.filed == 4 and march.label == "2026-03"
    by_category = {f.label: f for f in report.by_category}
    assert by_category["Financing"].satisfaction_rate == 50.0
    by_department = {f.label: f for f in report.by_department}
    assert by_department["区税务局"].filed == 2
    # Overdue: the reopened one and the unanswered one, both past their reply deadline.
    assert total.overdue == 2


def test_tallies_follow_every_change_and_a_rebuild_agrees(book):
    live = sorted(PetitionTally.objects.values_list("category", "department_id", "filed", "rated"))
    metrics.rebuild_tallies()
    rebuilt = sorted(
        PetitionTally.objects.values_list("category", "department_id", "filed", "rated")
    )
    assert live == rebuilt


def test_metrics_page_shows_the_rates_and_definitions(book, staff):
    with time_machine.travel(at(2026, 4, 1, 9)):
        html = client_for(staff).get("/petitions/metrics/?year=2026").content.decode()
    assert 'id="response-rate">50.0 %' in html
    assert "Resolution rate: of the petitions the enterprise rated" in html


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("", {"及时答复满意", "迟响应基本满意", "不满意重办", "无人响应"}),
        ("status=reopened", {"不满意重办"}),
        ("category=tax", {"迟响应基本满意"}),
        ("month=2026-03", {"及时答复满意", "迟响应基本满意", "不满意重办", "无人响应"}),
        ("month=2026-04", set()),
        ("overdue=on", {"不满意重办", "无人响应"}),
    ],
)
def test_ledger_filters(book, staff, query, titles):
    with time_machine.travel(at(2026, 4, 1, 9)):
        html = client_for(staff).get(f"/petitions/ledger/?{query}").content.decode()
    shown = {p.title for p in Petition.objects.all() if p.tracking_number in html}
    assert shown == titles


def test_ledger_filters_by_department_and_handler(book, staff, department):
    client = client_for(staff)
    html = client.get(f"/petitions/ledger/?department={department.pk}").content.decode()
    assert book["quick"].tracking_number in html and book["slow"].tracking_number not in html
    html = client.get(f"/petitions/ledger/?handler={staff.pk}").content.decode()
    assert book["slow"].tracking_number in html and book["quick"].tracking_number not in html


def test_ledger_costs_the_same_queries_for_many_rows(
    file_for, staff, django_assert_max_num_queries
):
    client = client_for(staff)
    file_for()
    with django_assert_max_num_queries(12) as few:
        client.get("/petitions/ledger/")
    for _ in range(30):
        file_for()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/petitions/ledger/").status_code == 200


def test_enterprise_list_queries_are_constant(file_for, client_a, django_assert_max_num_queries):
    file_for()
    with django_assert_max_num_queries(12) as few:
        client_a.get("/petitions/")
    for _ in range(20):
        file_for()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client_a.get("/petitions/")


def test_excel_export_follows_the_filter(book, staff):
    response = client_for(staff).get("/petitions/ledger/export.xlsx?category=financing")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Tracking number"
    assert {r[2] for r in rows[1:]} == {"及时答复满意", "不满意重办"}


def test_printable_record(book, staff):
    html = client_for(staff).get(f"/petitions/{book['quick'].public_id}/record/").content.decode()
    assert "Petition handling record" in html and "d-print-none" in html
    assert "已解决" in html


# --- The duty month's executive chair ----------------------------------------------------------


def test_duty_chair_sees_the_months_petitions(file_for, staff):
    chair = UserFactory(real_name="轮值主席")
    DutyMonth.objects.create(month=datetime.date(2026, 3, 1), chair=chair)
    shared = file_for(now=at(2026, 3, 3, 9), title="可匿名分享", anonymous_sharing=True)
    private = file_for(now=at(2026, 3, 4, 9), title="不公开的诉求")
    earlier = file_for(now=at(2026, 2, 27, 9), title="上个月的")
    with time_machine.travel(at(2026, 3, 20, 9)):
        response = client_for(chair).get("/petitions/duty/")
        other_leader = client_for(UserFactory()).get("/petitions/duty/")
        staff_view = client_for(staff).get("/petitions/duty/")
    html = response.content.decode()
    assert response.status_code == 200
    assert shared.title in html and private.title not in html and earlier.title not in html
    assert html.count("<tr>") == 3  # header + two petitions of March
    assert shared.enterprise.name not in html
    assert other_leader.status_code == 403
    assert staff_view.status_code == 200
    assert client_for(chair).get(f"/petitions/{shared.public_id}/").status_code == 404


def test_the_duty_months_petitions_come_fifty_a_page(file_for, staff):
    DutyMonth.objects.create(month=datetime.date(2026, 3, 1), chair=UserFactory())
    for day in range(1, 28):
        file_for(now=at(2026, 3, day, 9))
        file_for(now=at(2026, 3, day, 10))
    with time_machine.travel(at(2026, 3, 28, 9)):
        first = client_for(staff).get("/petitions/duty/")
        second = client_for(staff).get("/petitions/duty/?page=2")
    assert len(first.context["petitions"]) == 50
    assert len(second.context["petitions"]) == 4
    assert 'rel="next"' in first.content.decode()


def test_departments_are_listed_by_name():
    assert Department._meta.ordering == ["name"]


def test_the_duty_page_costs_the_same_queries_for_3_or_54_and_names_labels(
    file_for, staff, django_assert_num_queries, django_assert_max_num_queries
):
    DutyMonth.objects.create(month=datetime.date(2026, 3, 1), chair=UserFactory())
    first = [file_for(now=at(2026, 3, day, 9), anonymous_sharing=True) for day in (1, 2, 3)]
    client = client_for(staff)
    with time_machine.travel(at(2026, 3, 28, 9)):
        empty_caches()  # both counted in full
        with django_assert_max_num_queries(10) as few:
            html = client.get("/petitions/duty/").content.decode()
        for day in range(4, 28):
            file_for(now=at(2026, 3, day, 9))
            file_for(now=at(2026, 3, day, 10))
        empty_caches()
        with django_assert_num_queries(len(few.captured_queries)):
            response = client.get("/petitions/duty/")
    assert len(response.context["petitions"]) == 50
    assert response.context["petitions"].paginator.count == 51
    for petition in first:
        assert f"<td>{petition.get_category_display()}</td>" in html
        assert f"<td>{petition.get_status_display()}</td>" in html

"""The yearly report's figures, computed once and kept (reports.models.ReportFigures): a closed
year's in a background job the first time it is asked for, this year's by Celery beat; the
page, its print view and its workbook drawn from the same kept figures; staff compute them
again with a button that records who did."""

import datetime
import io
import pickle
import re

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from core.models import Job
from notices.models import Notice
from reports import services
from reports.dashboard import figures
from reports.jobs import REPORT_FIGURES
from reports.models import ReportFigures
from reports.tasks import keep_report_figures
from tests.conftest import at, client_for
from tests.dashboard.test_pages import make_year
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1


def report_url(year, page="report/"):
    return f"/dashboard/{page}?year={year}"


def values(page: str) -> dict:
    """The report's figures as a page shows them, by cell, without their unit (元, yuan)."""
    cells = re.findall(r'data-figure="([\w-]+)">\s*(.*?)\s*</td>', page, re.S)
    assert cells
    return {key: value.split()[0] for key, value in cells}


def no_computing(monkeypatch):
    """Fail the test if anything computes a year's figures."""

    def refuse(*args, **kwargs):
        raise AssertionError("the figures were computed again")

    monkeypatch.setattr(figures, "for_year", refuse)


def test_a_closed_year_is_computed_once_in_a_background_job(
    staff, django_capture_on_commit_callbacks
):
    make_year(3, LAST_YEAR)
    client = client_for(staff)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(report_url(LAST_YEAR)).content.decode()

    # Not computed in the request: the page says a job is at it, and shows no figures.
    assert 'id="report-computing"' in page
    assert "秘书处小王" in page
    assert 'id="report-members"' not in page
    assert 'id="export-link"' not in page
    job = Job.objects.get(kind=REPORT_FIGURES)
    assert job.params == {"year": LAST_YEAR}
    assert job.owner == staff
    assert job.state == Job.State.DONE  # the worker ran it (eagerly, in the tests)
    assert job.result["summary"] == f"{LAST_YEAR}年度工作报告数据已计算完成。"  # staff's language
    assert Notice.objects.filter(recipient=staff, key=f"job:{job.public_id}").exists()
    kept = ReportFigures.objects.get(year=LAST_YEAR)
    assert kept.is_final
    assert kept.computed_by == staff
    assert kept.through == datetime.date(LAST_YEAR, 12, 31)
    assert kept.history.get().history_user == staff

    page = client.get(report_url(LAST_YEAR)).content.decode()
    assert 'id="report-computing"' not in page
    assert values(page)["members-2"] == "3"  # members at the end of the year
    assert "as asked by 秘书处小王" in page
    assert Job.objects.count() == 1


def test_kept_figures_are_shown_without_computing_again(
    staff, monkeypatch, django_assert_max_num_queries
):
    make_year(2, LAST_YEAR)
    services.keep_report_figures(year=LAST_YEAR)
    make_year(5, LAST_YEAR)  # records changed after the figures were kept
    no_computing(monkeypatch)
    client = client_for(staff)

    with django_assert_max_num_queries(6):
        page = client.get(report_url(LAST_YEAR)).content.decode()
    printed = client.get(report_url(LAST_YEAR, "report/print/")).content.decode()
    workbook = client.get(report_url(LAST_YEAR, "report/export.xlsx"))

    assert values(page)["members-2"] == values(printed)["members-2"] == "2"
    rows = sheet_rows(workbook)
    assert rows["Members at the end of the year"] == 2
    assert "by the portal's schedule" in page
    assert "by the portal's schedule" in printed
    assert not Job.objects.exists()


def sheet_rows(response) -> dict:
    assert ".xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row}


def test_the_page_print_and_workbook_agree_in_both_languages(staff, monkeypatch):
    make_year(4, LAST_YEAR)
    services.keep_report_figures(year=LAST_YEAR)
    no_computing(monkeypatch)
    english = client_for(staff)
    chinese = client_for(staff)
    chinese.cookies["django_language"] = "zh-hans"

    pages = [
        client.get(report_url(LAST_YEAR, name)).content.decode()
        for client in (english, chinese)
        for name in ("report/", "report/print/")
    ]
    for page in pages:
        assert values(page) == values(pages[0])
    assert "Members at the end of the year" in pages[0]
    assert "Members at the end of the year" not in pages[2]
    assert "年末会员数" in pages[2]
    assert "由门户按计划计算" in pages[2]  # "computed by the portal's schedule"

    english_rows = sheet_rows(english.get(report_url(LAST_YEAR, "report/export.xlsx")))
    chinese_rows = sheet_rows(chinese.get(report_url(LAST_YEAR, "report/export.xlsx")))
    assert english_rows["Members at the end of the year"] == chinese_rows["年末会员数"] == 4
    assert english_rows["Events held"] == 4
    assert english_rows["Party-organisation coverage"] == 50.0
    numbers = [
        [value for value in rows.values() if isinstance(value, int | float)]
        for rows in (english_rows, chinese_rows)
    ]
    assert numbers[0] == numbers[1]


def test_staff_compute_a_closed_year_again_and_it_is_recorded(
    staff, django_capture_on_commit_callbacks
):
    make_year(2, LAST_YEAR)
    kept = services.keep_report_figures(year=LAST_YEAR)
    make_year(1, LAST_YEAR)  # a late correction
    client = client_for(staff)
    page = client.get(report_url(LAST_YEAR)).content.decode()
    assert 'id="recompute-form"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboard/report/recompute/", {"year": str(LAST_YEAR)})

    assert response.status_code == 302
    assert response["Location"] == report_url(LAST_YEAR)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"The {LAST_YEAR} figures are being computed again."
    ]
    kept.refresh_from_db()
    assert kept.computed_by == staff
    assert kept.figures["membership"]["at_end"] == 3
    first, second = kept.history.order_by("history_date")
    assert (first.history_user, first.figures["membership"]["at_end"]) == (None, 2)
    assert second.history_user == staff
    page = client.get(report_url(LAST_YEAR)).content.decode()
    assert values(page)["members-2"] == "3"
    assert "as asked by 秘书处小王" in page


def test_only_staff_compute_again_and_others_change_nothing(
    user_a, leader, django_capture_on_commit_callbacks
):
    make_year(1, LAST_YEAR)
    kept = services.keep_report_figures(year=LAST_YEAR)
    make_year(1, LAST_YEAR)
    for user, status in ((None, 302), (user_a, 403), (leader, 403)):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(user).post("/dashboard/report/recompute/", {"year": LAST_YEAR})
        assert response.status_code == status
        if user is None:
            assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        before = kept.computed_at
        kept.refresh_from_db()
        assert (kept.computed_at, kept.computed_by) == (before, None)
        assert kept.figures["membership"]["at_end"] == 1
    assert not Job.objects.exists()


def test_a_bad_year_is_refused_with_a_message(staff):
    for year in ("abc", "", "1999", str(THIS_YEAR + 1)):
        client = client_for(staff)
        response = client.post("/dashboard/report/recompute/", {"year": year})
        assert response.status_code == 302
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            f"Choose a year from 2000 to {THIS_YEAR}."
        ]
    chinese = client_for(staff)
    chinese.cookies["django_language"] = "zh-hans"
    response = chinese.post("/dashboard/report/recompute/", {"year": "1999"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"请选择 2000 年至 {THIS_YEAR} 年之间的年份。"
    ]
    assert client.get("/dashboard/report/recompute/").status_code == 405
    assert not Job.objects.exists()
    assert not ReportFigures.objects.exists()


def test_a_year_being_computed_is_not_started_twice(staff, secretary):
    first = client_for(staff).get(report_url(LAST_YEAR - 3)).content.decode()
    second = client_for(secretary).get(report_url(LAST_YEAR - 3, "report/print/")).content.decode()
    client_for(secretary).post("/dashboard/report/recompute/", {"year": LAST_YEAR - 3})

    job = Job.objects.get()  # waiting for a worker: one for everyone
    assert job.owner == staff
    assert "A notice will tell you" in first
    assert 'id="report-computing"' in second and "A notice will tell you" not in second
    assert "秘书处小王" in second


def test_figures_kept_before_a_year_was_over_are_not_its_report(staff):
    make_year(1, LAST_YEAR)
    services.keep_report_figures(year=LAST_YEAR)
    ReportFigures.objects.filter(year=LAST_YEAR).update(
        computed_at=at(LAST_YEAR, 12, 31, 23, 55), through=datetime.date(LAST_YEAR, 12, 31)
    )
    assert services.kept_figures(LAST_YEAR) is None
    page = client_for(staff).get(report_url(LAST_YEAR)).content.decode()
    assert 'id="report-computing"' in page
    assert Job.objects.filter(params__year=LAST_YEAR).exists()


def test_an_older_reading_never_replaces_a_newer():
    newer = ReportFigures.objects.create(
        year=LAST_YEAR,
        figures={"kept": "later"},
        through=datetime.date(LAST_YEAR, 12, 31),
        computed_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    assert services.keep_report_figures(year=LAST_YEAR) == newer
    newer.refresh_from_db()
    assert newer.figures == {"kept": "later"}


def test_beat_keeps_this_years_figures_and_last_years_once(staff, monkeypatch):
    assert PeriodicTask.objects.get(task="reports.tasks.keep_report_figures").name == "年度报告数据"
    EnterpriseFactory(joined_on=datetime.date(THIS_YEAR, 1, 2))

    assert keep_report_figures.delay().get() == [THIS_YEAR, LAST_YEAR]

    this_year = ReportFigures.objects.get(year=THIS_YEAR)
    last_year = ReportFigures.objects.get(year=LAST_YEAR)
    assert this_year.computed_by is None
    assert this_year.through == timezone.localdate()
    assert last_year.is_final
    EnterpriseFactory(joined_on=datetime.date(THIS_YEAR, 1, 3))
    client = client_for(staff)
    with monkeypatch.context() as patched:
        no_computing(patched)
        page = client.get("/dashboard/report/").content.decode()
    assert values(page)["members-2"] == "1"
    assert "This year's figures are computed again every 5 minutes." in page
    assert "The year is not over" in page

    assert keep_report_figures.delay().get() == [THIS_YEAR]  # last year's are kept for good
    assert this_year.history.count() == 0  # this year's, every few minutes: no history
    assert last_year.history.count() == 1
    assert ReportFigures.objects.get(year=LAST_YEAR).computed_at == last_year.computed_at
    assert values(client.get("/dashboard/report/").content.decode())["members-2"] == "2"


def test_kept_figures_are_read_through_the_page_cache_without_phone_numbers(staff, page_cache):
    make_year(2, LAST_YEAR)
    services.keep_report_figures(year=LAST_YEAR, actor=staff)
    client = client_for(staff)
    assert values(client.get(report_url(LAST_YEAR)).content.decode())["members-2"] == "2"

    with CaptureQueriesContext(connection) as queries:
        page = client.get(report_url(LAST_YEAR)).content.decode()
    assert values(page)["members-2"] == "2"
    assert not [q for q in queries.captured_queries if "reports_reportfigures" in q["sql"]]
    assert not [q for q in queries.captured_queries if "core_job" in q["sql"]]
    kept = services.kept_figures(LAST_YEAR)
    assert {"mobile"} <= kept.computed_by.get_deferred_fields()
    assert "13900139000" not in str(pickle.dumps(kept))

    make_year(1, LAST_YEAR)
    services.keep_report_figures(year=LAST_YEAR)  # beat or staff again: a new stamp
    assert values(client.get(report_url(LAST_YEAR)).content.decode())["members-2"] == "3"

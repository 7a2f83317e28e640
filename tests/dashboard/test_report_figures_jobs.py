"""Starting the jobs that compute a year's report figures: one at a time, again when staff
corrected records, not over and over after one failed; kept figures of another shape are
computed again."""

import pytest
from django.utils import timezone

from core.models import Job
from reports import services
from reports.dashboard import report
from reports.jobs import REPORT_FIGURES
from reports.models import ReportFigures
from tests.conftest import client_for
from tests.threads import run_together

THIS_YEAR = timezone.localdate().year
YEAR = THIS_YEAR - 4


def report_url(year, page="report/"):
    return f"/dashboard/{page}?year={year}"


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_start_one_job(staff, secretary):
    errors = run_together(
        [
            lambda: services.compute_in_background(year=YEAR, actor=staff),
            lambda: services.compute_in_background(year=YEAR, actor=secretary),
            lambda: services.compute_in_background(year=YEAR, actor=staff),
        ]
    )
    assert errors == []
    assert Job.objects.filter(kind=REPORT_FIGURES).count() == 1


@pytest.mark.django_db
def test_computing_again_starts_a_job_unless_one_is_still_waiting(staff, secretary):
    client = client_for(secretary)
    first = services.compute_in_background(year=YEAR, actor=staff)
    client.post("/dashboard/report/recompute/", {"year": YEAR})
    assert list(Job.objects.filter(kind=REPORT_FIGURES)) == [first]  # still waiting: enough

    # Running: it may have read the records before they were corrected, so another starts.
    Job.objects.filter(pk=first.pk).update(state=Job.State.RUNNING, started_at=timezone.now())
    client.post("/dashboard/report/recompute/", {"year": YEAR})
    again = Job.objects.filter(kind=REPORT_FIGURES).latest("pk")
    assert again != first and again.owner == secretary and again.state == Job.State.QUEUED


@pytest.mark.django_db
def test_a_failed_computation_is_said_and_not_started_at_each_visit(staff):
    failed = Job.objects.create(
        owner=staff,
        kind=REPORT_FIGURES,
        params={"year": YEAR},
        state=Job.State.FAILED,
        error="数据库连接中断。",
    )
    client = client_for(staff)
    for page in ("report/", "report/print/", "report/export.xlsx"):
        response = client.get(report_url(YEAR, page))
        assert response.status_code == 200
    html = client.get(report_url(YEAR)).content.decode()
    assert 'id="report-failed"' in html and "数据库连接中断。" in html
    assert list(Job.objects.filter(kind=REPORT_FIGURES)) == [failed]

    client.post("/dashboard/report/recompute/", {"year": YEAR})  # staff try again
    assert Job.objects.filter(kind=REPORT_FIGURES).count() == 2
    assert 'id="report-failed"' not in client.get(report_url(YEAR)).content.decode()


@pytest.mark.django_db
def test_figures_kept_in_another_shape_are_computed_again(staff):
    services.keep_report_figures(year=YEAR)
    assert services.kept_figures(YEAR) is not None
    kept = ReportFigures.objects.get(year=YEAR)
    kept.figures = {**kept.figures, "version": report.FIGURES_VERSION - 1}
    kept.save()
    assert services.kept_figures(YEAR) is None
    html = client_for(staff).get(report_url(YEAR)).content.decode()
    assert 'id="report-computing"' in html
    assert Job.objects.filter(kind=REPORT_FIGURES, params__year=YEAR).exists()

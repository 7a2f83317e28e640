"""Background jobs: the roster import and large exports run off the request, their owner
follows the progress and is told of the result, which is theirs alone and kept for a while."""

import datetime
import io
import threading
import time
from pathlib import Path

import kombu.exceptions
import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core import excel, jobs, stamps
from core.models import Job
from core.tasks import run_job
from events import services as event_services
from events.models import Event, Registration
from members.models import Enterprise
from notices.models import Notice
from petitions import services as petition_services
from reports.ledgers.registry import LEDGERS
from reports.services import keep_report_figures
from tests.conftest import client_for
from tests.core.jobs import post_for_job, problem_rows
from tests.core.workbooks import tiny_rows
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import EnterpriseFactory
from tests.members.test_directory import roster_row, workbook

IMPORT = reverse("members:import")
EXPORT = reverse("members:export")


@pytest.fixture(autouse=True)
def _english(settings, staff):
    """Assertions read the English source strings: a job runs in its owner's language."""
    settings.LANGUAGE_CODE = "en"
    staff.language = "en"
    staff.save(update_fields=["language"])


def test_an_import_runs_as_a_job_with_progress_and_a_notice(staff_client, staff):
    rows = [roster_row(i) for i in range(5)]
    job = post_for_job(staff_client, IMPORT, {"file": workbook(rows)})
    assert job.owner == staff and job.kind == "members_import"
    assert job.state == Job.State.DONE
    assert (job.done, job.total, job.percent) == (5, 5, 100)
    assert job.result["figures"]["new"] == 5
    assert "The roster was imported." in job.result["summary"]
    assert Enterprise.objects.count() == 5
    assert not job.upload  # the uploaded workbook is not kept once read
    notice = Notice.objects.get(recipient=staff, kind="job_finished")
    assert notice.link == job.get_absolute_url()
    assert "Member roster import" in notice.subject
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert 'id="job-summary"' in page and "New: 5" in page
    assert "js/jobs.js" not in page  # over: nothing left to poll


def test_the_import_report_lists_each_bad_row_and_imports_nothing(staff_client, staff):
    rows = [roster_row(1), roster_row(2, township="不存在镇"), roster_row(3, size="巨型")]
    job = post_for_job(staff_client, IMPORT, {"file": workbook(rows), "dry_run": "on"})
    assert job.state == Job.State.DONE
    assert problem_rows(job) == [2, 3]
    assert (job.done, job.total) == (3, 3)  # the check's transaction rolled back, not these
    assert "Nothing was imported" in job.result["summary"]
    assert Enterprise.objects.count() == 0
    notice = Notice.objects.get(recipient=staff, kind="job_finished")
    assert "Nothing was imported" in notice.body


def test_a_date_that_is_no_date_is_reported_in_the_owners_language(staff_client, staff):
    staff.language = "zh-hans"
    staff.save(update_fields=["language"])
    rows = [roster_row(1), roster_row(2, joined_on="2020/13/45"), roster_row(3, joined_on="下月")]
    job = post_for_job(staff_client, IMPORT, {"file": workbook(rows), "dry_run": "on"})
    assert problem_rows(job) == [2, 3]
    texts = " ".join(text for _row, text in job.result["problems"])
    assert "“2020/13/45”不是日期" in texts and "“下月”不是日期" in texts
    assert "could not be parsed" not in texts
    assert Enterprise.objects.count() == 0


def test_the_import_page_says_imports_run_in_the_background_and_nothing_is_done_in_it(
    staff_client,
):
    page = staff_client.get(IMPORT).content.decode()
    assert "read in the background" in page
    assert "50,000" in page


def test_a_workbook_declaring_a_million_rows_is_refused_at_once(staff_client):
    upload = SimpleUploadedFile("roster.xlsx", tiny_rows(1_000_000))
    started = time.monotonic()
    response = staff_client.post(IMPORT, {"file": upload, "dry_run": "on"})
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["file"]
    assert error.code == "rows"
    assert "more than 50,000 rows" in response.content.decode()
    assert not Job.objects.exists()


def test_a_million_rows_not_declared_are_refused_by_the_job_after_the_limit(staff_client):
    upload = SimpleUploadedFile("roster.xlsx", tiny_rows(1_000_000, dimension=False))
    started = time.monotonic()
    job = post_for_job(staff_client, IMPORT, {"file": upload, "dry_run": "on"})
    assert time.monotonic() - started < 10
    assert job.state == Job.State.FAILED
    assert "more than 50,000 rows" in job.error
    assert not Enterprise.objects.exists()
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert 'id="job-error"' in page


def test_the_row_limit_is_a_setting(staff_client, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [roster_row(i) for i in range(3)]  # and the header: four rows
    response = staff_client.post(IMPORT, {"file": workbook(rows)})
    assert response.context["form"].errors.as_data()["file"][0].code == "rows"
    assert not Enterprise.objects.exists()


def test_a_zip_that_is_no_workbook_fails_the_job_with_a_clear_message(staff_client):
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    upload = SimpleUploadedFile("roster.xlsx", out.getvalue())
    job = post_for_job(staff_client, IMPORT, {"file": upload})
    assert job.state == Job.State.FAILED
    assert job.error == "The workbook could not be read."


def test_a_small_export_is_answered_at_once(staff_client, settings):
    settings.EXPORT_IMMEDIATE_ROWS = 3
    EnterpriseFactory.create_batch(3)
    response = staff_client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not Job.objects.exists()


def test_a_larger_export_is_a_job_whose_file_only_its_owner_downloads(
    staff_client, staff, staff2, settings
):
    settings.EXPORT_IMMEDIATE_ROWS = 3
    EnterpriseFactory.create_batch(4)
    job = post_for_job(staff_client, EXPORT, {"private": "1"}, method="get")
    assert job.kind == "members_export" and job.state == Job.State.DONE
    assert (job.done, job.total) == (4, 4)
    assert job.file_name == f"Member directory-{timezone.localdate():%Y-%m-%d}.xlsx"
    notice = Notice.objects.get(recipient=staff, kind="job_finished")
    assert notice.link == job.get_absolute_url()
    download = staff_client.get(reverse("jobs:download", args=[job.public_id]))
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"] and "private" in download["Cache-Control"]
    assert job.result["summary"] == "4 members exported."
    assert Path(job.file.path).parent == settings.PRIVATE_MEDIA_ROOT / "jobs"
    book = load_workbook(io.BytesIO(download.getvalue()))
    assert book.worksheets[0].max_row == 5  # the header and four members
    assert "contact mobile" in [c.value for c in book.worksheets[0][1]]  # private=1 kept
    other = client_for(staff2)
    for name in ("detail", "progress", "download"):
        assert other.get(reverse(f"jobs:{name}", args=[job.public_id])).status_code == 404


def test_progress_is_read_by_the_page(staff, staff_client):
    job = Job.objects.create(
        owner=staff, kind="members_import", state=Job.State.RUNNING, done=250, total=1000
    )
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert 'id="job-progress"' in page and 'value="25"' in page
    assert "js/jobs.js" in page
    progress = staff_client.get(reverse("jobs:progress", args=[job.public_id])).json()
    assert progress == {
        "state": "running", "done": 250, "total": 1000, "percent": 25, "finished": False
    }  # fmt: skip


def test_progress_is_written_as_the_runner_counts(staff, staff_client):
    job = Job.objects.create(owner=staff, kind="members_export", state=Job.State.RUNNING)
    progress = jobs.Progress(job)
    assert list(progress.counted(range(1200), 1200)) == list(range(1200))
    seen = staff_client.get(reverse("jobs:progress", args=[job.public_id])).json()
    assert (seen["done"], seen["total"], seen["percent"]) == (1200, 1200, 100)
    job.refresh_from_db()
    assert (job.done, job.total) == (0, None)  # the row gets the figures when the job ends


def in_another_connection(action):
    """Run `action` in a thread of its own, with its own database connection: what another
    request sees."""
    found = {}

    def target():
        try:
            found["value"] = action()
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    return found["value"]


@pytest.mark.django_db(transaction=True)
def test_progress_reported_inside_the_runners_transaction_is_seen_by_the_page(staff, monkeypatch):
    """An import reports its rows from inside its one transaction (rolled back when it only
    checks the file): the page's poll, another connection, sees the progress all the same."""
    client = client_for(staff)
    seen = {}

    def check_in_a_transaction(job, progress):
        url = reverse("jobs:progress", args=[job.public_id])
        with transaction.atomic():
            progress(0, 100, force=True)
            progress(40, force=True)
            seen["row"] = in_another_connection(lambda: Job.objects.get(pk=job.pk).done)
            seen["poll"] = in_another_connection(lambda: client.get(url).json())
            transaction.set_rollback(True)
        return jobs.Outcome(summary="checked")

    monkeypatch.setitem(
        jobs._KINDS, "check", jobs.JobKind("check", "Check", check_in_a_transaction)
    )
    job = Job.objects.create(owner=staff, kind="check")
    jobs.run(job.pk)
    assert seen["row"] == 0  # the row, as another connection sees it, has not moved
    assert seen["poll"] == {
        "state": "running", "done": 40, "total": 100, "percent": 40, "finished": False
    }  # fmt: skip
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (Job.State.DONE, 40, 100)  # the final value


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_loses_no_job_the_sweep_queues_it_again(staff, monkeypatch, settings):
    client = client_for(staff)

    def broker_down(*args, **kwargs):
        raise kombu.exceptions.OperationalError("Error 111 connecting to redis: refused")

    monkeypatch.setattr(run_job, "delay", broker_down)
    response = client.post(IMPORT, {"file": workbook([roster_row(1)])})
    assert response.status_code == 302  # not a 500: the job waits
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()
    assert (job.state, job.attempts) == (Job.State.QUEUED, 0)
    # Kept in the one private storage, where the settings say.
    assert Path(job.upload.path).parent == settings.PRIVATE_MEDIA_ROOT / "jobs"
    assert Path(job.upload.path).exists()
    monkeypatch.undo()  # the broker is back
    # Within the grace the sweep leaves the job to the task queued for it; after it, it queues
    # it again (and the eager test worker runs it).
    assert jobs.sweep(job.created_at + datetime.timedelta(minutes=1))["queued"] == 0
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    assert jobs.sweep(job.created_at + jobs.QUEUE_GRACE + datetime.timedelta(seconds=1)) == {
        "failed": 0, "queued": 1, "deleted": 0
    }  # fmt: skip
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.DONE, 1)
    assert Enterprise.objects.count() == 1
    assert Notice.objects.filter(recipient=staff, kind="job_finished").count() == 1


def running_since(owner, seconds_ago, *, attempts=1, **fields) -> Job:
    return Job.objects.create(
        owner=owner,
        kind="members_export",
        params={"query": ""},
        state=Job.State.RUNNING,
        started_at=timezone.now() - datetime.timedelta(seconds=seconds_ago),
        attempts=attempts,
        **fields,
    )


def test_a_task_delivered_again_leaves_a_running_job_to_its_worker(staff):
    job = running_since(staff, 300, done=10)
    started_at = job.started_at
    assert jobs.run(job.pk) is None
    job.refresh_from_db()
    assert (job.state, job.started_at, job.attempts) == (Job.State.RUNNING, started_at, 1)
    assert not Notice.objects.exists()


def test_a_job_running_past_the_time_limit_is_taken_up_again(staff):
    EnterpriseFactory.create_batch(2)
    job = running_since(staff, jobs.JOB_TIME_LIMIT + 1)
    assert jobs.run(job.pk).state == Job.State.DONE
    job.refresh_from_db()
    assert (job.state, job.attempts, job.done) == (Job.State.DONE, 2, 2)


def test_a_job_is_taken_up_three_times_at_most_then_the_sweep_fails_it(staff):
    job = Job.objects.create(owner=staff, kind="members_export", params={"query": ""})
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.attempts == 1
    killer = running_since(staff, jobs.JOB_TIME_LIMIT + 1, attempts=jobs.MAX_ATTEMPTS)
    started_at = killer.started_at
    assert jobs.run(killer.pk) is None  # its third worker died too: not taken up again
    killer.refresh_from_db()
    assert (killer.state, killer.started_at, killer.attempts) == (
        Job.State.RUNNING, started_at, jobs.MAX_ATTEMPTS
    )  # fmt: skip
    assert jobs.sweep()["failed"] == 1
    killer.refresh_from_db()
    assert killer.state == Job.State.FAILED


def test_the_sweep_fails_a_job_the_time_limit_stopped_and_tells_its_owner(staff):
    stopped = running_since(staff, jobs.JOB_TIME_LIMIT + 1)
    stopped.upload.save("roster.xlsx", ContentFile(b"PK"))
    upload = Path(stopped.upload.path)
    working = running_since(staff, jobs.JOB_TIME_LIMIT - 60)
    assert jobs.sweep() == {"failed": 1, "queued": 0, "deleted": 0}
    stopped.refresh_from_db()
    assert stopped.state == Job.State.FAILED and stopped.finished_at
    assert "longer than 30 minutes" in stopped.error
    assert not stopped.upload and not upload.exists()
    notice = Notice.objects.get(recipient=staff, kind="job_finished")
    assert notice.link == stopped.get_absolute_url()
    working.refresh_from_db()
    assert working.state == Job.State.RUNNING and not working.finished_at
    page = client_for(staff).get(stopped.get_absolute_url()).content.decode()
    assert 'id="job-error"' in page and "longer than 30 minutes" in page


def test_the_page_shows_the_first_thousand_problems_and_how_many_more(
    staff_client, staff, monkeypatch
):
    def many_problems(job, progress):
        return jobs.Outcome(summary="checked", problems=[(row, "bad") for row in range(1005)])

    monkeypatch.setitem(jobs._KINDS, "check", jobs.JobKind("check", "Check", many_problems))
    job = jobs.run(Job.objects.create(owner=staff, kind="check").pk)
    job.refresh_from_db()
    assert len(job.result["problems"]) == jobs.MAX_PROBLEMS == 1000
    assert job.result["problems"][-1] == [999, "bad"]
    assert job.result["problem_count"] == 1005
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert page.count("<td>bad</td>") == 1000
    assert "5 more problems are not shown" in page


@pytest.mark.django_db(transaction=True)
def test_job_writes_renew_no_table_stamp(staff):
    """No cached part shows a job: its progress and state writes renew no stamp."""
    job = Job.objects.create(owner=staff, kind="members_export")
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, done=5)
    assert cache.get(stamps.stamp_key(Job._meta.db_table)) is None
    EnterpriseFactory()  # a table a cached part shows is stamped
    assert cache.get(stamps.stamp_key(Enterprise._meta.db_table)) is not None


def test_an_immediate_export_makes_no_summary(staff, enterprise_a):
    from events import calendar
    from members import jobs as member_jobs
    from reports import jobs as report_jobs

    outcomes = [
        member_jobs.write_directory("", staff),
        report_jobs.write_ledger("members", Enterprise.objects.all()),
        report_jobs.write_petitions(""),
        calendar.attendees_workbook(EventFactory(), Registration.objects.none()),
    ]
    assert [outcome.summary for outcome in outcomes] == ["", "", "", ""]


def test_a_job_is_run_once(staff):
    job = Job.objects.create(owner=staff, kind="members_export", state=Job.State.DONE)
    assert jobs.run(job.pk) is None
    job.refresh_from_db()
    assert job.state == Job.State.DONE and not Notice.objects.exists()


def test_the_sweep_deletes_old_jobs_and_their_files(staff, settings):
    settings.JOB_KEEP_SECONDS = 3600
    old = Job.objects.create(owner=staff, kind="members_export", state=Job.State.DONE)
    old.file.save("old.xlsx", ContentFile(b"PK"))
    path = old.file.path
    Job.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=3601)
    )
    recent = Job.objects.create(owner=staff, kind="members_export", state=Job.State.DONE)
    from core.tasks import sweep_jobs

    assert sweep_jobs() == {"failed": 0, "queued": 0, "deleted": 1}
    assert list(Job.objects.all()) == [recent]
    import os

    assert not os.path.exists(path)


def test_the_sweep_runs_on_a_schedule():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="core.tasks.sweep_jobs")
    assert task.enabled and task.interval.every == jobs.SWEEP_EVERY.total_seconds() == 120


def test_sending_invitations_now_is_a_job_the_page_follows(staff_client, staff, enterprise_a):
    meeting = EventFactory(audience=Event.Audience.INVITATION)
    event_services.invite(event=meeting, actor=staff, enterprises=[enterprise_a])
    url = reverse("events:send_invitations", args=[meeting.public_id])
    job = post_for_job(staff_client, url)
    assert job.kind == "event_invitations" and job.state == Job.State.DONE
    assert job.result["summary"] == "1 invitations sent."
    assert meeting.invitations.filter(sent_at__isnull=True).count() == 0
    assert Notice.objects.filter(recipient=staff, kind="job_finished").exists()


def test_a_draft_starts_no_invitation_job(staff_client, staff, enterprise_a):
    draft = EventFactory(status=Event.Status.DRAFT, audience=Event.Audience.INVITATION)
    event_services.invite(event=draft, actor=staff, enterprises=[enterprise_a])
    response = staff_client.post(reverse("events:send_invitations", args=[draft.public_id]))
    assert response.status_code == 302 and "dashboard" in response.url
    assert not Job.objects.exists()
    assert draft.invitations.filter(sent_at__isnull=False).count() == 0


def test_attendees_over_the_line_are_exported_by_a_job(staff_client, settings):
    settings.EXPORT_IMMEDIATE_ROWS = 2
    event = EventFactory()
    RegistrationFactory.create_batch(2, event=event)
    url = reverse("events:export", args=[event.public_id])
    assert staff_client.get(url)["Content-Type"] == excel.XLSX  # two: at once
    RegistrationFactory(event=event)
    job = post_for_job(staff_client, url, method="get")
    assert job.kind == "attendees_export" and (job.done, job.total) == (3, 3)
    assert job.result["summary"] == "3 rows exported."
    download = staff_client.get(reverse("jobs:download", args=[job.public_id]))
    rows = list(load_workbook(io.BytesIO(download.getvalue())).worksheets[0].values)
    assert len(rows) == 5  # the event's line, the header, three people


@pytest.mark.parametrize("name", sorted(LEDGERS))
def test_every_ledger_over_the_line_is_exported_by_a_job(staff_client, staff, settings, name):
    settings.EXPORT_IMMEDIATE_ROWS = -1  # every export, even an empty one
    job = post_for_job(staff_client, reverse(f"ledgers:{name}_export"), method="get")
    assert job.kind == "ledger_export" and job.state == Job.State.DONE, job.error
    assert job.file_name.startswith(str(LEDGERS[name].title))


def test_a_ledger_export_keeps_its_filters_in_the_job(staff_client, settings):
    settings.EXPORT_IMMEDIATE_ROWS = 1
    EnterpriseFactory.create_batch(2, industry="A")
    EnterpriseFactory.create_batch(3, industry="C")
    url = reverse("ledgers:members_export")
    assert staff_client.get(url, {"industry": "A"}).status_code == 302
    job = post_for_job(staff_client, url, {"industry": "C"}, method="get")
    assert (job.done, job.total) == (3, 3)


def test_the_petition_ledger_over_the_line_is_exported_by_a_job(staff_client, settings, user_a):
    settings.EXPORT_IMMEDIATE_ROWS = 1
    for title in ("一", "二"):
        petition_services.file_petition(
            actor=user_a, enterprise=user_a.enterprise, category="financing", title=title,
            description="说明",
        )  # fmt: skip
    job = post_for_job(staff_client, reverse("petitions:ledger_export"), method="get")
    assert job.kind == "petition_ledger_export" and (job.done, job.total) == (2, 2)
    settings.EXPORT_IMMEDIATE_ROWS = 2
    response = staff_client.get(reverse("petitions:ledger_export"))
    assert response["Content-Type"] == excel.XLSX


def test_a_job_and_its_notice_speak_the_owners_language(staff_client, staff):
    staff.language = "zh-hans"
    staff.save(update_fields=["language"])
    job = post_for_job(staff_client, IMPORT, {"file": workbook([roster_row(1)]), "dry_run": "on"})
    assert job.result["summary"].startswith("文件已检查，未导入任何数据。")
    notice = Notice.objects.get(recipient=staff, kind="job_finished")
    assert notice.subject == "已完成：会员台账导入"
    assert job.get_absolute_url() in notice.body


def test_the_roster_and_the_report_always_download_at_once(staff_client, settings):
    settings.EXPORT_IMMEDIATE_ROWS = -1  # any export through jobs.export would be a job
    year = timezone.localdate().year
    keep_report_figures(year=year)  # the report's figures are kept (reports.ReportFigures)
    for url in (reverse("roster:export"), f"/dashboard/report/export.xlsx?year={year}"):
        assert staff_client.get(url)["Content-Type"] == excel.XLSX, url
    assert not Job.objects.exists()


def test_gunicorn_keeps_its_default_timeout():
    from django.conf import settings as django_settings

    readme = (django_settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    procfile = (django_settings.BASE_DIR / "Procfile").read_text(encoding="utf-8")
    assert "gunicorn ylqgsl.wsgi" in readme
    assert "--timeout" not in readme and "--timeout" not in procfile


def test_a_dry_run_takes_no_member_numbers(staff):
    """Nothing a dry run saves is kept: it never locks the year's member-number counter."""
    import tablib
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members.resources import read_roster
    from members.roll import put_on_roll

    rows = [roster_row(1), roster_row(2)]
    dataset = tablib.Dataset().load(workbook(rows).read(), format="xlsx")
    with CaptureQueriesContext(connection) as queries:
        result = put_on_roll(rows=read_roster(dataset), actor=staff, dry_run=True)
    assert result.figures["new"] == 2 and not result.problems
    assert not [q for q in queries.captured_queries if "membernumbercounter" in q["sql"]]

"""A background job's page follows the job: the state and the bar move as the worker reports,
and when the job can no longer be asked about (gone, or the session ended) the page stops
asking and says so."""

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from core import jobs
from core.models import Job
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GONE = "无法在此继续查看该任务：请刷新页面，如有提示请重新登录。"


def progress_requests(page) -> list[str]:
    asked = []
    page.on("request", lambda request: "/progress/" in request.url and asked.append(request.url))
    return asked


def assert_stopped(page, asked):
    expect(page.locator("#job-state")).to_have_text(GONE)
    count = len(asked)
    page.wait_for_timeout(3500)  # three polls' time, and the 3 s wait after an error
    assert len(asked) == count


def test_the_page_follows_the_job_and_stops_when_it_is_gone(new_page, staff):
    job = Job.objects.create(owner=staff, kind="members_import")
    page = new_page()
    log_in(page, staff.email)
    page.goto(job.get_absolute_url())
    expect(page.locator("#job-state")).to_have_text("等待后台处理……")

    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=timezone.now())
    cache.set(jobs.progress_key(job.pk), (30, 120))
    expect(page.locator("#job-state")).to_have_text("正在处理……")
    expect(page.locator("#job-done")).to_have_text("30 / 120")
    assert page.eval_on_selector("#job-progress", "bar => bar.value") == 25

    asked = progress_requests(page)
    job.delete()  # swept, say: the progress view answers 404
    assert_stopped(page, asked)


def test_the_page_stops_when_the_session_has_ended(new_page, staff):
    job = Job.objects.create(owner=staff, kind="members_import")
    page = new_page()
    log_in(page, staff.email)
    page.goto(job.get_absolute_url())
    expect(page.locator("#job-state")).to_have_text("等待后台处理……")
    asked = progress_requests(page)
    page.context.clear_cookies()  # signed out: the progress view redirects to log-in
    assert_stopped(page, asked)

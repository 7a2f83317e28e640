"""Delivering a notice's e-mail: once per notice, retried with back-off, caught up by the sweep."""

from datetime import timedelta
from smtplib import SMTPException
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.utils import timezone

from notices import services
from notices.models import Notice
from notices.services import (
    MAX_EMAIL_ATTEMPTS,
    STALE_SENDING_AFTER,
    SWEEP_GRACE,
    deliver_email,
    notify,
    retry_delay_ceiling,
)
from notices.tasks import deliver_pending_emails, send_notice_email
from tests.notices.factories import APPLICATION, NoticeFactory
from ylqgsl.schedules import default_schedules


@pytest.fixture
def notice(user_a):
    """A notice whose e-mail was never queued: its transaction's on-commit hook did not run."""
    return notify(
        recipient=user_a,
        kind="application_received",
        key="application_received:1",
        context={"application": APPLICATION},
    )


def later(time_machine, delta):
    time_machine.move_to(timezone.now() + delta, tick=False)


# --- The task ---------------------------------------------------------------------------------


def test_email_task_is_acknowledged_late_and_retries_smtp_errors_with_back_off():
    assert send_notice_email.acks_late is True
    assert SMTPException in send_notice_email.autoretry_for
    assert OSError in send_notice_email.autoretry_for  # connection refused, timeouts
    assert send_notice_email.retry_backoff == services.RETRY_BACKOFF
    assert send_notice_email.retry_backoff_max == services.RETRY_BACKOFF_MAX
    assert send_notice_email.retry_jitter is True
    assert send_notice_email.max_retries + 1 == MAX_EMAIL_ATTEMPTS
    assert deliver_pending_emails.acks_late is True


def test_tasks_are_json_and_time_limited():
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert 0 < settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    # A claim is declared lost only well after the task itself would have been killed.
    assert timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) < STALE_SENDING_AFTER


def test_sweep_runs_on_a_schedule():
    [entry] = [e for e in default_schedules() if e.task == "notices.tasks.deliver_pending_emails"]
    assert entry.seconds <= 600


def test_tasks_reuse_database_connections_on_postgresql():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        assert database["ENGINE"] == "django.db.backends.sqlite3"
        return
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


def test_retry_delay_ceiling_doubles_up_to_the_maximum():
    assert retry_delay_ceiling(1) == timedelta(seconds=30)
    assert retry_delay_ceiling(2) == timedelta(seconds=60)
    assert retry_delay_ceiling(3) == timedelta(seconds=120)
    assert retry_delay_ceiling(7) == timedelta(seconds=1920)
    assert retry_delay_ceiling(8) == timedelta(hours=1)
    assert retry_delay_ceiling(20) == timedelta(hours=1)


# --- One e-mail per notice ------------------------------------------------------------------


@pytest.mark.django_db
def test_delivering_twice_sends_once(notice):
    assert deliver_email(notice.pk) is True
    assert deliver_email(notice.pk) is False

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert notice.email_attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["X-Notice"] == notice.key


@pytest.mark.django_db
def test_sent_notice_is_never_sent_again_by_deliver_email_or_the_sweep(notice, time_machine):
    send_notice_email.delay(notice.pk)
    later(time_machine, timedelta(days=2))

    assert deliver_email(notice.pk) is False
    assert send_notice_email.delay(notice.pk).get() is False
    assert deliver_pending_emails.delay().get() == 0

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert notice.email_attempts == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_skipped_notice_is_never_sent(user_a, time_machine):
    skipped = NoticeFactory(
        recipient=user_a, email_state=Notice.EmailState.SKIPPED, email_due_at=None
    )
    later(time_machine, timedelta(hours=1))

    assert deliver_pending_emails() == 0
    assert deliver_email(skipped.pk) is False
    assert mail.outbox == []


# --- SMTP failures --------------------------------------------------------------------------


@pytest.mark.django_db
def test_smtp_failure_marks_the_notice_failed(notice, smtp):
    smtp.fail()

    with pytest.raises(SMTPException):
        deliver_email(notice.pk)

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.FAILED
    assert notice.email_attempts == 1
    assert notice.email_error.startswith("SMTPException: 421")
    assert notice.email_sent_at is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_retry_after_an_smtp_failure_sends_exactly_once(notice, smtp, time_machine):
    smtp.fail()
    with pytest.raises(Retry) as retry:
        send_notice_email.delay(notice.pk)

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.FAILED
    assert notice.email_attempts == 1
    assert isinstance(retry.value.exc, SMTPException)
    assert 0 <= retry.value.when <= services.RETRY_BACKOFF

    assert retry.value.sig.apply().get() is True  # the retry, once its countdown is over

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert notice.email_attempts == 2
    assert notice.email_error == ""
    later(time_machine, timedelta(days=1))
    assert deliver_pending_emails() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("retries", [0, 1, 3, 6])
def test_smtp_failure_is_retried_with_growing_back_off(notice, smtp, retries):
    smtp.fail()
    with pytest.raises(Retry) as retry:
        send_notice_email.apply(args=[notice.pk], retries=retries)
    assert 0 <= retry.value.when <= retry_delay_ceiling(retries + 1).total_seconds()
    assert retry.value.sig.args == (notice.pk,)


@pytest.mark.django_db
def test_gives_up_after_the_last_attempt(notice, smtp, time_machine):
    Notice.objects.filter(pk=notice.pk).update(email_attempts=MAX_EMAIL_ATTEMPTS - 1)
    smtp.fail()

    with pytest.raises(SMTPException):  # no retry left
        send_notice_email.apply(args=[notice.pk], retries=send_notice_email.max_retries)

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.GAVE_UP
    assert notice.email_attempts == MAX_EMAIL_ATTEMPTS
    assert notice.email_due_at is None
    later(time_machine, timedelta(days=1))
    assert deliver_pending_emails() == 0
    assert deliver_email(notice.pk) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_error_other_than_smtp_marks_failed_and_waits_for_the_sweep(notice, monkeypatch):
    def broken(notice):
        raise ValueError("template error")

    monkeypatch.setattr(services, "build_email", broken)

    with pytest.raises(ValueError):
        send_notice_email.delay(notice.pk)

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.FAILED
    assert notice.email_attempts == 1  # not retried by the task: retrying will not help soon
    assert notice.email_error == "ValueError: template error"


# --- The sweep ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sweep_catches_up_after_the_broker_was_down_and_sends_once(notice, time_machine):
    assert deliver_pending_emails() == 0  # the queued task still has its chance

    later(time_machine, SWEEP_GRACE + timedelta(seconds=1))
    assert deliver_pending_emails() == 1
    later(time_machine, timedelta(minutes=5))
    assert deliver_pending_emails() == 0

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert notice.email_attempts == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sweep_catches_up_days_later(notice, time_machine):
    later(time_machine, timedelta(days=3))  # beat was down too

    assert deliver_pending_emails() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sweep_waits_for_the_tasks_own_back_off_after_a_failure(notice, smtp, time_machine):
    smtp.fail(times=2)
    with pytest.raises(SMTPException):
        deliver_email(notice.pk)
    with pytest.raises(SMTPException):
        deliver_email(notice.pk)  # second failure: the task's retry may wait up to 60 s

    later(time_machine, retry_delay_ceiling(2))
    assert deliver_pending_emails() == 0
    later(time_machine, SWEEP_GRACE)
    assert deliver_pending_emails() == 1

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert notice.email_attempts == 3
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sweep_catches_up_failed_email_and_sends_it_once(notice, smtp, time_machine):
    smtp.fail()
    with pytest.raises(SMTPException):
        deliver_email(notice.pk)

    later(time_machine, timedelta(hours=2))  # the task's retry was lost with its message
    assert deliver_pending_emails() == 1
    assert deliver_pending_emails() == 0

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert notice.email_attempts == 2
    assert len(mail.outbox) == 1


class WorkerLost(BaseException):
    """The worker process dies: no exception handler of ours runs."""


def claim_and_lose_the_worker(notice):
    """A worker claims the e-mail and dies before it is sent (or before it records it)."""
    with (
        mock.patch.object(services, "build_email", side_effect=WorkerLost),
        pytest.raises(WorkerLost),
    ):
        deliver_email(notice.pk)
    assert Notice.objects.get(pk=notice.pk).email_state == Notice.EmailState.SENDING


@pytest.mark.django_db
def test_stale_sending_is_retried_by_the_sweep(notice, time_machine):
    claim_and_lose_the_worker(notice)

    later(time_machine, STALE_SENDING_AFTER - timedelta(seconds=1))
    assert deliver_pending_emails() == 0  # the worker may still be at it
    assert deliver_email(notice.pk) is False  # e.g. the message redelivered meanwhile
    later(time_machine, timedelta(seconds=1))
    assert deliver_pending_emails() == 1

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert notice.email_attempts == 2
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_fresh_claim_of_an_old_notice_is_left_to_its_worker(notice, smtp, time_machine):
    smtp.fail()
    with pytest.raises(SMTPException):
        deliver_email(notice.pk)
    later(time_machine, timedelta(hours=1))  # the notice is old, its retry comes late
    claim_and_lose_the_worker(notice)  # ...and is being sent right now

    assert deliver_pending_emails() == 0
    assert deliver_email(notice.pk) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_worker_lost_on_the_last_attempt_gives_up(notice, smtp, time_machine):
    Notice.objects.filter(pk=notice.pk).update(email_attempts=MAX_EMAIL_ATTEMPTS - 1)
    claim_and_lose_the_worker(notice)

    later(time_machine, STALE_SENDING_AFTER)
    assert deliver_pending_emails() == 0

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.GAVE_UP
    assert notice.email_due_at is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_sweep_queues_the_longest_waiting_first_and_at_most_the_limit(user_a, time_machine):
    old, new = NoticeFactory(recipient=user_a), NoticeFactory(recipient=user_a)
    Notice.objects.filter(pk=old.pk).update(email_due_at=timezone.now() - timedelta(hours=1))

    assert services.due_email_ids(limit=1) == [old.pk]
    assert services.due_email_ids() == [old.pk, new.pk]

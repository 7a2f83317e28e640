"""Delivering notices' e-mails: in batches over one connection, each once, retried with back-off
by the sweep, resumed soon after a lost worker, a repeat carrying the same Message-ID."""

from datetime import timedelta
from smtplib import SMTPException, SMTPRecipientsRefused
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from notices import services
from notices.models import Notice
from notices.services import (
    EMAIL_BATCH,
    MAX_EMAIL_ATTEMPTS,
    STALE_SENDING_AFTER,
    SWEEP_EVERY,
    SWEEP_GRACE,
    deliver_emails,
    message_id,
    notify,
    retry_delay,
)
from notices.tasks import deliver_pending_emails, send_notice_emails
from tests.factories import UserFactory
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


def pending(count):
    """`count` notices to as many users, their e-mails not yet queued."""
    return [
        notify(
            recipient=UserFactory(),
            kind="application_received",
            key=f"pending:{n}",
            context={"application": APPLICATION},
        ).pk
        for n in range(count)
    ]


def state_of(pk):
    return Notice.objects.get(pk=pk).email_state


# --- The tasks --------------------------------------------------------------------------------


def test_sending_task_is_acknowledged_late_and_ends_before_its_claim_goes_stale():
    assert send_notice_emails.acks_late is True
    assert deliver_pending_emails.acks_late is True
    assert 0 < send_notice_emails.soft_time_limit < send_notice_emails.time_limit
    # A worker alive never holds a claim the sweep takes for lost.
    assert timedelta(seconds=send_notice_emails.time_limit) < STALE_SENDING_AFTER


def test_tasks_are_json():
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True


def test_sweep_runs_often_enough_to_resume_a_lost_delivery_within_two_minutes():
    [entry] = [e for e in default_schedules() if e.task == "notices.tasks.deliver_pending_emails"]
    assert entry.seconds == SWEEP_EVERY.total_seconds()
    assert timedelta(minutes=2) >= STALE_SENDING_AFTER + SWEEP_EVERY


def test_tasks_reuse_database_connections_on_postgresql():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        assert database["ENGINE"] == "django.db.backends.sqlite3"
        return
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


def test_retry_delay_doubles_up_to_the_maximum():
    assert retry_delay(1) == timedelta(seconds=30)
    assert retry_delay(2) == timedelta(seconds=60)
    assert retry_delay(3) == timedelta(seconds=120)
    assert retry_delay(7) == timedelta(seconds=1920)
    assert retry_delay(8) == timedelta(hours=1)
    assert retry_delay(20) == timedelta(hours=1)


# --- One e-mail per notice --------------------------------------------------------------------


@pytest.mark.django_db
def test_delivering_twice_sends_once(notice):
    assert deliver_emails([notice.pk]) == 1
    assert deliver_emails([notice.pk]) == 0

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert notice.email_attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["X-Notice"] == notice.key


@pytest.mark.django_db
def test_message_id_is_derived_from_the_key(notice, user_b):
    deliver_emails([notice.pk])

    [message] = mail.outbox
    assert message.message()["Message-ID"] == message_id(notice.key)
    assert message_id(notice.key) == message_id("application_received:1")
    assert message_id(notice.key) != message_id("application_received:2")
    assert message_id(notice.key).startswith("<") and message_id(notice.key).endswith(">")


@pytest.mark.django_db
def test_a_batch_goes_over_one_connection(monkeypatch):
    ids = pending(5)
    opened = []
    real = services.get_connection

    def get_connection(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "get_connection", get_connection)

    assert send_notice_emails.delay(ids).get() == 5

    assert len(opened) == 1
    assert len(mail.outbox) == 5
    assert Notice.objects.filter(email_state=Notice.EmailState.SENT).count() == 5


@pytest.mark.django_db
def test_sent_notice_is_never_sent_again_by_the_task_or_the_sweep(notice, time_machine):
    send_notice_emails.delay([notice.pk])
    later(time_machine, timedelta(days=2))

    assert deliver_emails([notice.pk]) == 0
    assert send_notice_emails.delay([notice.pk]).get() == 0
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
    assert deliver_emails([skipped.pk]) == 0
    assert mail.outbox == []


# --- SMTP failures ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_smtp_failure_marks_the_notice_failed_until_its_back_off_is_over(
    notice, smtp, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    smtp.fail()

    assert deliver_emails([notice.pk]) == 0

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.FAILED
    assert notice.email_attempts == 1
    assert notice.email_error.startswith("SMTPException: 421")
    assert notice.email_sent_at is None
    assert notice.email_due_at == timezone.now() + retry_delay(1)
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_sweep_retries_after_the_back_off_and_sends_exactly_once(notice, smtp, time_machine):
    smtp.fail(times=2)
    deliver_emails([notice.pk])
    later(time_machine, retry_delay(1))
    assert deliver_pending_emails() == 1  # fails again: the back-off doubles
    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.FAILED
    assert notice.email_attempts == 2

    later(time_machine, retry_delay(2) - timedelta(seconds=1))
    assert deliver_pending_emails() == 0
    later(time_machine, timedelta(seconds=1))
    assert deliver_pending_emails() == 1

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert notice.email_attempts == 3
    assert notice.email_error == ""
    later(time_machine, timedelta(days=1))
    assert deliver_pending_emails() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_server_failing_mid_batch_fails_the_rest_and_sends_nothing_twice(smtp, time_machine):
    ids = pending(4)
    real = smtp.send_count

    def fail_third(backend, messages):
        if real() == 2:
            raise SMTPException("421 closing")
        smtp.deliver(backend, messages)

    smtp.replace(fail_third)

    assert deliver_emails(ids) == 2

    assert [state_of(pk) for pk in ids] == ["sent", "sent", "failed", "failed"]
    smtp.restore()
    later(time_machine, retry_delay(1))
    assert deliver_pending_emails() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Notice.objects.filter(pk__in=ids).values_list("email", flat=True)
    )
    assert {state_of(pk) for pk in ids} == {"sent"}


@pytest.mark.django_db
def test_one_refused_address_does_not_stop_the_batch(smtp):
    ids = pending(3)
    bad = Notice.objects.get(pk=ids[1]).email

    def refuse_one(backend, messages):
        if messages[0].to == [bad]:
            raise SMTPRecipientsRefused({bad: (550, b"no such user")})
        smtp.deliver(backend, messages)

    smtp.replace(refuse_one)

    assert deliver_emails(ids) == 2

    assert [state_of(pk) for pk in ids] == ["sent", "failed", "sent"]


@pytest.mark.django_db
def test_gives_up_after_the_last_attempt(notice, smtp, time_machine):
    Notice.objects.filter(pk=notice.pk).update(email_attempts=MAX_EMAIL_ATTEMPTS - 1)
    smtp.fail()

    assert send_notice_emails.apply(args=[[notice.pk]]).get() == 0

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.GAVE_UP
    assert notice.email_attempts == MAX_EMAIL_ATTEMPTS
    assert notice.email_due_at is None
    later(time_machine, timedelta(days=1))
    assert deliver_pending_emails() == 0
    assert deliver_emails([notice.pk]) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_error_of_one_notice_marks_it_failed_and_the_others_go_on(monkeypatch):
    first, broken_one, last = pending(3)
    real = services.build_email

    def build_email(notice, **kwargs):
        if notice.pk == broken_one:
            raise ValueError("template error")
        return real(notice, **kwargs)

    monkeypatch.setattr(services, "build_email", build_email)

    assert deliver_emails([first, broken_one, last]) == 2

    failed = Notice.objects.get(pk=broken_one)
    assert failed.email_state == Notice.EmailState.FAILED
    assert failed.email_error == "ValueError: template error"
    assert [state_of(first), state_of(last)] == ["sent", "sent"]


# --- The sweep --------------------------------------------------------------------------------


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
def test_sweep_queues_in_batches(time_machine, monkeypatch):
    ids = pending(EMAIL_BATCH + 1)
    later(time_machine, SWEEP_GRACE)
    queued = []
    monkeypatch.setattr(
        send_notice_emails, "apply_async", lambda args, priority: queued.append((args[0], priority))
    )

    assert deliver_pending_emails() == EMAIL_BATCH + 1

    # Never claimed: behind other tasks, as a fan-out's first tasks are.
    low = services.FAN_OUT_PRIORITY
    assert queued == [(ids[:EMAIL_BATCH], low), (ids[EMAIL_BATCH:], low)]


class WorkerLost(BaseException):
    """The worker process dies: no exception handler of ours runs."""


def claim_and_lose_the_worker(notice, *, after_sending=False):
    """A worker claims the e-mail and dies before it is sent, or after sending it and before
    recording that it did (the message on the wire at the instant of the crash)."""
    real = services.build_email

    def build_email(notice, **kwargs):
        if after_sending:
            real(notice, **kwargs).send()
        raise WorkerLost

    with (
        mock.patch.object(services, "build_email", build_email),
        pytest.raises(WorkerLost),
    ):
        deliver_emails([notice.pk])
    assert Notice.objects.get(pk=notice.pk).email_state == Notice.EmailState.SENDING


@pytest.mark.django_db
def test_a_lost_claim_is_resumed_within_two_minutes(notice, time_machine):
    claim_and_lose_the_worker(notice)

    later(time_machine, STALE_SENDING_AFTER - timedelta(seconds=1))
    assert deliver_pending_emails() == 0  # the worker may still be at it
    assert deliver_emails([notice.pk]) == 0  # e.g. the message redelivered meanwhile
    later(time_machine, timedelta(seconds=1))
    assert deliver_pending_emails() == 1  # the sweep runs every SWEEP_EVERY: within 90 s

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert notice.email_attempts == 2
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_message_on_the_wire_at_a_crash_is_repeated_with_the_same_message_id(
    notice, time_machine
):
    claim_and_lose_the_worker(notice, after_sending=True)
    later(time_machine, STALE_SENDING_AFTER)

    assert deliver_pending_emails() == 1

    first, repeat = mail.outbox
    assert first.message()["Message-ID"] == repeat.message()["Message-ID"]
    assert first.message()["Message-ID"] == message_id(notice.key)
    assert state_of(notice.pk) == Notice.EmailState.SENT


@pytest.mark.django_db
def test_fresh_claim_of_an_old_notice_is_left_to_its_worker(notice, smtp, time_machine):
    smtp.fail()
    deliver_emails([notice.pk])
    later(time_machine, timedelta(hours=1))  # the notice is old, its retry comes late
    claim_and_lose_the_worker(notice)  # ...and is being sent right now

    assert deliver_pending_emails() == 0
    assert deliver_emails([notice.pk]) == 0
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


@pytest.mark.django_db
def test_sweep_queues_lost_claims_and_failures_before_emails_never_claimed(
    notice, time_machine, monkeypatch
):
    waiting = pending(2)  # a fan-out's backlog, past its grace behind a crash
    Notice.objects.filter(pk__in=waiting).update(email_due_at=timezone.now() - timedelta(hours=1))
    claim_and_lose_the_worker(notice)
    later(time_machine, STALE_SENDING_AFTER)

    assert services.due_email_ids() == [notice.pk, *waiting]
    queued = []
    monkeypatch.setattr(
        send_notice_emails, "apply_async", lambda args, priority: queued.append((args[0], priority))
    )
    assert deliver_pending_emails() == 3
    # The lost claim ahead of everything; the backlog behind, where its first tasks are.
    assert queued == [([notice.pk], None), (waiting, services.FAN_OUT_PRIORITY)]


@pytest.mark.django_db
def test_a_server_that_cannot_be_reached_fails_the_batch_for_its_back_off(
    monkeypatch, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    ids = pending(3)

    def refuse(backend):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(locmem.EmailBackend, "open", refuse, raising=False)

    assert deliver_emails(ids) == 0

    for notice in Notice.objects.filter(pk__in=ids):
        assert notice.email_state == Notice.EmailState.FAILED
        assert notice.email_attempts == 1
        assert notice.email_due_at == timezone.now() + retry_delay(1)
        assert notice.email_error.startswith("ConnectionRefusedError")
    assert mail.outbox == []
    monkeypatch.undo()
    later(time_machine, retry_delay(1))
    assert deliver_pending_emails() == 3
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_a_batch_out_of_time_gives_the_rest_back_due_now(smtp, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    ids = pending(4)

    def out_of_time_at_the_third(backend, messages):
        if smtp.send_count() == 2:
            raise SoftTimeLimitExceeded()
        smtp.deliver(backend, messages)

    smtp.replace(out_of_time_at_the_third)

    with pytest.raises(SoftTimeLimitExceeded):
        deliver_emails(ids)

    assert [state_of(pk) for pk in ids] == ["sent", "sent", "pending", "pending"]
    rest = Notice.objects.filter(pk__in=ids[2:])
    assert {(n.email_attempts, n.email_due_at) for n in rest} == {(0, timezone.now())}
    smtp.restore()
    assert deliver_pending_emails() == 2
    assert len(mail.outbox) == 4
    assert {state_of(pk) for pk in ids} == {"sent"}

"""A real Celery worker, fed through a real broker, delivers a notice's e-mail exactly once.

The broker is the one the settings name: Redis when CELERY_BROKER_URL says so (CI), otherwise
the project's embedded file-system broker. The worker runs in a thread of this process, so it
shares the locmem outbox; it sees the test's rows because transactional_db commits them.
"""

import os
import threading
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.db import connection, connections
from kombu.exceptions import OperationalError

from notices.models import Notice
from notices.services import notify
from notices.tasks import deliver_pending_emails, send_notice_emails
from tests.factories import UserFactory
from tests.notices.factories import APPLICATION
from ylqgsl.celery import app

pytestmark = pytest.mark.django_db(transaction=True)

DEADLINE = 10  # seconds a test may wait for the worker
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


class TaskRuns:
    """What the worker ran, recorded from its own thread."""

    current = None  # the running test's record
    worker_connections = set()  # the worker thread's database connections

    def __init__(self):
        self.runs = []
        self.changed = threading.Condition()

    @classmethod
    def on_task_postrun(cls, sender, args, retval, **kwargs):
        # Connected before the worker starts, so this runs before the Django fix-up's own
        # task_postrun receiver gets to close the connection.
        cls.worker_connections.update(connections.all(initialized_only=True))
        if cls.current is not None:
            cls.current.record((sender.name, tuple(args or ()), retval, connection_identity()))

    def record(self, run):
        with self.changed:
            self.runs.append(run)
            self.changed.notify_all()

    def wait_for(self, count):
        with self.changed:
            done = self.changed.wait_for(lambda: len(self.runs) >= count, timeout=DEADLINE)
        assert done, f"the worker ran {self.runs} within {DEADLINE} s, expected {count} tasks"
        return list(self.runs)


def connection_identity():
    """Which database session the calling thread's connection is (None when closed)."""
    raw = connection.connection
    if raw is None:
        return None
    return raw.get_backend_pid() if ON_POSTGRESQL else id(raw)


def close_worker_connections():
    """Close what the stopped worker thread left open, or PostgreSQL could not drop the test
    database (the thread is gone, so its connections are closed from here)."""
    for conn in TaskRuns.worker_connections:
        conn.inc_thread_sharing()
        try:
            conn.close()
        finally:
            conn.dec_thread_sharing()
    TaskRuns.worker_connections.clear()


@contextmanager
def celery_conf(**changes):
    saved = {key: app.conf[key] for key in changes}
    app.conf.update(changes)
    try:
        yield
    finally:
        app.conf.update(saved)


@pytest.fixture
def recipient():
    # Not the enterprise cast: transactional_db empties the tables the migrations filled.
    return UserFactory(email="worker@ylqgsl.test")


@pytest.fixture(scope="module")
def running_worker():
    """One worker for the module: stopping one takes a few seconds of broker polling."""
    if os.environ.get("CI") == "true":
        assert app.conf.broker_url.startswith("redis://"), "CI must test against Redis"
    fast_polling = {**app.conf.broker_transport_options, "polling_interval": 0.1}
    # tests/settings.py makes tasks eager; app.conf holds the copy Celery actually reads.
    with celery_conf(
        task_always_eager=False,
        worker_hijack_root_logger=False,
        broker_transport_options=fast_polling,  # the file-system broker polls every second
    ):
        app.control.purge()  # whatever an interrupted earlier run left in the queue
        task_postrun.connect(TaskRuns.on_task_postrun, weak=False)
        try:
            with start_worker(app, perform_ping_check=False, shutdown_timeout=DEADLINE):
                yield
        finally:
            task_postrun.disconnect(TaskRuns.on_task_postrun)
            close_worker_connections()


@pytest.fixture
def worker(running_worker):
    TaskRuns.current = runs = TaskRuns()
    yield runs
    TaskRuns.current = None


def test_worker_delivers_a_new_notices_email_once(worker, recipient):
    notice = notify(
        recipient=recipient,
        kind="application_received",
        key="application_received:1",
        context={"application": APPLICATION},
        link="/members/profile/",
    )  # autocommit: queued at once
    send_notice_emails.delay([notice.pk])  # the same message again, as a redelivery would

    runs = worker.wait_for(2)

    assert sorted(retval for _, _, retval, _ in runs) == [0, 1]
    assert [(name, args) for name, args, _, _ in runs] == [
        ("notices.tasks.send_notice_emails", ([notice.pk],))
    ] * 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [recipient.email]
    assert mail.outbox[0].subject == notice.subject
    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert notice.email_attempts == 1


def test_worker_sweep_sends_what_the_broker_missed_once(worker, recipient, monkeypatch):
    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(send_notice_emails, "apply_async", broker_down)
        notice = notify(
            recipient=recipient,
            kind="application_received",
            key="application_received:1",
            context={"application": APPLICATION},
        )
    # The sweep runs after the grace it gives a queued task.
    Notice.objects.filter(pk=notice.pk).update(email_due_at=notice.created_at)

    deliver_pending_emails.delay()
    runs = worker.wait_for(2)
    deliver_pending_emails.delay()  # the next scheduled sweep finds nothing to do
    runs = worker.wait_for(3)

    assert [(name, retval) for name, _, retval, _ in runs] == [
        ("notices.tasks.deliver_pending_emails", 1),
        ("notices.tasks.send_notice_emails", 1),
        ("notices.tasks.deliver_pending_emails", 0),
    ]
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT


# Celery >= 5.6's Django fix-up closes every connection around every task unless
# CELERY_DB_REUSE_MAX is set (celery/celery#9824): the settings set it on PostgreSQL.
def test_worker_reuses_its_database_connection_between_tasks(worker, recipient):
    for n in range(3):
        send_notice_emails.delay([10_000 + n])  # no such notice: a cheap query each

    runs = worker.wait_for(3)

    assert [retval for _, _, retval, _ in runs] == [0, 0, 0]
    sessions = [session for _, _, _, session in runs]
    assert None not in sessions
    assert len(set(sessions)) == 1, f"a new database connection for each task: {sessions}"

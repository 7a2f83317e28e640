"""`kill -9` of a real Celery worker's process group in the middle of a fan-out's delivery.

The fan-out is recorded here and written by the worker (its notices, then their e-mails).

The worker is a separate process (`celery -A ylqgsl worker`, concurrency 2, its own process
group) on the test database and broker, sending over SMTP to a sink in this process that is
slowed down so the kill lands mid-delivery. After the crash the sweep runs here, once a claim
is old enough to be taken for lost (the time moved on, as the sweep every SWEEP_EVERY would
find it). bench/notices.py measures the same at 10,000 recipients, in real time.
"""

import asyncio
import collections
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from notices.models import Notice
from notices.services import STALE_SENDING_AFTER, message_id, notify_each
from notices.tasks import deliver_pending_emails
from tests.factories import UserFactory
from tests.notices.factories import APPLICATION
from tests.notices.test_worker import celery_conf
from ylqgsl.celery import app

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not ON_POSTGRESQL, reason="a worker process shares the test database only on PostgreSQL"
    ),
]

RECIPIENTS = 300
CONCURRENCY = 2
DEADLINE = 90  # seconds for the worker to start and send its first e-mails


class Sink:
    """A slow SMTP server (20 ms a message) that counts each Message-ID's copies."""

    def __init__(self):
        self.copies = collections.Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.02)
        headers = envelope.content.split(b"\r\n\r\n", 1)[0].decode()
        [found] = [
            line.split(":", 1)[1].strip()
            for line in headers.splitlines()
            if line.lower().startswith("message-id:")
        ]
        with self.lock:
            self.copies[found] += 1
        return "250 OK"

    def received(self) -> int:
        with self.lock:
            return sum(self.copies.values())


@pytest.fixture
def sink():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Sink()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    server.port = port
    yield server
    controller.stop()


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_worker(sink) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ylqgsl.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": app.conf.broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "SECRET_KEY": settings.SECRET_KEY,
        "LOG_LEVEL": "WARNING",
    }
    celery = os.path.join(os.path.dirname(sys.executable), "celery")
    return subprocess.Popen(  # noqa: S603  (a fixed command line)
        [
            celery,
            "-A",
            "ylqgsl",
            "worker",
            "-P",
            "prefork",
            f"--concurrency={CONCURRENCY}",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=True,  # its own process group, killed whole below
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_kill_9_of_the_worker_group_mid_delivery_loses_nothing(sink, time_machine):
    people = UserFactory.create_batch(RECIPIENTS)
    with celery_conf(task_always_eager=False):
        app.control.purge()
        worker = start_worker(sink)
        try:
            with transaction.atomic():  # committed: the fan-out is queued to the broker
                notify_each(
                    people,
                    kind="application_new",
                    key="crash",
                    context={"application": APPLICATION},
                )
            deadline = time.monotonic() + DEADLINE
            while sink.received() < RECIPIENTS // 4 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert sink.received() >= RECIPIENTS // 4, "the worker sent nothing in time"
            os.killpg(worker.pid, signal.SIGKILL)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            app.control.purge()  # what the dead worker left queued: the sweep covers it
            with connection.cursor() as cursor:  # its sessions, or the test database stays
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
    received_before = sink.received()
    assert received_before < RECIPIENTS, "the kill came too late to interrupt anything"

    # Exactly one notice per recipient (written by the worker's fan-out task).
    notices = list(Notice.objects.filter(key__startswith="crash:"))
    assert len(notices) == RECIPIENTS
    assert {n.recipient_id for n in notices} == {p.pk for p in people}
    # The crash left claims behind: the sweep takes them for lost after STALE_SENDING_AFTER.
    assert Notice.objects.filter(email_state=Notice.EmailState.SENDING).exists()
    time_machine.move_to(timezone.now() + STALE_SENDING_AFTER, tick=False)
    with override_settings(  # the sweep's e-mails go to the sink too, over SMTP
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=sink.port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        deliver_pending_emails()

    assert not Notice.objects.exclude(email_state=Notice.EmailState.SENT).exists()
    ids = {message_id(n.key) for n in notices}
    assert set(sink.copies) == ids  # none lost, nothing else sent
    repeated = {k: v for k, v in sink.copies.items() if v > 1}
    # Only what was on the wire at the crash, at most one per worker process, went twice —
    # under the same Message-ID, counted together here.
    assert sum(v - 1 for v in repeated.values()) <= CONCURRENCY
    assert mail.outbox == []

"""Fixtures for the notices tests: an English-speaking user, `send`, a mail server that fails."""

import itertools
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends import locmem

from notices.services import notify
from tests.factories import UserFactory
from tests.notices.factories import APPLICATION

_keys = itertools.count()


@pytest.fixture
def english_user(db):
    return UserFactory(email="en@ylqgsl.test", real_name="Jane Smith", language="en")


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """notify() as a request would call it: the transaction commits, so the e-mail is queued.

    Tasks are eager in the test settings, so a queued e-mail is delivered at once.
    """

    def send(recipient, *, kind="application_received", key=None, link="", context=None):
        with django_capture_on_commit_callbacks(execute=True):
            return notify(
                recipient=recipient,
                kind=kind,
                key=key or f"test:{next(_keys)}",
                context={"application": APPLICATION} if context is None else context,
                link=link,
            )

    return send


class MailServer:
    """The locmem backend, made to fail the next `failures` sends like an SMTP server would,
    or to answer each send with `handler`."""

    def __init__(self, real_send):
        self.failures = 0
        self.handler = None
        self.real_send = real_send

    def fail(self, times=1):
        self.failures = times

    def replace(self, handler):
        self.handler = handler

    def restore(self):
        self.handler = None

    def deliver(self, backend, messages):
        return self.real_send(backend, messages)

    def send_count(self):
        return len(mail.outbox)


@pytest.fixture
def smtp(monkeypatch):
    server = MailServer(locmem.EmailBackend.send_messages)

    def send_messages(backend, messages):
        if server.failures:
            server.failures -= 1
            raise SMTPException("421 Service not available, closing transmission channel")
        if server.handler is not None:
            return server.handler(backend, messages)
        return server.deliver(backend, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)
    return server

"""Error reports to ADMINS are queued like every other e-mail, never sent inside the failing
request; a failure to queue one neither changes the 500 page nor queues another report."""

import logging

import pytest
from django.core import mail
from django.db import DatabaseError, OperationalError, connection, transaction
from django.test import override_settings

from notices import admin_errors, services
from notices.models import Notice

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

ADMINS = [("Ops", "ops@ylqgsl.test"), ("Duty", "duty@ylqgsl.test")]


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False
    settings.ADMINS = ADMINS


@pytest.fixture
def failing(client):
    client.raise_request_exception = False
    client.cookies["django_language"] = "en"
    return client


def test_a_500_sends_no_email_in_the_request_and_the_queue_delivers_it(
    failing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = failing.get("/fail/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert mail.outbox == []  # nothing sent while the request ran
    reports = Notice.objects.filter(kind=admin_errors.KIND).order_by("email")
    assert [(n.email, n.recipient_id, n.email_state) for n in reports] == [
        ("duty@ylqgsl.test", None, Notice.EmailState.PENDING),
        ("ops@ylqgsl.test", None, Notice.EmailState.PENDING),
    ]

    for callback in queued:  # the request's transaction committed: the worker sends them
        callback()

    assert sorted(m.to[0] for m in mail.outbox) == ["duty@ylqgsl.test", "ops@ylqgsl.test"]
    for message in mail.outbox:
        assert "Internal Server Error: /fail/" in message.subject
        assert "RuntimeError at /fail/\na failure the test provokes" in message.body
    assert set(reports.values_list("email_state", flat=True)) == {Notice.EmailState.SENT}


def test_no_admins_no_report(failing, settings):
    settings.ADMINS = []
    response = failing.get("/fail/")
    assert response.status_code == 500
    assert not Notice.objects.filter(kind=admin_errors.KIND).exists()
    assert mail.outbox == []


def test_a_failure_to_queue_keeps_the_500_page_and_queues_nothing_more(
    failing, monkeypatch, caplog
):
    """The database refuses the report, and the failure is itself logged as an error on the
    `django` logger while queueing: the visitor still gets the portal's 500 page, one attempt
    is made, nothing is sent, and the console says the report was lost."""
    attempts = []

    def refuse(**kwargs):
        attempts.append(kwargs["to"])
        logging.getLogger("django.db.backends").error("the database is gone")
        raise OperationalError("the database is gone")

    monkeypatch.setattr(services, "email_only", refuse)
    with caplog.at_level(logging.WARNING, logger="notices.admin_errors"):
        response = failing.get("/fail/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert attempts == ["ops@ylqgsl.test"]  # no report about the report
    assert mail.outbox == []
    assert not Notice.objects.filter(kind=admin_errors.KIND).exists()
    assert "Error report for ADMINS not queued" in caplog.text


class _Undo(Exception):
    pass


def test_a_broken_transaction_does_not_make_the_handler_raise(caplog):
    """An error logged inside a transaction PostgreSQL has aborted: the report cannot be
    recorded there, and logging it raises nothing."""
    with pytest.raises(_Undo), transaction.atomic():
        with pytest.raises(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")
        with caplog.at_level(logging.WARNING, logger="notices.admin_errors"):
            logging.getLogger("django.request").error("Internal Server Error: /x/")
        raise _Undo
    assert "Error report for ADMINS not queued" in caplog.text
    assert not Notice.objects.filter(kind=admin_errors.KIND).exists()
    assert mail.outbox == []


@override_settings(ADMINS=["plain@ylqgsl.test"])
def test_admins_may_be_plain_addresses():
    assert admin_errors.queue_report("[Django] ERROR: x", "Traceback") == 1
    assert Notice.objects.get(kind=admin_errors.KIND).email == "plain@ylqgsl.test"


def test_a_report_names_the_posted_fields_never_their_values(
    failing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        failing.post("/fail/", {"mobile": "13800138000", "password1": "Yanqing-Snow-2026"})
    report = Notice.objects.filter(kind=admin_errors.KIND).first()
    assert "mobile" in report.body and "password1" in report.body
    assert "13800138000" not in report.body and "Yanqing-Snow-2026" not in report.body

    for callback in queued:
        callback()
    report.refresh_from_db()
    assert report.email_state == Notice.EmailState.SENT
    assert report.body == ""  # an e-mail to no account keeps nothing once sent


def test_a_request_for_another_host_is_logged_but_sends_no_report(failing, caplog):
    with caplog.at_level(logging.ERROR, logger="django.security.DisallowedHost"):
        response = failing.get("/fail/", HTTP_HOST="scanner.example")
    assert response.status_code == 400
    assert "Invalid HTTP_HOST header: 'scanner.example'" in caplog.text
    assert not Notice.objects.filter(kind=admin_errors.KIND).exists()
    assert mail.outbox == []

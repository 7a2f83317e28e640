"""Error reports to ADMINS, queued like every other e-mail: never sent inside a request.

Django's `AdminEmailHandler` (on the `django` logger: a 500, a failing request) sends its
report over SMTP inside the failing request, which then waits for the mail server (or fails
with it). This handler records the same report as an e-mail-only notice to each address in
ADMINS (`notices.services.email_only`, the password reset's path): the worker sends it, with
retries, once the request's work is over.

It never raises and never feeds itself: a failure while recording a report (the database
down, a broken transaction) is written to the console by a logger this handler is not on,
and a report asked for while another is being recorded is dropped.
"""

import logging
import threading
import uuid

from django.conf import settings
from django.utils.log import AdminEmailHandler
from django.views.debug import SafeExceptionReporterFilter

KIND = "error_report"

logger = logging.getLogger(__name__)
_recording = threading.local()


def admin_addresses() -> list[str]:
    """ADMINS' addresses, whether written as (name, address) pairs or as addresses."""
    return [admin[1] if isinstance(admin, list | tuple) else admin for admin in settings.ADMINS]


def queue_report(subject: str, message: str) -> int:
    """Record the report as an e-mail to each admin; sent by the worker. How many."""
    from .services import email_only

    report = uuid.uuid4().hex
    queued = 0
    for number, address in enumerate(admin_addresses()):
        queued += bool(
            email_only(
                to=address,
                language=settings.LANGUAGE_CODE,
                kind=KIND,
                key=f"{KIND}:{report}:{number}",
                context={"subject": subject, "message": message},
            )
        )
    return queued


class QueuedAdminEmailHandler(AdminEmailHandler):
    """AdminEmailHandler whose report goes through the notices' e-mail queue."""

    def emit(self, record):
        if settings.ADMINS:  # else no report is worth building
            super().emit(record)

    def send_mail(self, subject, message, *args, **kwargs):
        if getattr(_recording, "active", False):
            return
        _recording.active = True
        try:
            queue_report(subject, message)
        except Exception:  # the database is down or the transaction broken: never raise
            logger.warning("Error report for ADMINS not queued: %s", subject, exc_info=True)
        finally:
            _recording.active = False


class WithoutPostValues(SafeExceptionReporterFilter):
    """Error reports name the fields a failing request posted, never their values: those are
    passwords, phone numbers and whatever else a visitor typed, and a report is kept in the
    database until it is sent (settings.DEFAULT_EXCEPTION_REPORTER_FILTER)."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

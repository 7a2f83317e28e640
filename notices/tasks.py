from celery import shared_task

from . import services


@shared_task(
    acks_late=True,
    # A worker alive never holds a claim past STALE_SENDING_AFTER (see services).
    time_limit=services.SEND_TIME_LIMIT,
    soft_time_limit=services.SEND_TIME_LIMIT - 5,
)
def send_notice_emails(notice_ids: list[int]) -> int:
    """Send a batch of notices' e-mails over one SMTP connection; failures wait for the sweep."""
    return services.deliver_emails(notice_ids)


@shared_task(acks_late=True)
def deliver_pending_emails() -> int:
    """Beat-driven sweep: queue every e-mail that is due and not yet sent.

    Retries failed e-mails after their back-off and catches up whatever a lost message, a
    broker outage or a dead worker left behind; the claim in `deliver_emails` makes queueing
    an e-mail twice harmless.
    """
    return services.queue_due_emails()

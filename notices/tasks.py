from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(
    acks_late=True,
    # Only delivery errors are worth retrying soon; anything else waits for the sweep.
    autoretry_for=(SMTPException, OSError),
    retry_backoff=services.RETRY_BACKOFF,
    retry_backoff_max=services.RETRY_BACKOFF_MAX,
    retry_jitter=True,
    # The first run and its retries together make at most MAX_EMAIL_ATTEMPTS attempts.
    max_retries=services.MAX_EMAIL_ATTEMPTS - 1,
)
def send_notice_email(notice_id: int) -> bool:
    return services.deliver_email(notice_id)


@shared_task(acks_late=True)
def deliver_pending_emails() -> int:
    """Beat-driven sweep: queue every e-mail that is due and not yet sent.

    Catches up whatever a lost message, a broker outage or a dead worker left behind; the
    claim in `deliver_email` makes queueing an e-mail twice harmless.
    """
    ids = services.due_email_ids()
    for notice_id in ids:
        send_notice_email.delay(notice_id)
    return len(ids)

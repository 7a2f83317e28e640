from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=services.MAX_EMAIL_ATTEMPTS,
)
def send_notice_email(notice_id: int) -> bool:
    return services.deliver_email(notice_id)


@shared_task(acks_late=True)
def deliver_pending_emails() -> int:
    """Beat-driven sweep: queue every e-mail still waiting, e.g. after the broker was down."""
    ids = services.due_email_ids()
    for notice_id in ids:
        send_notice_email.delay(notice_id)
    return len(ids)

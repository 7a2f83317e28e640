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
    broker outage or a dead worker left behind, fan-outs not finished included; the claims
    in `deliver_emails` and `write_fan_out` make queueing anything twice harmless.
    """
    services.queue_due_fan_outs()  # a fan-out's task lost: queued again, its e-mails follow
    return services.queue_due_emails()


@shared_task(acks_late=True, time_limit=600, soft_time_limit=590)
def fan_out(fan_out_id: int) -> int:
    """Write a fan-out's notices in bulk and queue their e-mails (services.write_fan_out)."""
    return services.write_fan_out(fan_out_id)

"""Announcements sent in the background: at once when staff send one now, and by the beat
sweep for those scheduled (and for any whose task was lost: the sweep takes what is due on or
before now, so a missed run is made up)."""

from datetime import datetime

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def deliver_announcement(announcement_id: int, queued_for: str | None = None) -> int:
    """`queued_for`: the send time (ISO 8601) that "send now" set, claimed as it is."""
    when = datetime.fromisoformat(queued_for) if queued_for else None
    return services.deliver(announcement_id, queued_for=when)


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def announcement_sweep() -> int:
    return services.deliver_due()

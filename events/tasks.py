"""Scheduled event notices. One beat-driven scan (every 15 minutes); every notice has its key.

Each part selects what is due on or before `now` and not yet done, so a scan that did not run
is made up by the next one ("late rather than never"), within the window where the notice
still makes sense (a reminder is pointless once the event has begun). Account holders are told
through `notices` (its de-duplication key makes a repeat a no-op); invitees without an account
are e-mailed directly, and the time is recorded on their invitation so it happens once.
"""

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notices.services import notify

from . import services
from .models import Event, Invitation

DAY_BEFORE = timedelta(hours=24)
logger = logging.getLogger(__name__)
NON_RESPONDER_AHEAD = timedelta(days=3)
# An invitee is not reminded within a day of the invitation reaching them.
NON_RESPONDER_GRACE = timedelta(days=1)
THANKS_WITHIN = timedelta(days=7)


def send_day_before_reminders(now: datetime) -> int:
    """From 24 hours before the start until the start: everyone with a confirmed seat."""
    events = Event.objects.filter(
        status=Event.Status.PUBLISHED, starts_at__gt=now, starts_at__lte=now + DAY_BEFORE
    )
    sent = 0
    for event in events:
        link = services.event_link(event)
        for registration in (
            event.registrations.confirmed().filter(user__isnull=False).select_related("user")
        ):
            sent += bool(
                notify(
                    recipient=registration.user,
                    kind="event_reminder",
                    key=f"event_reminder:{event.pk}:{registration.user_id}",
                    context={"event": event, "registration": registration},
                    link=reverse("events:mine"),
                )
            )
        accepted = event.invitations.filter(
            response=Invitation.Response.ACCEPTED,
            user__isnull=True,
            guest_day_before_sent_at__isnull=True,
        )
        for pk in accepted.values_list("pk", flat=True):
            sent += _email_once(pk, "guest_day_before_sent_at", "event_reminder", now, link)
    return sent


def send_non_responder_reminders(now: datetime) -> int:
    """Three days before the start (or later, until it starts): invitees who have not answered."""
    events = Event.objects.filter(
        status=Event.Status.PUBLISHED,
        starts_at__gt=now,
        starts_at__lte=now + NON_RESPONDER_AHEAD,
        invitations__response=Invitation.Response.PENDING,
        invitations__sent_at__lte=now - NON_RESPONDER_GRACE,
        invitations__reminded_at__isnull=True,
    ).distinct()
    sent = 0
    for event in events:
        pending = event.invitations.pending().filter(
            sent_at__lte=now - NON_RESPONDER_GRACE, reminded_at__isnull=True
        )
        for pk in list(pending.values_list("pk", flat=True)):
            sent += services.deliver_to_invitee(
                pk, "reminded_at", kind="event_invitation_reminder", now=now
            )
    return sent


def send_thanks(now: datetime) -> int:
    """Within a week after the end: a thank-you with the feedback link to those who came.

    Those checked in at the door; where staff did not use check-in at all, everyone confirmed.
    """
    events = Event.objects.filter(
        status__in=[Event.Status.PUBLISHED, Event.Status.FINISHED],
        ends_at__lte=now,
        ends_at__gt=now - THANKS_WITHIN,
    )
    sent = 0
    for event in events:
        came = event.registrations.confirmed()
        if came.checked_in().exists():
            came = came.checked_in()
        link = event.feedback_url or services.event_link(event)
        for registration in came.filter(user__isnull=False).select_related("user"):
            sent += bool(
                notify(
                    recipient=registration.user,
                    kind="event_thanks",
                    key=f"event_thanks:{event.pk}:{registration.user_id}",
                    context={"event": event},
                    link=link,
                )
            )
        guests = came.filter(
            user__isnull=True,
            invitation__isnull=False,
            invitation__guest_thanked_at__isnull=True,
        ).values_list("invitation_id", flat=True)
        for pk in list(guests):
            sent += _email_once(pk, "guest_thanked_at", "event_thanks", now, link)
    return sent


def _email_once(pk: int, field: str, kind: str, now: datetime, link: str) -> bool:
    """E-mail an invitee without an account once, recorded in `field` of the invitation."""
    try:
        with transaction.atomic():
            if not Invitation.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(
                **{field: now}
            ):
                return False
            invitation = Invitation.objects.select_related("event", "enterprise").get(pk=pk)
            guest = services.guest_for(invitation)
            if guest is not None:
                context = {"event": invitation.event, "invitation": invitation}
                services.email_guest(
                    guest,
                    kind=kind,
                    key=f"{kind}:invitation:{pk}:{field}",
                    context=context,
                    link=link,
                )
    except Exception:  # whatever failed, the claim rolls back, the next scan retries
        logger.exception("Could not e-mail %s for invitation %s", kind, pk)
        return False
    return guest is not None


def run_event_scan(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "invitations": services.send_due_invitations(now),
        "non_responders": send_non_responder_reminders(now),
        "day_before": send_day_before_reminders(now),
        "finished": services.finish_ended_events(now),
        "thanks": send_thanks(now),
    }


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def event_scan() -> dict[str, int]:
    return run_event_scan()

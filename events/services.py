"""Use cases of the events app: one function per thing staff or a member does.

Seats are counted under a lock on the event's row (`_lock`): registering, cancelling,
approving and answering an invitation all take it first, so two people taking the last seat
at once are served one after the other — one gets it, the other joins the waiting list.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import jobs
from members.models import Enterprise
from members.services import TransitionError
from notices.services import email_only, notify, notify_each

from .models import Donation, Event, EventPhoto, Invitation, RaisedProblem, Registration

User = get_user_model()
logger = logging.getLogger(__name__)

__all__ = ["TransitionError"]


# --- Links and e-mail to people without an account --------------------------------------------


def event_link(event: Event) -> str:
    return reverse("events:detail", args=[event.public_id])


def invitation_link(invitation: Invitation) -> str:
    return reverse("events:invitation", args=[invitation.event.public_id, invitation.token])


@dataclass(frozen=True)
class Guest:
    """A recipient without an account, shaped like a user for the e-mail templates."""

    real_name: str
    email: str
    language: str = settings.LANGUAGE_CODE


def guest_for(invitation: Invitation) -> Guest | None:
    """Where to write to an invitee who has no account: a named guest or an enterprise's e-mail."""
    if invitation.user_id:
        return None
    if invitation.is_guest:
        email, name = invitation.guest_email, invitation.guest_name
    else:
        email, name = invitation.enterprise.email, invitation.enterprise.contact_name
    return Guest(real_name=name, email=email) if email else None


def email_guest(guest: Guest, *, kind: str, key: str, context: dict, link: str):
    """E-mail of `kind` (templates/emails/<kind>/) to someone without an inbox, once per `key`:
    the notice recorded, or None when one with this key exists."""
    return email_only(
        to=guest.email,
        language=guest.language,
        kind=kind,
        key=key,
        context={**context, "recipient": guest},
        link=link,
    )


# --- Events ------------------------------------------------------------------------------------


def _save(obj, *, actor, fields=None):
    obj._history_user = actor
    obj.save(update_fields=fields) if fields else obj.save()


def save_event(*, event: Event, actor) -> Event:
    """Create or change an event (staff); the change is kept in its history."""
    if event.pk is None:
        event.created_by = actor
    elif event.status in (Event.Status.CANCELLED, Event.Status.FINISHED):
        changed = Event.objects.filter(pk=event.pk).exclude(starts_at=event.starts_at).exists()
        if changed:
            raise TransitionError(_("A cancelled or finished event keeps its date."))
    _save(event, actor=actor)
    return event


def publish_event(*, event: Event, actor) -> Event:
    if event.status != Event.Status.DRAFT:
        raise TransitionError(_("Only a draft can be published."))
    event.status = Event.Status.PUBLISHED
    _save(event, actor=actor, fields=["status"])
    return event


def cancel_event(*, event: Event, actor, reason: str) -> Event:
    """Cancel the event and tell everyone registered or invited (once each)."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Give a reason for cancelling."))
    with transaction.atomic():
        event = _lock(event)
        if event.status not in (Event.Status.DRAFT, Event.Status.PUBLISHED):
            raise TransitionError(_("This event can no longer be cancelled."))
        was_published = event.status == Event.Status.PUBLISHED
        event.status, event.cancellation_reason = Event.Status.CANCELLED, reason[:500]
        _save(event, actor=actor, fields=["status", "cancellation_reason"])
        if was_published:
            _tell_cancelled(event, actor)
    return event


def _tell_cancelled(event: Event, actor) -> None:
    told = list(
        event.registrations.active().filter(user__isnull=False).values_list("user_id", flat=True)
    )
    told += told_invitations(event).filter(user__isnull=False).values_list("user_id", flat=True)
    # Everyone with an account, once each, in the background (notices' fan-out).
    notify_each(
        told,
        kind="event_cancelled",
        key=f"event_cancelled:{event.pk}",
        context={"event": event},
        link=event_link(event),
    )
    # Invitees without an account are e-mailed by a background job of the one who cancelled
    # (events/jobs.py): one notice each, and its result in their inbox.
    if told_invitations(event).filter(user__isnull=True).exists():
        from .jobs import TELL_CANCELLED

        jobs.start(owner=actor, kind=TELL_CANCELLED, params={"event": event.pk})


def told_invitations(event: Event):
    """The invitations whose invitees are told of the event's cancellation: sent, not declined."""
    return event.invitations.exclude(response=Invitation.Response.DECLINED).filter(
        sent_at__isnull=False
    )


def email_guests_cancelled(event: Event, *, progress) -> int:
    """E-mail every invitee without an account that the event is cancelled, once each (the
    notice's key makes a repeat a no-op). How many were e-mailed by this run."""
    context, link = {"event": event}, event_link(event)
    guests = told_invitations(event).filter(user__isnull=True).select_related("enterprise")
    emailed = 0
    for invitation in progress.counted(guests.iterator(), guests.count()):
        if (guest := guest_for(invitation)) is not None:
            emailed += bool(
                email_guest(
                    guest,
                    kind="event_cancelled",
                    key=f"event_cancelled:{event.pk}:invitation:{invitation.pk}",
                    context=context,
                    link=link,
                )
            )
    return emailed


def finish_ended_events(now: datetime) -> int:
    """Published events that have ended are finished (the scan calls this; it catches up)."""
    ended = Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__lte=now)
    count = 0
    for event in ended:
        event.status = Event.Status.FINISHED
        event._change_reason = "ended"
        _save(event, actor=None, fields=["status"])
        count += 1
    return count


def save_minutes(*, event: Event, actor, minutes: str) -> Event:
    event.minutes = minutes
    _save(event, actor=actor, fields=["minutes"])
    return event


# --- Registration and the waiting list ---------------------------------------------------------


def _lock(event: Event) -> Event:
    """The event's row, locked until the transaction ends: seat counts are decided under it."""
    return Event.objects.select_for_update().get(pk=event.pk)


def seats_taken(event: Event) -> int:
    return event.registrations.confirmed().aggregate(n=Sum("seats", default=0))["n"]


def _fits(event: Event, seats: int) -> bool:
    return event.capacity is None or seats_taken(event) + seats <= event.capacity


def register_for_event(*, event: Event, actor, person_name: str = "") -> Registration:
    """Sign `actor` up for an open event: a seat if one is free, else the waiting list.

    Where the event needs approval the registration waits for staff and takes no seat yet.
    One live registration per account and event (a second attempt is refused).
    """
    with transaction.atomic():
        event = _lock(event)
        if not event.is_open_for_registration:
            raise TransitionError(_("Registration for this event is not open."))
        if event.registrations.active().filter(user=actor).exists():
            raise TransitionError(_("You are already registered for this event."))
        if event.needs_approval:
            status = Registration.Status.PENDING
        elif _fits(event, 1):
            status = Registration.Status.CONFIRMED
        else:
            status = Registration.Status.WAITING
        registration = Registration(
            event=event,
            user=actor,
            enterprise_id=actor.enterprise_id,
            person_name=(person_name or actor.real_name)[:50],
            mobile=actor.mobile,
            status=status,
        )
        try:
            with transaction.atomic():
                _save(registration, actor=actor)
        except IntegrityError:
            raise TransitionError(_("You are already registered for this event.")) from None
    return registration


def cancel_registration(*, registration: Registration, actor) -> Registration:
    """Cancel a registration; a seat it held goes to the first on the waiting list."""
    with transaction.atomic():
        event = _lock(registration.event)
        if event.status != Event.Status.PUBLISHED or event.starts_at <= timezone.now():
            # A cancelled or past event keeps its registrations: they are the attendance record.
            raise TransitionError(_("This event has begun, ended or been cancelled."))
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status not in Registration.ACTIVE:
            raise TransitionError(_("This registration is no longer active."))
        if registration.checked_in_at is not None:
            raise TransitionError(_("A registration that was checked in cannot be cancelled."))
        held_seat = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        _save(registration, actor=actor, fields=["status", "cancelled_at"])
        if registration.invitation_id:
            Invitation.objects.filter(pk=registration.invitation_id).update(
                response=Invitation.Response.DECLINED, responded_at=timezone.now()
            )
        if held_seat:
            promote_waiting(event)
    return registration


def promote_waiting(event: Event) -> list[Registration]:
    """Give free seats to the waiting list in its order; call with the event locked.

    Strictly first come, first served: a party that does not fit stops the promotion rather
    than letting a smaller party behind it jump the queue. Each promoted person is told.
    """
    free = None if event.capacity is None else event.capacity - seats_taken(event)
    promoted = []
    now = timezone.now()
    for registration in event.registrations.waiting().select_related("user"):
        if free is not None and registration.seats > free:
            break
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = now
        _save(registration, actor=None, fields=["status", "promoted_at"])
        if free is not None:
            free -= registration.seats
        promoted.append(registration)
        if registration.user_id:
            notify(
                recipient=registration.user,
                kind="event_promoted",
                key=f"event_promoted:{registration.pk}",
                context={"event": event, "registration": registration},
                link=reverse("events:mine"),
            )
    return promoted


def decide_registration(*, registration: Registration, actor, approve: bool) -> Registration:
    """Staff approve (a seat, or the waiting list when full) or reject a pending registration."""
    with transaction.atomic():
        event = _lock(registration.event)
        registration = Registration.objects.select_related("user").get(pk=registration.pk)
        if registration.status != Registration.Status.PENDING:
            raise TransitionError(_("This registration was already decided."))
        if not approve:
            registration.status = Registration.Status.REJECTED
        elif _fits(event, registration.seats):
            registration.status = Registration.Status.CONFIRMED
        else:
            registration.status = Registration.Status.WAITING
        registration.decided_by = actor
        _save(registration, actor=actor, fields=["status", "decided_by"])
        if registration.user_id:
            notify(
                recipient=registration.user,
                kind="event_registration_decided",
                key=f"event_registration_decided:{registration.pk}",
                context={"event": event, "registration": registration},
                link=reverse("events:mine"),
            )
    return registration


# --- Invitations -------------------------------------------------------------------------------


def enterprise_contact(enterprise: Enterprise):
    """The account an enterprise's invitation is addressed to: its first active user."""
    return enterprise.users.filter(is_active=True).order_by("date_joined", "pk").first()


def invite(*, event: Event, actor, enterprises=(), users=(), guests=()) -> list[Invitation]:
    """Add invitees to an event; someone invited already is skipped (no second invitation).

    `guests` are dicts with name, title and e-mail of people without an account.
    """
    if event.status in (Event.Status.CANCELLED, Event.Status.FINISHED):
        raise TransitionError(_("This event is over; nobody can be invited any more."))
    made = []
    with transaction.atomic():
        have = set(event.invitations.values_list("enterprise_id", flat=True))
        have_users = set(
            event.invitations.filter(enterprise__isnull=True).values_list("user_id", flat=True)
        )
        for enterprise in enterprises:
            if enterprise.pk not in have:
                have.add(enterprise.pk)
                made.append(
                    Invitation(
                        event=event, enterprise=enterprise, user=enterprise_contact(enterprise)
                    )
                )
        for user in users:
            if user.pk not in have_users:
                have_users.add(user.pk)
                made.append(Invitation(event=event, user=user))
        for guest in guests:
            made.append(
                Invitation(
                    event=event,
                    guest_name=guest["name"][:50],
                    guest_title=guest.get("title", "")[:100],
                    guest_email=guest.get("email", ""),
                )
            )
        for invitation in made:
            _save(invitation, actor=actor)
    return made


def send_invitations_now(*, event: Event, actor):
    """Staff send the invitations not sent yet now instead of at the planned time: the send
    is a background job of `actor`'s (events/jobs.py), never work in the request."""
    from .jobs import SEND_INVITATIONS

    if event.status != Event.Status.PUBLISHED:
        raise TransitionError(_("Publish the event before sending its invitations."))
    now = timezone.now()
    if event.invitations_send_at is None or event.invitations_send_at > now:
        event.invitations_send_at = now
        _save(event, actor=actor, fields=["invitations_send_at"])
    return jobs.start(owner=actor, kind=SEND_INVITATIONS, params={"event": event.pk})


def send_due_invitations(now: datetime, *, event: Event | None = None, progress=None) -> int:
    """Every invitation whose event's planned time has come and that was not sent, once
    (only `event`'s when given; `progress` is a background job's).

    Each row is claimed (sent_at set where it is empty) in the same transaction that records
    its notice (an account's, or the e-mail-only notice of a guest), so a run repeated sends
    nothing twice; the e-mails are queued when it commits and retried by the notices' sweep.
    """
    due = Invitation.objects.filter(
        sent_at__isnull=True,
        event__status=Event.Status.PUBLISHED,
        event__invitations_send_at__lte=now,
        event__starts_at__gt=now,
    )
    if event is not None:
        due = due.filter(event=event)
    due = list(due.values_list("pk", flat=True))
    if progress is not None:
        due = progress.counted(due, len(due))
    sent = 0
    for pk in due:
        sent += deliver_to_invitee(pk, "sent_at", kind="event_invitation", now=now)
    return sent


def deliver_to_invitee(pk: int, field: str, *, kind: str, now: datetime) -> bool:
    """Claim `field` of one invitation and tell its invitee; False when done before."""
    try:
        with transaction.atomic():
            claimed = Invitation.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(
                **{field: now}
            )
            if not claimed:
                return False
            invitation = Invitation.objects.select_related(
                "event__organizer", "user", "enterprise"
            ).get(pk=pk)
            context = {"event": invitation.event, "invitation": invitation}
            link = invitation_link(invitation)
            if invitation.user_id:
                notify(
                    recipient=invitation.user,
                    kind=kind,
                    key=f"{kind}:{invitation.pk}:{invitation.user_id}",
                    context=context,
                    link=link,
                )
            elif (guest := guest_for(invitation)) is not None:
                email_guest(
                    guest,
                    kind=kind,
                    key=f"{kind}:invitation:{invitation.pk}:{field}",
                    context=context,
                    link=link,
                )
    except Exception:  # whatever failed, the claim is rolled back, tried next scan
        logger.exception("Could not deliver %s for invitation %s", kind, pk)
        return False
    return True


def check_remindable(event: Event, now: datetime) -> None:
    if event.status != Event.Status.PUBLISHED or event.starts_at <= now:
        raise TransitionError(_("Only invitees of a coming, published event can be reminded."))


def remind_now(*, event: Event, actor):
    """Staff remind the invitees who have not answered: a background job of `actor`'s
    (events/jobs.py), never work in the request."""
    from .jobs import SEND_REMINDERS

    check_remindable(event, timezone.now())
    return jobs.start(owner=actor, kind=SEND_REMINDERS, params={"event": event.pk})


def remind_non_responders(*, event: Event, now: datetime | None = None, progress=None) -> int:
    """Remind the invitees who have not answered, once each (the job of staff's button)."""
    now = now or timezone.now()
    check_remindable(event, now)
    pending = event.invitations.pending().filter(sent_at__isnull=False, reminded_at__isnull=True)
    pending = list(pending.values_list("pk", flat=True))
    if progress is not None:
        pending = progress.counted(pending, len(pending))
    return sum(
        deliver_to_invitee(pk, "reminded_at", kind="event_invitation_reminder", now=now)
        for pk in pending
    )


def respond_to_invitation(*, invitation: Invitation, accept: bool, attendees: int = 1):
    """The invitee accepts (with how many will come) or declines, until the event starts.

    Accepting books the seats as a confirmed registration with its own check-in code; staff
    chose the invitees, so an invitation-only meeting's capacity does not turn anyone away.
    Answering again changes the answer, until the invitee has checked in: then they came,
    and the answer stays "accepted" with the registration it checked in with.
    """
    if not 1 <= attendees <= Invitation.MAX_ATTENDEES:
        raise TransitionError(_("Between 1 and 10 people can come."))
    with transaction.atomic():
        event = _lock(invitation.event)
        invitation = Invitation.objects.select_related("user", "enterprise").get(pk=invitation.pk)
        if event.status != Event.Status.PUBLISHED or event.starts_at <= timezone.now():
            raise TransitionError(_("This invitation can no longer be answered."))
        if Registration.objects.filter(invitation=invitation, checked_in_at__isnull=False).exists():
            raise TransitionError(
                _("You have already checked in at this event: the answer can no longer change.")
            )
        invitation.response = (
            Invitation.Response.ACCEPTED if accept else Invitation.Response.DECLINED
        )
        invitation.attendees = attendees if accept else invitation.attendees
        invitation.responded_at = timezone.now()
        _save(invitation, actor=invitation.user, fields=["response", "attendees", "responded_at"])
        registration = Registration.objects.filter(invitation=invitation).first()
        if accept:
            registration = _book_for_invitation(invitation, registration)
        elif (
            registration
            and registration.status == Registration.Status.CONFIRMED
            and registration.checked_in_at is None
        ):
            registration.status = Registration.Status.CANCELLED
            registration.cancelled_at = timezone.now()
            _save(registration, actor=invitation.user, fields=["status", "cancelled_at"])
            promote_waiting(event)
    return invitation


def _book_for_invitation(invitation: Invitation, registration: Registration | None):
    inactive = registration is None or registration.status not in Registration.ACTIVE
    if invitation.user_id and inactive:
        # Signed up directly (perhaps after declining): the invitation takes that live booking,
        # and an earlier cancelled one it was tied to lets go of it.
        live = (
            Registration.objects.filter(
                event_id=invitation.event_id,
                user_id=invitation.user_id,
                status__in=Registration.ACTIVE,
            )
            .exclude(pk=getattr(registration, "pk", None))
            .first()
        )
        if live is not None:
            if registration is not None:
                registration.invitation = None
                _save(registration, actor=invitation.user, fields=["invitation"])
            registration = live
            registration.invitation = invitation
    if registration is None:
        registration = Registration(
            event_id=invitation.event_id,
            invitation=invitation,
            user=invitation.user,
            enterprise=invitation.enterprise,
            person_name=invitation.addressee[:50] or invitation.invitee_name[:50],
            organisation_name=invitation.guest_title[:100],
        )
    registration.seats = invitation.attendees
    registration.status = Registration.Status.CONFIRMED
    registration.cancelled_at = None
    _save(registration, actor=invitation.user)
    return registration


# --- Check-in ----------------------------------------------------------------------------------


def check_in(*, registration: Registration, actor) -> bool:
    """Record that the person came; True the first time, False when checked in already."""
    if registration.status != Registration.Status.CONFIRMED:
        raise TransitionError(_("Only a confirmed registration can be checked in."))
    if registration.event.status == Event.Status.CANCELLED:
        raise TransitionError(_("This event was cancelled."))
    updated = Registration.objects.filter(
        pk=registration.pk, checked_in_at__isnull=True, status=Registration.Status.CONFIRMED
    ).update(checked_in_at=timezone.now(), checked_in_by=actor)
    registration.refresh_from_db()
    return bool(updated)


def add_walk_in(
    *,
    event: Event,
    actor,
    person_name: str,
    enterprise=None,
    organisation_name: str = "",
    mobile: str = "",
    seats: int = 1,
) -> Registration:
    """Someone who came without registering: recorded and checked in at once.

    Capacity is not enforced at the door (the people are in the room already); the dashboard
    shows the count over capacity.
    """
    if event.status == Event.Status.CANCELLED:
        raise TransitionError(_("This event was cancelled."))
    now = timezone.now()
    registration = Registration(
        event=event,
        enterprise=enterprise,
        person_name=person_name,
        organisation_name=organisation_name,
        mobile=mobile,
        seats=seats,
        status=Registration.Status.CONFIRMED,
        walk_in=True,
        checked_in_at=now,
        checked_in_by=actor,
    )
    _save(registration, actor=actor)
    return registration


def attendance_by_enterprise(event: Event):
    """People checked in per enterprise (walk-ins without one under their organisation's name)."""
    return (
        event.registrations.checked_in()
        .values("enterprise__name", "organisation_name")
        .annotate(people=Sum("seats"), registrations=Count("id"))
        .order_by("-people", F("enterprise__name").asc(nulls_last=True), "organisation_name")
    )


def attendance_summary(event: Event) -> dict:
    return event.registrations.aggregate(
        confirmed=Sum("seats", filter=Q(status=Registration.Status.CONFIRMED), default=0),
        waiting=Sum("seats", filter=Q(status=Registration.Status.WAITING), default=0),
        pending=Count("id", filter=Q(status=Registration.Status.PENDING)),
        checked_in=Sum("seats", filter=Q(checked_in_at__isnull=False), default=0),
        enterprises=Count("enterprise", filter=Q(checked_in_at__isnull=False), distinct=True),
        walk_ins=Count("id", filter=Q(walk_in=True)),
    )


# --- After the event ---------------------------------------------------------------------------


def add_photo_caption(*, event: Event, actor, caption: str, file_reference="", credit=""):
    photo = EventPhoto(event=event, caption=caption, file_reference=file_reference, credit=credit)
    photo.save()
    return photo


def record_problem(
    *, event: Event, actor, text: str, enterprise=None, raised_by=""
) -> RaisedProblem:
    """A problem raised at the meeting, for the petitions ledger to take up."""
    problem = RaisedProblem(
        event=event, enterprise=enterprise, text=text, raised_by=raised_by, recorded_by=actor
    )
    _save(problem, actor=actor)
    return problem


def record_donation(
    *,
    event: Event,
    actor,
    received_on,
    cash_yuan,
    goods_value_yuan,
    enterprise=None,
    organization=None,
    description="",
) -> Donation:
    """A gift to a charity campaign by one enterprise or one chamber."""
    if not event.is_charity:
        raise TransitionError(_("Donations are recorded for charity campaigns only."))
    if (enterprise is None) == (organization is None):
        raise TransitionError(_("Name either an enterprise or a chamber as the donor."))
    donation = Donation(
        event=event,
        enterprise=enterprise,
        organization=organization,
        cash_yuan=cash_yuan,
        goods_value_yuan=goods_value_yuan,
        description=description,
        received_on=received_on,
        recorded_by=actor,
    )
    _save(donation, actor=actor)
    return donation

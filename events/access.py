"""Who may see and change what in the events app: every view asks here.

- Drafts: staff only.
- Public events: everyone, anonymous visitors included.
- Events open to members: logged-in member users, the federation's and chambers' leaders, staff.
- Invitation-only events: staff and the invitees (an invited account, or the users of an
  invited enterprise). A named guest without an account reaches the event only through the
  personal link (`get_invitation`), which works signed out and for the invitee's own
  accounts, never for another signed-in user.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from chambers.access import is_leader

from .models import Event, Invitation, Registration


def sees_member_events(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_member_user or is_leader(user)


def visible_events(queryset, user):
    if user.is_authenticated and user.is_staff:
        return queryset
    allowed = Q(audience=Event.Audience.PUBLIC)
    if sees_member_events(user):
        allowed |= Q(audience=Event.Audience.MEMBERS)
    if user.is_authenticated:
        invited = Invitation.objects.for_user(user).values("event_id")
        allowed |= Q(audience=Event.Audience.INVITATION, pk__in=invited)
    return queryset.exclude(status=Event.Status.DRAFT).filter(allowed)


def get_event(user, public_id) -> Event:
    """The event if this user may see it; 404 otherwise (outsiders never learn it exists)."""
    return get_object_or_404(
        Event.objects.visible_to(user).select_related("organizer"), public_id=public_id
    )


def get_event_to_manage(user, public_id) -> Event:
    """Staff manage every event; call from staff-only views."""
    if not user.is_staff:
        raise PermissionDenied
    return get_object_or_404(Event.objects.select_related("organizer"), public_id=public_id)


def can_register(user, event: Event) -> bool:
    """Open events take sign-ups from accounts that may see them; members only for member events."""
    if not user.is_authenticated or event.audience == Event.Audience.INVITATION:
        return False
    if event.audience == Event.Audience.MEMBERS:
        return sees_member_events(user)
    return True


def get_invitation(user, public_id, token) -> Invitation:
    """The invitation behind a personal link: the token and the event must both match.

    The link is the invitee's credential, so no login is asked; a token of one event used with
    another event's address finds nothing. Someone signed in is known, though: a link that
    reached another enterprise's user (forwarded, or left on a shared computer) is a 404 to
    them, so they neither read nor change the invitee's answer.
    """
    invitation = (
        Invitation.objects.select_related("event__organizer", "enterprise", "user")
        .filter(token=token, event__public_id=public_id)
        .exclude(event__status=Event.Status.DRAFT)
        .first()
    )
    if invitation is None or not may_use_invitation_link(user, invitation):
        raise Http404
    return invitation


def may_use_invitation_link(user, invitation: Invitation) -> bool:
    """Anyone not signed in (the token decides), staff, and the invitee's own accounts.

    A named guest's own account, if they have one, is the one with the guest's address.
    """
    if not user.is_authenticated or user.is_staff:
        return True
    if invitation.user_id == user.pk:
        return True
    if invitation.enterprise_id is not None:
        return invitation.enterprise_id == user.enterprise_id
    if invitation.user_id is None:
        return bool(invitation.guest_email) and invitation.guest_email.lower() == user.email.lower()
    return False


def get_registration(user, public_id) -> Registration:
    """A registration for its own account (or its enterprise's users) and for staff."""
    if not user.is_authenticated:
        raise Http404
    # The event only: the enterprise's and the account's rows have encrypted fields, decrypted
    # on reading them, and the pages of a registration (its QR code) show neither.
    registrations = Registration.objects.select_related("event")
    if not user.is_staff:
        own = Q(user=user)
        if user.enterprise_id:
            own |= Q(enterprise_id=user.enterprise_id)
        registrations = registrations.filter(own)
    return get_object_or_404(registrations, public_id=public_id)


def get_registration_by_checkin_token(user, token) -> Registration:
    if not user.is_staff:
        raise PermissionDenied
    return get_object_or_404(
        Registration.objects.select_related("event", "enterprise", "checked_in_by"),
        checkin_token=token,
    )

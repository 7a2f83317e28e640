"""Who may see and do what in the petitions app: every view asks here.

A petition exists, for anyone but staff and its own enterprise's users, only as a 404: another
enterprise cannot tell a guessed address from a wrong one (petition, timeline or file alike).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from chambers.models import DutyMonth
from core.months import month_start

from .models import Attachment, Petition, Suggestion


def get_petition(user, public_id) -> Petition:
    """The petition for this user, or 404.

    Joined: what nearly every petition has. Its department, the petition it was merged into
    and the meeting it was raised at are read when there is one (a query by key each):
    joining all six made PostgreSQL spend 2.0-2.7 ms planning this one query at a million
    petitions, against 0.35 ms for these three (EXPLAIN's planning time, 2026-12-06)."""
    return get_object_or_404(
        Petition.objects.visible_to(user).select_related("enterprise", "filed_by", "handler"),
        public_id=public_id,
    )


def get_raised_problem(user, event_id, problem_id):
    """A problem raised at an event, for staff turning it into a petition; 404 otherwise."""
    from events.access import get_event_to_manage

    event = get_event_to_manage(user, event_id)
    return get_object_or_404(event.problems.select_related("event", "enterprise"), pk=problem_id)


def get_attachment(user, petition_id, attachment_id) -> Attachment:
    """A file of a petition this user may see; files kept internal are for staff only."""
    petition = get_petition(user, petition_id)
    attachments = petition.attachments.all()
    if not user.is_staff:
        attachments = attachments.filter(visible_to_enterprise=True)
    return get_object_or_404(attachments, public_id=attachment_id)


def can_file(user) -> bool:
    """A user acting for a current member enterprise."""
    return user.is_authenticated and user.is_member_user


def can_follow(user) -> bool:
    """Staff, and users acting for an enterprise (a suspended member still sees its own)."""
    return user.is_authenticated and (user.is_staff or user.enterprise_id is not None)


def current_duty_month(user, today=None) -> DutyMonth | None:
    """The duty month now serving if `user` is its executive chair."""
    today = today or timezone.localdate()
    return DutyMonth.objects.filter(month=month_start(today), chair=user).first()


def duty_month_for(user) -> DutyMonth | None:
    """Staff see the current month's page too; the chair only during their own month."""
    if not user.is_authenticated:
        return None
    month = current_duty_month(user)
    if month is None and user.is_staff:
        this_month = month_start(timezone.localdate())
        month = DutyMonth.objects.filter(month=this_month).first() or DutyMonth(month=this_month)
    if month is None:
        raise PermissionDenied
    return month


def can_submit_suggestion(user) -> bool:
    return user.is_authenticated and (user.is_staff or user.is_member_user)


def get_suggestion(user, public_id) -> Suggestion:
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Suggestion.objects.visible_to(user).select_related("author", "enterprise"),
        public_id=public_id,
    )

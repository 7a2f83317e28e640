"""Who may see and change what in the chambers app: every view asks here."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import DutyMonth, Organization, Post, Secondment


def _roles(user) -> tuple[bool, bool]:
    """(holds a current post, is or was seconded), asked once per request in one query."""
    if not user.is_authenticated:
        return False, False
    cached = getattr(user, "_chamber_roles", None)
    if cached is None:
        row = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .annotate(
                leader=Exists(Post.objects.current().filter(holder=OuterRef("pk"))),
                seconded=Exists(Secondment.objects.filter(user=OuterRef("pk"))),
            )
            .values_list("leader", "seconded")
            .first()
        )
        cached = user._chamber_roles = row or (False, False)
    return cached


def is_leader(user) -> bool:
    return _roles(user)[0]


def is_seconded(user) -> bool:
    return _roles(user)[1]


def can_see_roster(user) -> bool:
    """Federation staff, leaders holding a current post, and seconded staff."""
    if not user.is_authenticated:
        return False
    return user.is_staff or is_leader(user) or is_seconded(user)


def can_see_chambers(user) -> bool:
    """Chamber pages list member enterprises: for staff, members and leaders."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_member_user or is_leader(user)


def get_organization(user, slug) -> Organization:
    if not can_see_chambers(user):
        raise PermissionDenied
    return get_object_or_404(Organization.objects.select_related("parent", "township"), slug=slug)


def can_keep_members(user, organization) -> bool:
    """Staff, or the organisation's current president or secretary-general."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return (
        Post.objects.current()
        .filter(holder=user, term__organization=organization, position__in=Post.KEEPER_POSITIONS)
        .exists()
    )


def get_organization_to_keep(user, slug) -> Organization:
    organization = get_organization(user, slug)
    if not can_keep_members(user, organization):
        raise PermissionDenied
    return organization


def parse_month(key: str):
    try:
        year, month = (int(part) for part in key.split("-"))
        return timezone.datetime(year, month, 1).date()
    except (ValueError, TypeError):
        raise Http404 from None


def get_duty_month(user, key) -> DutyMonth:
    if not can_see_roster(user):
        raise PermissionDenied
    return get_object_or_404(
        DutyMonth.objects.select_related("chair", "post__term__organization"),
        month=parse_month(key),
    )


def can_log(user, duty_month: DutyMonth) -> bool:
    """The month's chair and its seconded staff log work, from the month's start on."""
    if duty_month.month > timezone.localdate():
        return False
    if duty_month.chair_id == user.pk:
        return True
    return duty_month.secondments.filter(user=user).exists()


def can_write_summary(user, duty_month: DutyMonth) -> bool:
    return duty_month.chair_id == user.pk and duty_month.month <= timezone.localdate()

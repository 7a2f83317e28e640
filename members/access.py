"""Who may see and change what in the members app: every view asks here."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Application, Enterprise, EnterpriseQualification


def get_enterprise(user, public_id, *, write: bool = False) -> Enterprise:
    """The enterprise for this user, 404 if they may not see it, 403 if they may not change it."""
    enterprise = get_object_or_404(Enterprise.objects.visible_to(user), public_id=public_id)
    if write and not user.is_staff:
        raise PermissionDenied
    return enterprise


def get_application(user, public_id) -> Application:
    """Staff see every application; an applicant sees only their own."""
    return get_object_or_404(
        Application.objects.visible_to(user).select_related("township", "applicant"),
        public_id=public_id,
    )


def own_enterprise(user) -> Enterprise:
    """The enterprise a user acts for (any status: a suspended member still sees its record)."""
    if not user.is_authenticated or user.enterprise_id is None:
        raise Http404
    return Enterprise.objects.select_related("township").get(pk=user.enterprise_id)


def can_see_private_fields(user, enterprise) -> bool:
    return user.is_staff or user.enterprise_id == enterprise.pk


def own_qualification(user, pk):
    """A qualification the user's enterprise declared; 404 for anyone else (staff review them
    on their own page)."""
    enterprise = own_enterprise(user)
    return get_object_or_404(EnterpriseQualification, pk=pk, enterprise=enterprise)

"""Who may see and record which services: every view asks here.

Staff record and read every service. A chamber's president or secretary-general (the
chamber's keepers, as chambers.access reads their posts) records the services their chamber
gives its own member enterprises and reads those. An enterprise's users read the services
their enterprise received, and rate them.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from chambers.access import can_keep_members, get_organization_to_keep
from chambers.models import Organization

from .models import ServiceRecord


def can_record_for(user, organization) -> bool:
    """Staff for any chamber (or none); a chamber's keeper for their own chamber only."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return (
        organization is not None
        and gives_services(organization)
        and can_keep_members(user, organization)
    )


def gives_services(organization) -> bool:
    """A chamber that records services: an active one of those staff's form offers (not the
    federation itself, a friendly federation elsewhere or a dissolved chamber)."""
    return Organization.objects.active().chambers().filter(pk=organization.pk).exists()


def get_chamber_to_record(user, slug) -> Organization:
    """The chamber whose services `user` records: 403 if not theirs to keep, 404 if it gives
    no services here (see gives_services)."""
    organization = get_organization_to_keep(user, slug)
    if not gives_services(organization):
        raise Http404
    return organization


def get_record(user, public_id) -> ServiceRecord:
    """A service for staff, or for the keeper of the chamber that gave it; 404 for anyone else
    (an outsider never learns that it exists)."""
    record = get_object_or_404(
        ServiceRecord.objects.select_related(
            "field", "staff_member", "organization", "partner", "petition", "event", "recorded_by"
        ),
        public_id=public_id,
    )
    if user.is_staff:
        return record
    if record.organization is not None and can_keep_members(user, record.organization):
        return record
    raise Http404


def can_see_received(user) -> bool:
    """A user acting for a member enterprise reads, and rates, what it received."""
    return user.is_authenticated and user.is_member_user

"""Who may see what in visits: staff alone (their views are `staff_required`); here, the
visit or finding an address names, or 404."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Finding, Visit


def get_visit(user, public_id) -> Visit:
    if not user.is_staff:
        raise PermissionDenied
    return get_object_or_404(
        Visit.objects.select_related("created_by", "duty_log_entry__duty_month"),
        public_id=public_id,
    )


def get_finding(user, public_id, finding_id) -> Finding:
    """A finding of the visit the address names (another visit's finding is a 404)."""
    if not user.is_staff:
        raise PermissionDenied
    return get_object_or_404(
        Finding.objects.select_related("visit"), pk=finding_id, visit__public_id=public_id
    )

"""Who may see which policy: every view asks here."""

from django.shortcuts import get_object_or_404

from .models import Policy


def get_policy(user, public_id) -> Policy:
    """A published policy for anyone (anonymous visitors too); a draft or a withdrawn one
    for staff only: anyone else gets 404."""
    policies = Policy.objects.all()
    if not (user.is_authenticated and user.is_staff):
        policies = policies.published()
    return get_object_or_404(policies, public_id=public_id)


def get_policy_to_manage(user, public_id) -> Policy:
    """Any policy, for staff (the views are staff_required)."""
    return get_object_or_404(Policy, public_id=public_id)

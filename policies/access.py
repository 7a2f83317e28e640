"""Who may see and change which policies: every view asks here.

Staff write and read every policy. Everyone else, anonymous visitors included, reads the
published ones, and the page of a withdrawn one (saying so); a draft is not found. A
policy's files are served while it is published, and to staff always. "Policies for you" and
the subscriptions are an enterprise's: its users' alone.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Policy, PolicyAttachment


def readable(user):
    """The policies whose page `user` may read."""
    if user.is_authenticated and user.is_staff:
        return Policy.objects.all()
    return Policy.objects.exclude(status=Policy.Status.DRAFT)


def get_policy(user, public_id) -> Policy:
    return get_object_or_404(readable(user), public_id=public_id)


def get_policy_to_write(user, public_id) -> Policy:
    """Staff only (the views say so first); 404 for no such policy."""
    if not user.is_staff:
        raise PermissionDenied
    return get_object_or_404(Policy, public_id=public_id)


def get_attachment(user, public_id, attachment_id) -> PolicyAttachment:
    """A file of a published policy, or of any policy for staff; 404 for anyone else."""
    attachment = get_object_or_404(
        PolicyAttachment.objects.select_related("policy"),
        policy__public_id=public_id,
        public_id=attachment_id,
    )
    if attachment.policy.status != Policy.Status.PUBLISHED and not (
        user.is_authenticated and user.is_staff
    ):
        raise Http404
    return attachment


def enterprise_of(user):
    """The enterprise whose policies `user` reads and subscribes: 403 for a user who acts
    for none (staff, applicants, leaders without one)."""
    if user.is_staff or user.enterprise_id is None:
        raise PermissionDenied
    return user.enterprise

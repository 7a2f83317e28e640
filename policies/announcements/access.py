"""Who may see which announcement: every announcement view asks here."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import Announcement, AnnouncementAttachment


def visible_announcements(user):
    """Staff see all; anyone sees the public ones once sent; a recipient sees those sent to them."""
    if user.is_authenticated and user.is_staff:
        return Announcement.objects.all()
    allowed = Q(is_public=True)
    if user.is_authenticated:
        allowed |= Q(receipts__recipient=user)
    return Announcement.objects.sent().filter(allowed)


def get_announcement(user, public_id) -> Announcement:
    """The announcement if this user may read it; 404 otherwise (outsiders never learn of it)."""
    return get_object_or_404(visible_announcements(user).distinct(), public_id=public_id)


def get_announcement_to_manage(user, public_id) -> Announcement:
    """Staff write and send announcements; call from staff-only views."""
    if not user.is_staff:
        raise PermissionDenied
    return get_object_or_404(Announcement.objects.select_related("segment"), public_id=public_id)


def get_attachment(user, public_id, attachment_id) -> AnnouncementAttachment:
    announcement = get_announcement(user, public_id)
    return get_object_or_404(announcement.attachments.all(), public_id=attachment_id)

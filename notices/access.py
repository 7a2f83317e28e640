"""Who may see which notice: every view asks here."""

from django.shortcuts import get_object_or_404

from .models import Notice


def get_notice(user, public_id) -> Notice:
    """The user's own notice; 404 for anyone else's, so outsiders never learn it exists."""
    return get_object_or_404(Notice.objects.visible_to(user), public_id=public_id)

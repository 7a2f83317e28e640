from django.utils.functional import SimpleLazyObject

from .models import Notice


def unread_notices(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page that does not show the header costs no query.
    return {
        "unread_notice_count": SimpleLazyObject(
            lambda: Notice.objects.visible_to(user).unread().count()
        )
    }

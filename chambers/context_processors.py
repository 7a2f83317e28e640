from django.utils.functional import SimpleLazyObject

from . import access


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page that does not render the navigation costs no query.
    return {
        "can_see_roster": SimpleLazyObject(lambda: access.can_see_roster(user)),
        "can_see_chambers": SimpleLazyObject(lambda: access.can_see_chambers(user)),
    }

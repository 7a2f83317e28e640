"""Who may call a view, decided before it runs: anonymous users log in, the others get 403.

Each app keeps its own access helpers (which object a user may see or change, in its
`access.py`); what is here knows only that there is a user.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def user_passes(test):
    """A view for the users `test(user)` accepts. Unlike Django's `user_passes_test`, a
    signed-in user who fails gets 403, not the log-in page again."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def staff_required(view):
    """Staff only: anonymous users are sent to log in, everyone else gets 403."""
    return user_passes(lambda user: user.is_staff)(view)

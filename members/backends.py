"""The signed-in user, read from the cache while their rows are unchanged."""

from django.contrib.auth.backends import ModelBackend

from . import pagecache
from .models import Enterprise, User


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend, except that every request's user lookup is a cache read.

    The user comes with their enterprise (whose status makes them a member user) and is
    cached under the stamp of both tables: a change to any account or enterprise (a new
    password, a deactivation, a suspended membership) makes every request read the rows
    again. Django still checks the session's password hash against the user it gets.
    """

    def get_user(self, user_id):
        return pagecache.cached(
            "user",
            (User, Enterprise),
            (str(user_id),),
            lambda: self._user_from_database(user_id),
            copy=True,  # each request gets its own instance to annotate
        )

    def _user_from_database(self, user_id):
        try:
            user = User._default_manager.select_related("enterprise").get(pk=user_id)
        except (User.DoesNotExist, ValueError, TypeError):
            return None
        return user if self.user_can_authenticate(user) else None

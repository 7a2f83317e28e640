"""The signed-in user, read from the cache while their rows are unchanged: Django's
ModelBackend with a cached get_user.

Measured (bench/README.md): reading the user (and for a member user, their enterprise) from
PostgreSQL on every request costs 0.5-1 ms of CPU, a third to a half of what a cached page
costs, and an enterprise's page for a member user fell below its target. So the user, with the
relations in settings.AUTH_USER_CACHED_RELATED, is kept in the cache under the stamps of their
tables: a new password, a deactivation or a suspended membership gives every user a new key,
and Django still checks the session's password hash against the user it gets.

What is kept encrypted in the database (phone numbers) is left out of the cached copy: those
fields are deferred, read from the database if a page asks for them.
"""

import pickle

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from encrypted_fields.fields import EncryptedFieldMixin

from . import pagecache


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        found = pagecache.cached_fragment(
            "user",
            depends_on=cached_models(),
            vary_on=(str(user_id),),
            render=lambda: self._pickled_user(user_id),
        )
        # Unpickled for each request: a request may annotate its user.
        return pickle.loads(found) if found else None  # noqa: S301 — pickled below, by us

    def _pickled_user(self, user_id):
        User = get_user_model()
        related = settings.AUTH_USER_CACHED_RELATED
        users = User._default_manager.select_related(*related)
        try:
            user = users.defer(*encrypted(User, related)).get(pk=user_id)
        except (User.DoesNotExist, ValueError, TypeError):
            return None
        return pickle.dumps(user) if self.user_can_authenticate(user) else None


def cached_models() -> tuple:
    User = get_user_model()
    related = settings.AUTH_USER_CACHED_RELATED
    return (User, *(User._meta.get_field(name).related_model for name in related))


def encrypted(model, related) -> list[str]:
    """The encrypted fields of the user and of each related model, as defer() names them."""
    names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)]
    for relation in related:
        other = model._meta.get_field(relation).related_model
        names += [
            f"{relation}__{f.name}"
            for f in other._meta.concrete_fields
            if isinstance(f, EncryptedFieldMixin)
        ]
    return names

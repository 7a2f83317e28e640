"""Phone numbers encrypted at rest (docs/domain.md, Dates, phone numbers and personal data).

django-fernet-encrypted-fields stores each value as a Fernet token (AES-128-CBC with an
HMAC-SHA256) under a key derived from SECRET_KEY and SALT_KEY; SECRET_KEY_FALLBACKS keep
older values readable after SECRET_KEY is rotated. The database holds only tokens: a dump, a
replica or a backup shows no number. A value written before encryption (a token that does
not decode) is read as it is, so rows can be encrypted in place by a migration.

The cost: such a column cannot be searched or sorted by the database. Nothing in the portal
does: numbers are shown (masked for all but staff), exported, and matched by their last
digits among one event's registrations in Python (events/door_views.py).
"""

import logging

from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact
from django.utils.functional import cached_property
from encrypted_fields.fields import EncryptedCharField as BaseEncryptedCharField

_keys: dict[tuple, list[bytes]] = {}
logger = logging.getLogger(__name__)


def looks_encrypted(value) -> bool:
    """A Fernet token (version byte 0x80, base64): what an encrypted value is stored as."""
    return isinstance(value, str) and value.startswith("gAAAAA") and len(value) >= 100


class EncryptedCharField(BaseEncryptedCharField):
    """A CharField kept encrypted; a blank value stays "" (the library would store NULL)."""

    def get_prep_value(self, value):
        encrypted = super().get_prep_value(value)
        if encrypted is None and not self.null:
            return ""
        return encrypted

    def to_python(self, value):
        value = super().to_python(value)
        if looks_encrypted(value):
            # A token no key opens: SECRET_KEY changed without its SECRET_KEY_FALLBACKS, or
            # SALT_KEY changed. Shown as it is (masked for all but staff), and said loudly.
            logger.error(
                "%s.%s holds a value no key decrypts: check SECRET_KEY, SECRET_KEY_FALLBACKS "
                "and SALT_KEY.",
                self.model.__name__ if hasattr(self, "model") else "?",
                self.name,
            )
        return value

    def get_lookup(self, lookup_name):
        if lookup_name not in ("exact", "isnull"):
            raise FieldError(
                f"{self.name} is encrypted at rest: the database cannot compare it "
                f"({lookup_name}); compare the values once read."
            )
        return super().get_lookup(lookup_name)

    def clean(self, value, model_instance):
        # The library marks the field "already decrypted" while it cleans and leaves the mark
        # behind when validation fails (every later read then returns the token), and the
        # mark is shared between threads. Without it a plain value is returned as it is.
        return models.CharField.clean(self, value, model_instance)

    @cached_property
    def keys(self) -> list[bytes]:
        # Derived once a process, not once a field: each derivation is 100,000 PBKDF2 rounds.
        secrets = (
            settings.SECRET_KEY,
            tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ())),
            repr(settings.SALT_KEY),
        )
        if secrets not in _keys:
            _keys[secrets] = super().keys
        return _keys[secrets]


@EncryptedCharField.register_lookup
class BlankExact(Exact):
    """field="" finds the blank values; any other value is encrypted afresh (a new token every
    time) and would silently match nothing, so it is refused."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted at rest: filter on it for blanks only."
            )
        return super().get_prep_lookup()


# --- Migrations: encrypting the rows written before, and back -------------------------------


def encrypt_rows(apps, schema_editor, columns: dict[str, list[str]], batch_size: int = 2000):
    """Re-save these fields of every row ({"app.Model": [field, ...]}): read as they were
    (plain, or encrypted under any key still known), written encrypted under SECRET_KEY."""
    for label, fields in columns.items():
        model = apps.get_model(label)
        manager = model._base_manager.using(schema_editor.connection.alias)
        batch = []
        for row in manager.only("pk", *fields).order_by("pk").iterator(chunk_size=batch_size):
            batch.append(row)
            if len(batch) == batch_size:
                manager.bulk_update(batch, fields)
                batch = []
        if batch:
            manager.bulk_update(batch, fields)


def decrypt_rows(apps, schema_editor, columns: dict[str, list[str]]):
    """The reverse: every value written back in plain text."""
    refuse_undecryptable(apps, schema_editor.connection.alias, columns)
    for label, fields in columns.items():
        model = apps.get_model(label)
        table = schema_editor.quote_name(model._meta.db_table)
        key = schema_editor.quote_name(model._meta.pk.column)
        manager = model._base_manager.using(schema_editor.connection.alias)
        for name in fields:
            column = schema_editor.quote_name(model._meta.get_field(name).column)
            for pk, value in manager.values_list("pk", name).iterator():
                schema_editor.execute(
                    f"UPDATE {table} SET {column} = %s WHERE {key} = %s",  # noqa: S608
                    [value, pk],
                )


def refuse_undecryptable(apps, alias: str, columns: dict[str, list[str]]) -> None:
    """UndecryptableError if any of these fields holds a token no key opens: before changing
    anything, so that nothing is written back unreadable (or cut short)."""
    for label, fields in columns.items():
        manager = apps.get_model(label)._base_manager.using(alias)
        for name in fields:
            for pk, value in manager.values_list("pk", name).iterator():
                if looks_encrypted(value):
                    raise UndecryptableError(
                        f"{label}.{name} of row {pk} does not decrypt with SECRET_KEY, "
                        "SECRET_KEY_FALLBACKS and SALT_KEY: nothing was changed."
                    )


class UndecryptableError(RuntimeError):
    pass

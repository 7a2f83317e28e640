"""Re-encrypt every stored phone number under the current SECRET_KEY (core/fields.py).

After SECRET_KEY is rotated (the old one kept in SECRET_KEY_FALLBACKS), run this; then the
old key can be dropped from SECRET_KEY_FALLBACKS. Numbers still in plain text (written
before encryption) are encrypted too. Safe to run again.
"""

from types import SimpleNamespace

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core.fields import (
    EncryptedCharField,
    UndecryptableError,
    encrypt_rows,
    refuse_undecryptable,
)


def phone_columns() -> dict[str, list[str]]:
    """{"app.Model": [field, ...]} of every encrypted field, history tables included."""
    columns = {}
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if fields:
            columns[model._meta.label] = fields
    return columns


class Command(BaseCommand):
    help = "Re-encrypt every stored phone number under the current SECRET_KEY."

    def handle(self, *args, **options):
        columns = phone_columns()
        with transaction.atomic():
            try:
                refuse_undecryptable(apps, connection.alias, columns)
            except UndecryptableError as error:
                raise CommandError(str(error)) from None
            encrypt_rows(apps, SimpleNamespace(connection=connection), columns)
        counted = ", ".join(f"{label} ({', '.join(f)})" for label, f in columns.items())
        self.stdout.write(f"Encrypted under the current key: {counted}.")

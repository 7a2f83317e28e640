"""Mobile numbers written before 0003, encrypted in place (core/fields.py), and back.

A migration of its own: PostgreSQL cannot alter a table with updates pending in the same
transaction, as undoing both in one would."""

import functools

from django.db import migrations

import core.fields

COLUMNS = {"events.Registration": ["mobile"], "events.HistoricalRegistration": ["mobile"]}


class Migration(migrations.Migration):
    dependencies = [("events", "0003_encrypted_mobile")]

    operations = [
        migrations.RunPython(
            functools.partial(core.fields.encrypt_rows, columns=COLUMNS),
            functools.partial(core.fields.decrypt_rows, columns=COLUMNS),
        ),
    ]

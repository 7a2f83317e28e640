"""Mobile numbers written before 0003, encrypted in place (members/fields.py), and back.

A migration of its own: PostgreSQL cannot alter a table with updates pending in the same
transaction, as undoing both in one would."""

import functools

from django.db import migrations

import members.fields

COLUMNS = {"events.Registration": ["mobile"], "events.HistoricalRegistration": ["mobile"]}


class Migration(migrations.Migration):
    dependencies = [("events", "0003_encrypted_mobile")]

    operations = [
        migrations.RunPython(
            functools.partial(members.fields.encrypt_rows, columns=COLUMNS),
            functools.partial(members.fields.decrypt_rows, columns=COLUMNS),
        ),
    ]

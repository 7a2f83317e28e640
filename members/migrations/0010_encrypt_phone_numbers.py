"""Phone numbers written before 0009, encrypted in place (core/fields.py), and back.

A migration of its own: PostgreSQL cannot alter a table with updates pending in the same
transaction, as undoing both in one would."""

import functools

from django.db import migrations

import core.fields

COLUMNS = {
    "members.User": ["mobile"],
    "members.Enterprise": ["contact_mobile", "contact_phone"],
    "members.HistoricalEnterprise": ["contact_mobile", "contact_phone"],
    "members.Application": ["contact_mobile", "contact_phone"],
    "members.HistoricalApplication": ["contact_mobile", "contact_phone"],
    "members.RepresentativePerson": ["mobile"],
    "members.HistoricalRepresentativePerson": ["mobile"],
}


class Migration(migrations.Migration):
    dependencies = [("members", "0009_encrypted_phone_numbers")]

    operations = [
        migrations.RunPython(
            functools.partial(core.fields.encrypt_rows, columns=COLUMNS),
            functools.partial(core.fields.decrypt_rows, columns=COLUMNS),
        ),
    ]

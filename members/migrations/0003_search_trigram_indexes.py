"""Trigram indexes for substring search by name and pinyin, on PostgreSQL only.

Kept out of Meta.indexes so that the embedded SQLite default migrates too.
"""

from django.db import migrations

INDEXES = {
    "enterprise_name_trgm": "name",
    "enterprise_pinyin_trgm": "name_pinyin",
    "enterprise_initials_trgm": "name_initials",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON members_enterprise "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0002_townships")]
    operations = [migrations.RunPython(create, drop)]

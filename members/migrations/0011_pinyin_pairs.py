"""Syllable-pair words of enterprise names (members/pinyin.py), filled for every enterprise,
and their full-text index on PostgreSQL only (as 0003 and 0005: the embedded SQLite default
migrates too). members.filters.search_enterprises finds pinyin searches of two syllables or
more by these words.
"""

from django.db import migrations, models

# Django's SearchVector("name_pinyin_pairs", config="simple"), which the searches use.
INDEX = (
    "CREATE INDEX IF NOT EXISTS enterprise_pinyin_pairs ON members_enterprise "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(name_pinyin_pairs, '')))"
)


def fill(apps, schema_editor):
    from members.pinyin import name_pinyin

    Enterprise = apps.get_model("members", "Enterprise")
    batch = []
    for enterprise in Enterprise.objects.only("pk", "name").iterator(chunk_size=2000):
        enterprise.name_pinyin_pairs = name_pinyin(enterprise.name).pairs
        batch.append(enterprise)
        if len(batch) == 2000:
            Enterprise.objects.bulk_update(batch, ["name_pinyin_pairs"])
            batch = []
    Enterprise.objects.bulk_update(batch, ["name_pinyin_pairs"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS enterprise_pinyin_pairs")


class Migration(migrations.Migration):
    dependencies = [("members", "0010_encrypt_phone_numbers")]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="name_pinyin_pairs",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]

"""Syllable-pair words of enterprise names (members/pinyin.py), filled for every enterprise
with their full pinyin and initials, and a full-text index of them on PostgreSQL only (as
0003 and 0005: the embedded SQLite default migrates too). members.filters.search_enterprises
finds pinyin searches of two syllables or more by these words.

The index is on a function rather than on to_tsvector itself: declared costly, so that
PostgreSQL reads a search that most names match through the index instead of computing
every name's words in a sequential scan (0.4 s against 40 ms at 100,000 names), yet not so
costly that its plans are compiled (JIT) as for a large query.
"""

from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION enterprise_pinyin_pairs(pairs text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 250 AS $$
BEGIN
  RETURN to_tsvector('simple'::regconfig, pairs);
END
$$
"""


def fill(apps, schema_editor):
    from members.pinyin import name_pinyin

    Enterprise = apps.get_model("members", "Enterprise")
    fields = ["name_pinyin", "name_initials", "name_pinyin_pairs"]
    batch = []
    for enterprise in Enterprise.objects.only("pk", "name").iterator(chunk_size=2000):
        found = name_pinyin(enterprise.name)
        enterprise.name_pinyin, enterprise.name_initials, enterprise.name_pinyin_pairs = found
        batch.append(enterprise)
        if len(batch) == 2000:
            Enterprise.objects.bulk_update(batch, fields)
            batch = []
    Enterprise.objects.bulk_update(batch, fields)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS enterprise_pinyin_pairs ON members_enterprise "
            "USING gin (enterprise_pinyin_pairs(name_pinyin_pairs))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS enterprise_pinyin_pairs")
        schema_editor.execute("DROP FUNCTION IF EXISTS enterprise_pinyin_pairs(text)")


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

"""Declare enterprise_name_grams (0005) costly, as enterprise_pinyin_pairs (0011) is, on
PostgreSQL only: otherwise PostgreSQL may count a search that most names match (公司) by
computing every name's grams in a sequential scan instead of reading the index (about 1 s
against 60 ms at 100,000 names).
"""

from django.db import migrations


def costly(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER FUNCTION enterprise_name_grams(text) COST 250")


def default_cost(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER FUNCTION enterprise_name_grams(text) COST 100")


class Migration(migrations.Migration):
    dependencies = [("members", "0011_pinyin_pairs")]
    operations = [migrations.RunPython(costly, default_cost)]

"""A GIN index of the characters and character pairs of enterprise names, on PostgreSQL only.

Chinese searches are mostly one or two characters (延庆, 科技), too short for the trigram
index of 0003, so they read the whole table. members.filters.search_enterprises asks this
index for the names holding every pair of the query (a single character: that character)
and checks the substring on those alone.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION enterprise_name_grams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}')
  FROM (
    SELECT substr(lower(name), i, 1) AS g FROM generate_series(1, char_length(name)) AS i
    UNION ALL
    SELECT substr(lower(name), i, 2) FROM generate_series(1, char_length(name) - 1) AS i
  ) AS grams
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS enterprise_name_grams ON members_enterprise "
        "USING gin (enterprise_name_grams(name))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS enterprise_name_grams")
    schema_editor.execute("DROP FUNCTION IF EXISTS enterprise_name_grams(text)")


class Migration(migrations.Migration):
    dependencies = [("members", "0004_alter_enterprise_joined_on_and_more")]
    operations = [migrations.RunPython(create, drop)]

"""Search by pinyin from where a syllable starts, through a GIN index (PostgreSQL).

Each name keeps its pinyin keys (members.models.pinyin_keys): for every syllable, the first 2
to 6 letters of the pinyin from there on (延庆: ya, yan, yanq, yanqi, yanqin, qi, qin, qing).
members.filters asks the index for the names holding the query's first 6 letters as a key,
and checks the whole query on those alone. The trigram index of 0003 also found fragments
in the middle of syllables: tens of thousands of candidates for a common pair of syllables.
"""

from django.db import migrations, models


def fill(apps, schema_editor):
    # The model's own functions, as save() uses them (a rename must keep these imports).
    from members.models import name_syllables, pinyin_keys

    enterprise = apps.get_model("members", "Enterprise")
    manager = enterprise._base_manager.using(schema_editor.connection.alias)
    batch = []
    for row in manager.only("pk", "name").order_by("pk").iterator(chunk_size=2000):
        row.name_pinyin_keys = pinyin_keys(name_syllables(row.name))
        batch.append(row)
        if len(batch) == 2000:
            manager.bulk_update(batch, ["name_pinyin_keys"])
            batch = []
    if batch:
        manager.bulk_update(batch, ["name_pinyin_keys"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS enterprise_pinyin_keys ON members_enterprise "
            "USING gin (string_to_array(name_pinyin_keys, ' '))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS enterprise_pinyin_keys")


class Migration(migrations.Migration):
    dependencies = [("members", "0010_encrypt_phone_numbers")]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="name_pinyin_keys",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        # The index first: PostgreSQL may refuse to build one on a table with updates
        # pending in the same transaction.
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

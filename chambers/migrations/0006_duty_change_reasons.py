"""A duty month's history names an approved swap by a code (shown translated), not in English
with the swap's number."""

from django.db import migrations


def swaps_by_code(apps, schema_editor):
    history = apps.get_model("chambers", "HistoricalDutyMonth")
    history.objects.filter(
        history_change_reason__startswith="swap ", history_change_reason__endswith=" approved"
    ).update(history_change_reason="swap approved")


class Migration(migrations.Migration):
    dependencies = [("chambers", "0005_typed_date_ranges")]

    operations = [migrations.RunPython(swaps_by_code, migrations.RunPython.noop)]

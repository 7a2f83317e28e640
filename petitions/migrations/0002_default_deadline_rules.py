"""The default time limits (from the 2021 draft standard, docs/domain.md); staff change them in
the admin. First response in clock hours, reply in working days (complex cases 15)."""

from django.db import migrations

DEFAULTS = [
    # category, urgency, first response hours, reply working days, complex, reply hours
    ("", "", 24, 7, 15, None),
    ("", "emergency", 2, 1, 15, None),
    ("", "urgent", 24, 5, 15, None),
    ("utilities", "", 24, 7, 15, 24),
    ("utilities", "emergency", 2, 1, 15, 24),
]


def create(apps, schema_editor):
    DeadlineRule = apps.get_model("petitions", "DeadlineRule")
    for category, urgency, first, days, complex_days, hours in DEFAULTS:
        DeadlineRule.objects.get_or_create(
            category=category,
            urgency=urgency,
            defaults={
                "first_response_hours": first,
                "reply_working_days": days,
                "complex_reply_working_days": complex_days,
                "reply_hours": hours,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""The usual fields of service (docs/domain.md §8); staff add, rename or retire them in the admin."""

from django.db import migrations

FIELDS = [
    ("policy", "政策服务", "Policy", "none"),
    ("legal", "法律服务", "Legal", "legal"),
    ("finance", "金融服务", "Finance", "finance"),
    ("talent", "人才服务", "Talent", "talent"),
    ("market", "市场开拓与商贸", "Market and trade", "none"),
    ("training", "教育培训", "Training", "none"),
    ("rights", "权益维护", "Rights protection", "none"),
    ("other", "其他服务", "Other", "none"),
]


def load(apps, schema_editor):
    ServiceField = apps.get_model("services", "ServiceField")
    for order, (code, name, name_en, terms) in enumerate(FIELDS, start=1):
        ServiceField.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "terms": terms, "order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

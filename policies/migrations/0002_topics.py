"""The usual policy topics; staff add, rename or retire them in the admin."""

from django.db import migrations

TOPICS = [
    ("finance", "金融支持", "Finance"),
    ("tax", "税费减免", "Tax and fees"),
    ("talent", "人才引进", "Talent"),
    ("technology", "科技创新", "Technology and innovation"),
    ("market", "市场开拓", "Markets"),
    ("land", "用地用房", "Land and premises"),
    ("employment", "稳岗就业", "Employment"),
    ("startup", "创业扶持", "Start-ups"),
    ("industry", "产业发展", "Industry development"),
    ("green", "绿色低碳", "Green and low-carbon"),
    ("culture_tourism", "文旅消费", "Culture and tourism"),
    ("agriculture", "乡村振兴", "Rural revitalisation"),
]


def load(apps, schema_editor):
    Topic = apps.get_model("policies", "Topic")
    for order, (code, name, name_en) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

"""Syllable-pair words again for every name: a run of Latin letters that spells syllables
(「Meta」: me ta) now counts as those syllables (members/pinyin.py: pair_words), so that
`metakeji` finds 「Meta科技」. Only names whose words change are written (those holding such
letters, typed or, as ⓜ or 𝐌, made letters by NFKC)."""

from django.db import migrations

BATCH = 2000


def refill(apps, schema_editor):
    from members.pinyin import name_pinyin

    Enterprise = apps.get_model("members", "Enterprise")
    rows = Enterprise.objects.only("pk", "name", "name_pinyin_pairs").order_by("pk")
    changed = []
    for enterprise in rows.iterator(chunk_size=BATCH):
        pairs = name_pinyin(enterprise.name).pairs
        if pairs != enterprise.name_pinyin_pairs:
            enterprise.name_pinyin_pairs = pairs
            changed.append(enterprise)
        if len(changed) == BATCH:
            Enterprise.objects.bulk_update(changed, ["name_pinyin_pairs"])
            changed = []
    Enterprise.objects.bulk_update(changed, ["name_pinyin_pairs"])


class Migration(migrations.Migration):
    dependencies = [("members", "0012_name_grams_cost")]

    operations = [migrations.RunPython(refill, migrations.RunPython.noop, elidable=True)]

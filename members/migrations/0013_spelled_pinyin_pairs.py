"""Syllable-pair words again for names holding Latin letters: a run of them that spells
syllables (「Meta」: me ta) now counts as those syllables (members/pinyin.py: pair_words), so
that `metakeji` finds 「Meta科技」. Other names' words are unchanged."""

from django.db import migrations


def refill(apps, schema_editor):
    from members.pinyin import name_pinyin

    Enterprise = apps.get_model("members", "Enterprise")
    latin = Enterprise.objects.filter(name__regex=r"[A-Za-zＡ-Ｚａ-ｚ]").only("pk", "name")
    batch = []
    for enterprise in latin.iterator(chunk_size=2000):
        enterprise.name_pinyin_pairs = name_pinyin(enterprise.name).pairs
        batch.append(enterprise)
    Enterprise.objects.bulk_update(batch, ["name_pinyin_pairs"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("members", "0012_name_grams_cost")]

    operations = [migrations.RunPython(refill, migrations.RunPython.noop, elidable=True)]

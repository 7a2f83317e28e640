"""The townships and streets of Yanqing (110119) and Shijingshan (110107), docs/domain.md."""

from django.db import migrations

YANQING = [
    ("001", "百泉街道", "street"), ("002", "香水园街道", "street"), ("003", "儒林街道", "street"),
    ("100", "延庆镇", "town"), ("101", "康庄镇", "town"), ("102", "八达岭镇", "town"),
    ("103", "永宁镇", "town"), ("104", "旧县镇", "town"), ("105", "张山营镇", "town"),
    ("106", "四海镇", "town"), ("107", "千家店镇", "town"), ("108", "沈家营镇", "town"),
    ("109", "大榆树镇", "town"), ("110", "井庄镇", "town"),
    ("200", "大庄科乡", "township"), ("201", "刘斌堡乡", "township"),
    ("202", "香营乡", "township"), ("203", "珍珠泉乡", "township"),
]
SHIJINGSHAN = [
    ("001", "八宝山街道"), ("002", "老山街道"), ("003", "八角街道"), ("004", "古城街道"),
    ("005", "苹果园街道"), ("006", "金顶街街道"), ("009", "广宁街道"), ("010", "五里坨街道"),
    ("011", "鲁谷街道"),
]


def load(apps, schema_editor):
    Township = apps.get_model("members", "Township")
    rows = [("110119", "延庆区", suffix, name, kind) for suffix, name, kind in YANQING]
    rows += [("110107", "石景山区", suffix, name, "street") for suffix, name in SHIJINGSHAN]
    for district_code, district_name, suffix, name, kind in rows:
        Township.objects.update_or_create(
            code=district_code + suffix,
            defaults={"name": name, "kind": kind, "district_code": district_code,
                      "district_name": district_name},
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

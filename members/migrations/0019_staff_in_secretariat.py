"""Staff made before the secretariat group existed join it (core/secretariat.py): until then
an administrator ticked *staff status* only, which opened no page of the admin. The group's
permissions are given after `migrate`, once every model's exist."""

from django.db import migrations

GROUP_NAME = "秘书处"  # core.secretariat.GROUP_NAME, as it was when this was written


def staff_join(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("members", "User")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    group.user_set.add(*User.objects.filter(is_staff=True, is_superuser=False))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("members", "0018_admin_labels"),
    ]

    operations = [migrations.RunPython(staff_join, migrations.RunPython.noop)]

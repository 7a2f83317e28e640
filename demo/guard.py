"""The one guard every demo command passes first: never on a database with real data.

The demo publishes its password and makes a superuser with it, so it runs only on a database
it filled before (a demo.Load row) or on one that holds no enterprise and no account yet. No
option overrides this: a real database never needs the demo.
"""

from django.core.management.base import CommandError

from members.models import Enterprise, User

from .models import Load

REFUSAL = (
    "数据库中已有不是演示数据生成的企业或账号，演示数据（含密码公开的超级管理员）不会写入。"
    "请在空数据库上运行 manage.py seed_demo。\n"
    "The database holds enterprises or accounts that the demo did not make; demo data (with a "
    "superuser whose password is published) is not added. Run manage.py seed_demo on an empty "
    "database."
)


def is_demo_database() -> bool:
    return Load.objects.exists()


def refuse_real_data() -> None:
    """Raise CommandError unless the database is empty or was filled by the demo."""
    if is_demo_database():
        return
    if Enterprise.objects.exists() or User.objects.exists():
        raise CommandError(REFUSAL)

"""The secretariat (秘书处): the group staff join when "staff status" is ticked, with what their
daily work in the admin needs, there after every `migrate` (core/secretariat.py)."""

import importlib

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse

from core.secretariat import GROUP_NAME
from demo.accounts import account
from members.models import Enterprise, User
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.test_permissions import ADMIN_NO_DELETE


def held() -> set[str]:
    group = Group.objects.get(name=GROUP_NAME)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def migrated():
    """What `migrate` sends once its migrations are applied."""
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


@pytest.mark.django_db
def test_the_group_exists_after_migrate_with_the_daily_work_and_no_deletion_of_kept_records():
    # The test database was made by `migrate` from empty.
    permissions = held()
    assert {
        "members.view_enterprise", "members.add_enterprise", "members.change_enterprise",
        "members.change_application", "members.add_user", "members.change_user",
        "events.add_event", "petitions.view_petition", "chambers.change_dutymonth",
        "django_celery_beat.change_periodictask", "axes.delete_accessattempt",
    } <= permissions  # fmt: skip
    for label in ADMIN_NO_DELETE:
        model = apps.get_model(label)
        assert f"{model._meta.app_label}.delete_{model._meta.model_name}" not in permissions
    assert not {p for p in permissions if p.startswith("auth.")}  # groups are the administrators'
    assert "members.delete_user" not in permissions
    assert "django_celery_beat.delete_periodictask" not in permissions
    assert "axes.delete_accesslog" not in permissions


@pytest.mark.django_db
def test_migrating_again_changes_nothing_and_puts_back_what_was_taken_or_added():
    before = held()
    migrated()
    migrated()
    assert Group.objects.filter(name=GROUP_NAME).count() == 1
    assert held() == before

    group = Group.objects.get(name=GROUP_NAME)
    # As if enterprises were a model added since: its permissions are given at the next migrate.
    group.permissions.remove(*Permission.objects.filter(content_type__model="enterprise"))
    group.permissions.add(Permission.objects.get(codename="delete_enterprise"))
    migrated()
    assert held() == before

    group.delete()
    migrated()
    assert held() == before


@pytest.mark.django_db
def test_a_member_enterprises_user_gets_no_admin_page_even_in_the_group(user_a, enterprise_a):
    user_a.groups.add(Group.objects.get(name=GROUP_NAME))
    client = client_for(user_a)
    for url in (
        reverse("admin:index"),
        reverse("admin:members_enterprise_changelist"),
        reverse("admin:members_enterprise_change", args=[enterprise_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def change_form(user, **changes) -> dict:
    data = {
        "email": user.email,
        "real_name": user.real_name,
        "mobile": user.mobile,
        "enterprise": user.enterprise_id or "",
        "language": user.language,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


@pytest.mark.django_db
def test_ticking_staff_status_puts_the_account_in_the_secretariat_and_unticking_takes_it_out(
    admin_client,
):
    user = UserFactory(email="new-staff@ylqgsl.test")
    url = reverse("admin:members_user_change", args=[user.pk])
    response = admin_client.post(url, change_form(user, is_staff="on"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [GROUP_NAME]
    assert client_for(user).get(reverse("admin:members_enterprise_changelist")).status_code == 200

    admin_client.post(url, change_form(user, is_staff=""))
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.groups.exists()


@pytest.mark.django_db
def test_a_superuser_made_staff_only_joins_the_secretariat(admin_client):
    user = UserFactory(email="former-admin@ylqgsl.test", is_staff=True, is_superuser=True)
    url = reverse("admin:members_user_change", args=[user.pk])
    response = admin_client.post(url, change_form(user, is_superuser=""))
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [GROUP_NAME]


@pytest.mark.django_db
def test_the_secretariat_unlocks_a_locked_out_account(secretary):
    attempt = AccessAttempt.objects.create(
        username="member@ylqgsl.test", ip_address="10.0.0.1", failures_since_start=5
    )
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client_for(secretary).post(url, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()


@pytest.mark.django_db
def test_the_secretariat_cannot_make_staff_or_superusers_nor_change_staff_accounts(
    secretary, staff, superuser, user_a
):
    client = client_for(secretary)
    # An enterprise's account: its name changes, staff status and groups do not.
    group = Group.objects.get(name=GROUP_NAME)
    response = client.post(
        reverse("admin:members_user_change", args=[user_a.pk]),
        change_form(
            user_a, real_name="王经理", is_staff="on", is_superuser="on", groups=[group.pk]
        ),
    )
    assert response.status_code == 302
    user_a.refresh_from_db()
    assert user_a.real_name == "王经理"
    assert not (user_a.is_staff or user_a.is_superuser or user_a.groups.exists())
    # Their own account, another staff member's, a superuser's: seen, not changed.
    for user in (secretary, staff, superuser):
        url = reverse("admin:members_user_change", args=[user.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert not page.context["has_change_permission"]
        assert client.post(url, change_form(user, is_superuser="on")).status_code == 403
        password = reverse("admin:auth_user_password_change", args=[user.pk])
        new_password = {"password1": "x9!Longer-pass", "password2": "x9!Longer-pass"}
        assert client.post(password, new_password).status_code == 403
        user.refresh_from_db()
        assert user.check_password("correct horse battery")
    secretary.refresh_from_db()
    assert not secretary.is_superuser


@pytest.mark.django_db
def test_the_secretariat_cannot_delete_an_enterprise(secretary, enterprise_a):
    client = client_for(secretary)
    url = reverse("admin:members_enterprise_delete", args=[enterprise_a.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Enterprise.objects.filter(pk=enterprise_a.pk).exists()


@pytest.mark.django_db
def test_the_demos_staff_accounts_are_in_the_secretariat_and_its_superuser_needs_none():
    handler, _made = account(email="handler@ylqgsl.demo", real_name="办理人", staff=True)
    root, _made = account(email="root@ylqgsl.demo", real_name="管理员", superuser=True)
    assert list(handler.groups.values_list("name", flat=True)) == [GROUP_NAME]
    assert not root.groups.exists()


@pytest.mark.django_db
def test_staff_made_before_the_group_existed_join_it_when_migrating():
    migration = importlib.import_module("members.migrations.0019_staff_in_secretariat")
    earlier_staff = UserFactory(is_staff=True)
    root = UserFactory(is_staff=True, is_superuser=True)
    member = UserFactory()
    migration.staff_join(apps, None)
    assert earlier_staff.groups.filter(name=GROUP_NAME).exists()
    assert not root.groups.exists()
    assert not member.groups.exists()
    assert User.objects.filter(groups__name=GROUP_NAME).count() == 1


def test_the_secretariat_reschedules_a_task_but_cannot_change_what_it_runs(secretary):
    """Staff change when a periodic task runs and whether it is on; what it runs, with what
    arguments and where is the administrators'."""
    from django.urls import reverse
    from django_celery_beat.models import PeriodicTask

    from tests.conftest import client_for

    task = PeriodicTask.objects.order_by("pk").first()  # made by migrate (ylqgsl/schedules.py)
    url = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
    client = client_for(secretary)
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(task="members.tasks.anything_else", args='["x"]', enabled="", queue="other")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    changed = PeriodicTask.objects.get(pk=task.pk)
    assert (changed.task, changed.args, changed.queue) == (task.task, task.args, task.queue)
    assert changed.enabled is False  # what staff may change, changed
    changelist = client.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert "run_tasks" not in changelist.content.decode()


@pytest.mark.django_db
def test_the_group_keeps_a_figures_rows_as_the_figure_but_no_secondment():
    permissions = held()
    assert {
        "members.change_representativeperson", "members.view_publicpost",
        "members.add_publicpost", "members.change_publicpost", "members.delete_publicpost",
        "members.view_trainingrecord", "members.add_trainingrecord",
        "members.change_trainingrecord", "members.delete_trainingrecord",
        "chambers.view_secondment",
    } <= permissions  # fmt: skip
    assert not {p for p in permissions if p.split(".")[1].endswith("_secondment")} - {
        "chambers.view_secondment"
    }

"""Every admin URL for every role, as tests/test_permissions.py's ADMIN_MATRIX expects, with a
row of every model (GET only; the actions' POSTs are tested in test_admin_actions.py)."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from members.models import Enterprise
from tests.conftest import client_for
from tests.test_permissions import (
    ADMIN_MATRIX,
    ADMIN_NO_ADD,
    ADMIN_NO_DELETE,
    ADMIN_ROLES,
    SECRETARIAT_NO_ADD,
    SECRETARIAT_NO_DELETE,
    SECRETARIAT_NOTHING,
    admin_resolver,
    admin_url_kind,
    named_urls,
)


def url_for(name, kind):
    """The URL of `name` with arguments: the model's first row, its latest history entry."""
    if kind == "app_list":
        return reverse(name, args=["members"]), None
    if kind == "view_on_site":
        enterprise = Enterprise.objects.first()
        return reverse(
            name, args=[ContentType.objects.get_for_model(Enterprise).pk, enterprise.pk]
        ), None
    if kind in ADMIN_MATRIX and kind not in ("changelist", "add", "change", "history", "delete"):
        if kind == "autocomplete":
            query = "?app_label=members&model_name=user&field_name=enterprise&term=延庆"
            return reverse(name) + query, None
        if kind not in ("history_entry", "user_password"):
            return reverse(name), None
    if kind == "user_password":  # Django names it after auth.User whatever the user model
        user = get_user_model().objects.first()
        return reverse(name, args=[user.pk]), get_user_model()
    model = next(
        m for m in admin.site._registry
        if name.removeprefix("admin:").startswith(f"{m._meta.app_label}_{m._meta.model_name}_")
    )  # fmt: skip
    if kind in ("changelist", "add"):
        return reverse(name), model
    if kind == "history_entry":
        if not model.history.exists():  # rows from a data migration: saved once, recorded
            model._default_manager.first().save()
        entry = model.history.first()
        return reverse(name, args=[getattr(entry, model._meta.pk.attname), entry.pk]), model
    obj = model._default_manager.first()
    return reverse(name, args=[obj.pk]), model


def expected(kind, model, role, obj=None):
    status = ADMIN_MATRIX[kind][role]
    if role not in ("superuser", "secretariat") or model is None:
        return status
    no_add, no_delete = (ADMIN_NO_ADD, ADMIN_NO_DELETE)
    label = model._meta.label
    if role == "secretariat":
        if label in SECRETARIAT_NOTHING:
            return 403
        # Only a superuser sets a staff account's password.
        if kind == "user_password" and (obj.is_staff or obj.is_superuser):
            return 403
        no_add, no_delete = (SECRETARIAT_NO_ADD, SECRETARIAT_NO_DELETE)
    if (kind == "add" and label in no_add) or (kind == "delete" and label in no_delete):
        return 403
    return status


@pytest.mark.django_db
@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_admin_permission_matrix(every_kind_of_row, superuser, secretary, role):
    _args, users = every_kind_of_row
    client = client_for(
        {"superuser": superuser, "secretariat": secretary}.get(role) or users.get(role)
    )
    failures = []
    for name in named_urls(namespace="admin:", resolver=admin_resolver()):
        kind = admin_url_kind(name)
        url, model = url_for(name, kind)
        obj = get_user_model().objects.first() if kind == "user_password" else None
        status = client.get(url).status_code
        if status != expected(kind, model, role, obj):
            failures.append(
                f"{name} ({url}): expected {expected(kind, model, role, obj)}, got {status}"
            )
    assert not failures, "\n".join(failures)

"""Every admin page in the page's language: each registered model's changelist, add form and
the change form of one of its rows, in Chinese and in English, walked with the same reader of
shown text as the portal's pages (tests/test_languages.py)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from tests.conftest import client_for
from tests.test_languages import stored_texts, walk


def admin_pages(user, site=admin.site):
    """The index, each app's index, and per model `user` may see its changelist, add form
    (where `user` adds records here) and the change form and history of its first row. A model
    without a row fails: every form is walked."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages, empty = [reverse("admin:index")], []
    models = [(m, a) for m, a in site._registry.items() if a.has_view_permission(request)]
    for app_label in sorted({m._meta.app_label for m, _a in models}):
        pages.append(reverse("admin:app_list", args=[app_label]))
    for model, model_admin in models:
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model._default_manager.first()
        if obj is None:
            empty.append(model._meta.label)
            continue
        pages.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        pages.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
    return pages, empty


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["superuser", "secretary"])
def test_every_admin_page_is_in_the_pages_language(every_kind_of_row, request, who, language):
    """A superuser, and staff of the secretariat (every page but the groups')."""
    user = request.getfixturevalue(who)
    pages, empty = admin_pages(user)
    if who == "secretary":
        group = Group.objects.first()
        assert set(admin_pages(request.getfixturevalue("superuser"))[0]) - set(pages) == {
            # The groups: the administrators'.
            reverse("admin:app_list", args=["auth"]),
            reverse("admin:auth_group_changelist"),
            reverse("admin:auth_group_add"),
            reverse("admin:auth_group_change", args=[group.pk]),
            reverse("admin:auth_group_history", args=[group.pk]),
            reverse("admin:members_township_add"),  # a code list, from a migration
            reverse("admin:django_celery_beat_periodictask_add"),  # the portal's tasks
            reverse("admin:chambers_secondment_add"),  # the superusers'
        }
    client = client_for(user)
    failed = [p for p in pages if client.get(p).status_code != 200]
    findings = walk(client, pages, language, stored_texts())
    assert not findings, "\n".join(f"{path}: {sorted(words)}" for path, words in findings.items())
    assert not failed, f"admin pages that do not open: {failed}"
    assert not empty, f"models without a row to open: {empty}"

"""Every admin page in the page's language: each registered model's changelist, add form and
the change form of one of its rows, in Chinese and in English, walked with the same reader of
shown text as the portal's pages (tests/test_languages.py)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.conftest import client_for
from tests.test_languages import stored_texts, walk


def admin_pages(superuser, site=admin.site):
    """The index, each app's index, and per model its changelist, add form (where records
    are added here) and the change form and history of its first row. A model without a row
    fails: every form is walked."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    pages, empty = [reverse("admin:index")], []
    for app_label in sorted({m._meta.app_label for m in site._registry}):
        pages.append(reverse("admin:app_list", args=[app_label]))
    for model, model_admin in site._registry.items():
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
def test_every_admin_page_is_in_the_pages_language(every_kind_of_row, superuser, language):
    pages, empty = admin_pages(superuser)
    client = client_for(superuser)
    failed = [p for p in pages if client.get(p).status_code != 200]
    findings = walk(client, pages, language, stored_texts())
    assert not findings, "\n".join(f"{path}: {sorted(words)}" for path, words in findings.items())
    assert not failed, f"admin pages that do not open: {failed}"
    assert not empty, f"models without a row to open: {empty}"

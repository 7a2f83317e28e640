"""Records kept for the ledgers are never deleted from the admin: neither the "delete
selected" action nor the delete page is offered, and trying either deletes nothing."""

import pytest
from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from chambers.models import DutyMonth
from events.models import Donation, Event
from members.models import Application, Enterprise
from notices.models import Notice
from petitions.models import Petition
from tests.conftest import client_for
from tests.test_permissions import ADMIN_NO_DELETE

KEPT = [apps.get_model(label) for label in sorted(ADMIN_NO_DELETE)]


def test_the_ledgers_records_are_among_the_kept():
    assert {Enterprise, Application, Petition, DutyMonth, Event, Donation, Notice} <= set(KEPT)


@pytest.mark.django_db
@pytest.mark.parametrize("model", KEPT, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("who", ["superuser", "secretary"])
def test_kept_records_cannot_be_deleted_in_the_admin(every_kind_of_row, request, who, model):
    admin_client = client_for(request.getfixturevalue(who))
    obj = model.objects.first()
    info = (model._meta.app_label, model._meta.model_name)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    page = admin_client.get(changelist)
    assert page.status_code == 200
    assert "delete_selected" not in page.content.decode()

    count = model.objects.count()
    admin_client.post(changelist, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [obj.pk]})
    delete = reverse("admin:{}_{}_delete".format(*info), args=[obj.pk])
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert model.objects.count() == count
    assert model.objects.filter(pk=obj.pk).exists()

"""Staff read the notices sent to users in the admin; e-mails to no account (a password
reset's link above all) are the administrators' alone."""

import pytest
from django.urls import reverse

from notices.models import Notice
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_staff_cannot_read_a_pending_password_reset_link(client, secretary, superuser):
    client.post(reverse("password_reset"), {"email": superuser.email})
    reset = Notice.objects.get(kind="password_reset")
    assert reset.recipient_id is None and reset.link  # pending: its link kept

    staff = client_for(secretary)
    listed = staff.get(reverse("admin:notices_notice_changelist") + "?kind=password_reset")
    assert listed.status_code == 200 and reset.link not in listed.content.decode()
    page = staff.get(reverse("admin:notices_notice_change", args=[reset.pk]), follow=True)
    assert reset.link not in page.content.decode()

    own = client_for(superuser).get(reverse("admin:notices_notice_change", args=[reset.pk]))
    assert own.status_code == 200


def test_history_is_read_never_reverted(superuser, enterprise_a, english):
    """A revert would save old values past the services: the admin offers none, and a POST to
    a history entry's page changes nothing."""
    from members.models import Enterprise

    enterprise_a.address = "新址"
    enterprise_a.save()
    first = enterprise_a.history.earliest()
    url = reverse("admin:members_enterprise_simple_history", args=[enterprise_a.pk, first.pk])
    admin = client_for(superuser)
    page = admin.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "View " in page and "Revert" not in page
    response = admin.post(url, {"name": "改回去的名称", "address": first.address})
    assert response.status_code == 403
    assert Enterprise.objects.get(pk=enterprise_a.pk).address == "新址"

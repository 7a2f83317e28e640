"""Who sees which event: visibility beyond the project matrix (tests/test_permissions.py)."""

import pytest
from django.urls import reverse

from events import services
from events.models import Event
from tests.conftest import client_for
from tests.events.factories import EventFactory
from tests.test_permissions import row

pytestmark = pytest.mark.django_db


def statuses(viewers, url):
    return {role: client_for(user).get(url).status_code for role, user in viewers.items()}


def test_invitation_only_event_is_seen_by_staff_and_invitees_only(viewers, staff, user_a):
    meeting = EventFactory(audience=Event.Audience.INVITATION, kind=Event.Kind.BREAKFAST)
    invitation = services.invite(event=meeting, actor=staff, enterprises=[user_a.enterprise])[0]
    services.respond_to_invitation(invitation=invitation, accept=True, attendees=2)
    url = reverse("events:detail", args=[meeting.public_id])
    assert statuses(viewers, url) == row(404, 404, 200, 404, 404, 200)


def test_drafts_are_staff_only(viewers):
    draft = EventFactory(status=Event.Status.DRAFT, audience=Event.Audience.PUBLIC)
    url = reverse("events:detail", args=[draft.public_id])
    assert statuses(viewers, url) == row(404, 404, 404, 404, 404, 200)

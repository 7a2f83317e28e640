"""Who sees which event: visibility beyond the project matrix (tests/test_permissions.py)."""

import pytest
from django.urls import reverse

from events import services
from events.models import Event
from tests.conftest import client_for
from tests.events.factories import EventFactory
from tests.test_permissions import row


@pytest.fixture
def cast(applicant, user_a, user_b, leader, staff):
    event = EventFactory(audience=Event.Audience.MEMBERS)
    registration = services.register_for_event(event=event, actor=user_a)
    meeting = EventFactory(audience=Event.Audience.INVITATION, kind=Event.Kind.BREAKFAST)
    invitation = services.invite(event=meeting, actor=staff, enterprises=[user_a.enterprise])[0]
    services.respond_to_invitation(invitation=invitation, accept=True, attendees=2)
    on_event = [event.public_id]
    by_token = [meeting.public_id, invitation.token]
    args = {
        "events:month": [2030, 1],
        "events:checkin_scan": [registration.checkin_token],
        "events:registration_cancel": [registration.public_id],
        "events:registration_decide": [registration.public_id],
        "events:registration_qr": [registration.public_id],
        "events:check_in": [registration.public_id],
        "events:invitation": by_token,
        "events:invitation_card": by_token,
        "events:invitation_qr": by_token,
    }
    for name in (
        "detail",
        "register",
        "edit",
        "publish",
        "cancel",
        "dashboard",
        "invite",
        "send_invitations",
        "remind",
        "export",
        "checkin",
        "walk_in",
        "record",
    ):
        args[f"events:{name}"] = on_event
    users = {
        "anonymous": None,
        "applicant": applicant,
        "enterprise_a": user_a,
        "enterprise_b": user_b,
        "leader": leader,
        "staff": staff,
    }
    return args, users


@pytest.mark.django_db
def test_invitation_only_event_is_seen_by_staff_and_invitees_only(cast, user_a, user_b):
    args, users = cast
    meeting_id = args["events:invitation"][0]
    url = reverse("events:detail", args=[meeting_id])
    statuses = {role: client_for(user).get(url).status_code for role, user in users.items()}
    assert statuses == row(404, 404, 200, 404, 404, 200)


@pytest.mark.django_db
def test_drafts_are_staff_only(cast):
    _args, users = cast
    draft = EventFactory(status=Event.Status.DRAFT, audience=Event.Audience.PUBLIC)
    url = reverse("events:detail", args=[draft.public_id])
    statuses = {role: client_for(user).get(url).status_code for role, user in users.items()}
    assert statuses == row(404, 404, 404, 404, 404, 200)

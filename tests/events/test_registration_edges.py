"""Edge cases found in review: invitation re-acceptance and late cancellations."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Invitation, Registration
from notices.models import Notice
from tests.conftest import client_for
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_accepting_again_after_a_direct_sign_up_keeps_one_booking(user_a, enterprise_a):
    event = EventFactory(audience=Event.Audience.MEMBERS)
    invitation = Invitation.objects.create(event=event, enterprise=enterprise_a, user=user_a)
    link = client_for(None)
    url = reverse("events:invitation", args=[event.public_id, invitation.token])
    link.post(url, {"answer": "accept", "attendees": 1})
    link.post(url, {"answer": "decline", "attendees": 1})
    client_for(user_a).post(reverse("events:register", args=[event.public_id]))
    response = link.post(url, {"answer": "accept", "attendees": 2})
    assert response.status_code == 302
    live = Registration.objects.get(event=event, user=user_a, status="confirmed")
    assert live.invitation == invitation and live.seats == 2
    assert Registration.objects.filter(event=event, user=user_a).count() == 2  # one cancelled


def test_no_cancelling_once_the_event_is_cancelled(user_a, user_b, staff):
    event = EventFactory(capacity=1)
    client_for(user_a).post(reverse("events:register", args=[event.public_id]))
    client_for(user_b).post(reverse("events:register", args=[event.public_id]))
    client_for(staff).post(reverse("events:cancel", args=[event.public_id]), {"reason": "天气"})
    mine = Registration.objects.get(user=user_a)
    client_for(user_a).post(reverse("events:registration_cancel", args=[mine.public_id]))
    assert Registration.objects.get(user=user_b).status == "waiting"
    assert not Notice.objects.filter(recipient=user_b, kind="event_promoted").exists()


def test_no_cancelling_after_the_event_so_attendance_stays(user_a):
    event = EventFactory(
        status=Event.Status.FINISHED,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        ends_at=timezone.now() - datetime.timedelta(days=2, hours=-2),
    )
    registration = RegistrationFactory(event=event, user=user_a, enterprise=user_a.enterprise)
    client_for(user_a).post(reverse("events:registration_cancel", args=[registration.public_id]))
    registration.refresh_from_db()
    assert registration.status == "confirmed"

"""Registering for open events: seats, the waiting list, cancellation, approval."""

import pytest

from events import services
from events.models import Event, Registration
from notices.models import Notice
from tests.conftest import client_for
from tests.events.factories import EventFactory, RegistrationFactory, at
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def members(n):
    return [UserFactory(enterprise=EnterpriseFactory()) for _ in range(n)]


def statuses(event):
    return list(
        event.registrations.order_by("created_at", "id").values_list("person_name", "status")
    )


def test_registration_takes_a_seat_with_the_enterprise(user_a, enterprise_a):
    event = EventFactory(capacity=10)
    registration = services.register_for_event(event=event, actor=user_a)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.enterprise == enterprise_a
    assert registration.person_name == user_a.real_name
    assert registration.history.first().history_user == user_a


def test_when_full_the_next_goes_to_the_waiting_list():
    event = EventFactory(capacity=2)
    people = members(3)
    for person in people:
        services.register_for_event(event=event, actor=person)
    assert [s for _n, s in statuses(event)] == ["confirmed", "confirmed", "waiting"]
    assert services.seats_taken(event) == 2


def test_cannot_register_twice(user_a):
    event = EventFactory()
    services.register_for_event(event=event, actor=user_a)
    with pytest.raises(services.TransitionError):
        services.register_for_event(event=event, actor=user_a)
    assert event.registrations.count() == 1


def test_can_register_again_after_cancelling(user_a):
    event = EventFactory()
    first = services.register_for_event(event=event, actor=user_a)
    services.cancel_registration(registration=first, actor=user_a)
    again = services.register_for_event(event=event, actor=user_a)
    assert again.status == "confirmed"


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Event.Status.DRAFT},
        {"status": Event.Status.CANCELLED},
        {"audience": Event.Audience.INVITATION},
        {"registration_closes_at": at(days=-1), "registration_opens_at": at(days=-5)},
        {"registration_opens_at": at(days=2)},
        {"starts_at": at(hours=-1), "ends_at": at(hours=1)},
    ],
)
def test_registration_closed(user_a, fields):
    event = EventFactory(**fields)
    with pytest.raises(services.TransitionError):
        services.register_for_event(event=event, actor=user_a)
    assert not event.registrations.exists()


def test_cancelling_a_seat_promotes_the_first_waiting_who_is_told():
    event = EventFactory(capacity=1)
    first, second, third = members(3)
    held = services.register_for_event(event=event, actor=first)
    services.register_for_event(event=event, actor=second)
    services.register_for_event(event=event, actor=third)
    services.cancel_registration(registration=held, actor=first)
    assert [s for _n, s in statuses(event)] == ["cancelled", "confirmed", "waiting"]
    promoted = event.registrations.get(user=second)
    assert promoted.promoted_at is not None
    notice = Notice.objects.get(kind="event_promoted")
    assert notice.recipient == second
    assert event.title in notice.subject
    assert not Notice.objects.filter(recipient=third).exists()


def test_cancelling_a_waiting_registration_promotes_nobody():
    event = EventFactory(capacity=1)
    first, second, third = members(3)
    services.register_for_event(event=event, actor=first)
    waiting = services.register_for_event(event=event, actor=second)
    services.register_for_event(event=event, actor=third)
    services.cancel_registration(registration=waiting, actor=second)
    assert event.registrations.get(user=third).status == "waiting"
    assert not Notice.objects.filter(kind="event_promoted").exists()


def test_a_party_too_large_for_the_free_seat_keeps_its_place():
    event = EventFactory(capacity=3)
    RegistrationFactory(event=event, seats=2, person_name="甲")
    one = RegistrationFactory(event=event, seats=1, person_name="乙")
    RegistrationFactory(event=event, seats=2, status="waiting", person_name="丙")
    RegistrationFactory(event=event, seats=1, status="waiting", person_name="丁")
    services.cancel_registration(registration=one, actor=None)
    # 丙 needs two seats and only one is free: 丁 does not jump the queue.
    assert dict(statuses(event))["丙"] == "waiting"
    assert dict(statuses(event))["丁"] == "waiting"


def test_checked_in_registration_cannot_be_cancelled(staff):
    registration = RegistrationFactory()
    services.check_in(registration=registration, actor=staff)
    with pytest.raises(services.TransitionError):
        services.cancel_registration(registration=registration, actor=staff)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.checked_in_at is not None


def test_approval_step_holds_no_seat_until_approved(staff, user_a, user_b):
    event = EventFactory(capacity=1, needs_approval=True)
    a = services.register_for_event(event=event, actor=user_a)
    b = services.register_for_event(event=event, actor=user_b)
    assert (a.status, b.status) == ("pending", "pending")
    assert services.seats_taken(event) == 0
    services.decide_registration(registration=a, actor=staff, approve=True)
    services.decide_registration(registration=b, actor=staff, approve=True)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == ("confirmed", "waiting")
    assert a.decided_by == staff
    assert Notice.objects.filter(kind="event_registration_decided").count() == 2


def test_rejected_registration_is_told(staff, user_a):
    event = EventFactory(needs_approval=True)
    registration = services.register_for_event(event=event, actor=user_a)
    services.decide_registration(registration=registration, actor=staff, approve=False)
    registration.refresh_from_db()
    assert registration.status == "rejected"
    notice = Notice.objects.get(kind="event_registration_decided", recipient=user_a)
    assert "Not approved" in notice.body or "未" in notice.body
    with pytest.raises(services.TransitionError):
        services.decide_registration(registration=registration, actor=staff, approve=True)
    registration.refresh_from_db()
    assert registration.status == "rejected"
    assert Notice.objects.filter(kind="event_registration_decided").count() == 1


def test_cancelled_event_tells_everyone_registered_once(
    staff, user_a, user_b, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    services.register_for_event(event=event, actor=user_a)
    services.register_for_event(event=event, actor=user_b)  # waiting: told too
    with django_capture_on_commit_callbacks(execute=True):  # written by the fan-out's task
        services.cancel_event(event=event, actor=staff, reason="场地检修")
    event.refresh_from_db()
    assert event.status == "cancelled"
    notices = Notice.objects.filter(kind="event_cancelled")
    assert sorted(n.recipient_id for n in notices) == sorted([user_a.pk, user_b.pk])
    assert "场地检修" in notices.first().body
    with pytest.raises(services.TransitionError):
        services.cancel_event(event=event, actor=staff, reason="again")
    event.refresh_from_db()
    assert event.cancellation_reason == "场地检修"
    assert Notice.objects.filter(kind="event_cancelled").count() == 2


def test_cancelling_needs_a_reason(staff):
    event = EventFactory()
    with pytest.raises(services.TransitionError):
        services.cancel_event(event=event, actor=staff, reason=" ")
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED and event.cancellation_reason == ""


def test_member_registers_through_the_page(client_a, user_a):
    event = EventFactory(capacity=5)
    response = client_a.post(f"/events/{event.public_id}/register/")
    assert response.status_code == 302
    assert event.registrations.get().user == user_a
    page = client_a.get(f"/events/{event.public_id}/")
    assert "events/registrations/" in page.content.decode()  # the QR code's address


def test_applicant_cannot_register_for_a_member_event(applicant):
    event = EventFactory(audience=Event.Audience.MEMBERS)
    response = client_for(applicant).post(f"/events/{event.public_id}/register/")
    assert response.status_code == 404
    assert not event.registrations.exists()


def test_anyone_logged_in_registers_for_a_public_event(applicant):
    event = EventFactory(audience=Event.Audience.PUBLIC)
    client_for(applicant).post(f"/events/{event.public_id}/register/")
    assert event.registrations.get().user == applicant


def test_member_cancels_own_registration_but_not_another(client_a, client_b, user_a):
    event = EventFactory()
    registration = services.register_for_event(event=event, actor=user_a)
    url = f"/events/registrations/{registration.public_id}/cancel/"
    assert client_b.post(url).status_code == 404
    assert client_a.post(url).status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_qr_code_is_an_svg_for_its_holder_only(client_a, client_b, user_a):
    registration = services.register_for_event(event=EventFactory(), actor=user_a)
    url = f"/events/registrations/{registration.public_id}/qr.svg"
    response = client_a.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
    assert client_b.get(url).status_code == 404

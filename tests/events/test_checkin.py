"""Check-in at the door: staff only; by QR code, by name search, walk-ins; attendance."""

import pytest

from events import services
from events.calendar import checkin_url
from events.models import Registration
from tests.conftest import client_for
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(user_a):
    return services.register_for_event(event=EventFactory(), actor=user_a)


def scan_url(registration):
    return f"/events/checkin/{registration.checkin_token}/"


def test_qr_code_holds_the_staff_check_in_address(registration, settings):
    assert checkin_url(registration) == settings.SITE_URL + scan_url(registration)


def test_scanning_opens_the_person_and_a_button_checks_them_in(staff_client, staff, registration):
    page = staff_client.get(scan_url(registration))
    assert page.status_code == 200
    assert registration.person_name in page.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at is None  # opening the page changes nothing
    response = staff_client.post(scan_url(registration))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert registration.checked_in_by == staff


def test_checking_in_twice_keeps_the_first_time(staff, registration):
    assert services.check_in(registration=registration, actor=staff) is True
    first = Registration.objects.get(pk=registration.pk).checked_in_at
    assert services.check_in(registration=registration, actor=staff) is False
    assert Registration.objects.get(pk=registration.pk).checked_in_at == first


@pytest.mark.parametrize("role", ["anonymous", "member", "other_member", "applicant"])
def test_check_in_pages_are_staff_only(role, registration, user_a, user_b, applicant):
    user = {"anonymous": None, "member": user_a, "other_member": user_b, "applicant": applicant}[
        role
    ]
    client = client_for(user)
    expected = 302 if user is None else 403
    event = registration.event
    assert client.get(scan_url(registration)).status_code == expected
    assert client.post(scan_url(registration)).status_code == expected
    assert client.get(f"/events/{event.public_id}/checkin/").status_code == expected
    assert client.post(f"/events/registrations/{registration.public_id}/check-in/").status_code in (
        expected,
        404,
    )
    assert (
        client.post(
            f"/events/{event.public_id}/walk-in/", {"person_name": "x", "seats": 1}
        ).status_code
        == expected
    )
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert event.registrations.count() == 1


def test_waiting_registration_cannot_be_checked_in(staff, staff_client):
    registration = RegistrationFactory(status=Registration.Status.WAITING)
    with pytest.raises(services.TransitionError):
        services.check_in(registration=registration, actor=staff)
    staff_client.post(scan_url(registration))
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_name_search_finds_confirmed_people_and_checks_them_in(staff_client, registration):
    event = registration.event
    RegistrationFactory(event=event, person_name="王大伟", status="waiting")
    page = staff_client.get(f"/events/{event.public_id}/checkin/", {"q": "企业甲"})
    assert list(page.context["found"]) == [registration]
    assert not staff_client.get(f"/events/{event.public_id}/checkin/", {"q": "王大伟"}).context[
        "found"
    ]
    by_enterprise = staff_client.get(f"/events/{event.public_id}/checkin/", {"q": "冰雪"})
    assert list(by_enterprise.context["found"]) == [registration]
    response = staff_client.post(
        f"/events/registrations/{registration.public_id}/check-in/", {"q": "企业甲"}
    )
    assert response.status_code == 302 and "q=" in response["Location"]
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_walk_in_is_added_checked_in(staff_client, staff, enterprise_b):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    response = staff_client.post(
        f"/events/{event.public_id}/walk-in/",
        {"person_name": "临时参会者", "enterprise": enterprise_b.credit_code, "seats": 2},
    )
    assert response.status_code == 302
    walk_in = event.registrations.get(walk_in=True)
    assert (walk_in.status, walk_in.seats, walk_in.enterprise) == ("confirmed", 2, enterprise_b)
    assert walk_in.checked_in_by == staff


def test_attendance_per_person_and_per_enterprise(staff):
    event = EventFactory()
    big, small = EnterpriseFactory(name="甲公司"), EnterpriseFactory(name="乙公司")
    for enterprise, seats in ((big, 1), (big, 2), (small, 1)):
        r = RegistrationFactory(event=event, enterprise=enterprise, seats=seats)
        services.check_in(registration=r, actor=staff)
    RegistrationFactory(event=event, enterprise=small)  # registered, did not come
    services.add_walk_in(
        event=event, actor=staff, person_name="访客", organisation_name="区融媒体中心"
    )
    rows = list(services.attendance_by_enterprise(event))
    assert [(r["enterprise__name"] or r["organisation_name"], r["people"]) for r in rows] == [
        ("甲公司", 3),
        ("乙公司", 1),
        ("区融媒体中心", 1),
    ]
    summary = services.attendance_summary(event)
    assert (
        summary["checked_in"],
        summary["confirmed"],
        summary["enterprises"],
        summary["walk_ins"],
    ) == (5, 6, 2, 1)

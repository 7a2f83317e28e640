"""After the event: minutes, photo captions, problems raised, donations and their totals."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from chambers.models import Organization
from events import services
from events.models import Donation, Event
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def campaign():
    return EventFactory(kind=Event.Kind.CHARITY, title="防汛救灾捐赠", audience="public")


@pytest.fixture
def chamber(db):
    return Organization.objects.create(slug="ice", name="冰雪产业商会", kind="industry")


def test_donation_totals_by_money_and_goods(staff, campaign, enterprise_a, enterprise_b, chamber):
    today = campaign.starts_at.date()
    services.record_donation(
        event=campaign,
        actor=staff,
        enterprise=enterprise_a,
        cash_yuan=D("500000"),
        goods_value_yuan=D("0"),
        received_on=today,
    )
    services.record_donation(
        event=campaign,
        actor=staff,
        enterprise=enterprise_b,
        cash_yuan=D("0"),
        goods_value_yuan=D("81160.50"),
        received_on=today,
        description="矿泉水、方便面",
    )
    services.record_donation(
        event=campaign,
        actor=staff,
        organization=chamber,
        cash_yuan=D("2389700"),
        goods_value_yuan=D("220000"),
        received_on=today,
    )
    totals = campaign.donations.totals()
    assert totals == {
        "cash": D("2889700"),
        "goods": D("301160.50"),
        "donors": 3,
        "total": D("3190860.50"),
    }


def test_donation_needs_exactly_one_donor(staff, campaign, enterprise_a, chamber):
    day = campaign.starts_at.date()
    with pytest.raises(services.TransitionError):
        services.record_donation(
            event=campaign,
            actor=staff,
            enterprise=enterprise_a,
            organization=chamber,
            cash_yuan=D(1),
            goods_value_yuan=D(0),
            received_on=day,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Donation.objects.create(event=campaign, cash_yuan=D(1), received_on=day)
    assert not Donation.objects.exists()


def test_donations_only_for_charity_campaigns(staff, enterprise_a):
    with pytest.raises(services.TransitionError):
        services.record_donation(
            event=EventFactory(),
            actor=staff,
            enterprise=enterprise_a,
            cash_yuan=D(1),
            goods_value_yuan=D(0),
            received_on=EventFactory().starts_at.date(),
        )
    assert not Donation.objects.exists()


def test_staff_record_through_the_page(staff_client, campaign, enterprise_a):
    url = f"/events/{campaign.public_id}/record/"
    staff_client.post(url, {"form": "minutes", "minutes-minutes": "会议纪要：各商会踊跃捐赠。"})
    staff_client.post(url, {"form": "photo", "photo-caption": "捐赠仪式现场"})
    staff_client.post(
        url,
        {
            "form": "problem",
            "problem-enterprise": enterprise_a.credit_code,
            "problem-text": "灾后厂房修缮贷款难",
        },
    )
    staff_client.post(
        url,
        {
            "form": "donation",
            "donation-enterprise": enterprise_a.credit_code,
            "donation-cash_yuan": "10000",
            "donation-goods_value_yuan": "0",
            "donation-received_on": "2026-07-31",
        },
    )
    campaign.refresh_from_db()
    assert campaign.minutes.startswith("会议纪要")
    assert campaign.photos.get().caption == "捐赠仪式现场"
    problem = campaign.problems.get()
    assert (problem.enterprise, problem.recorded_by.is_staff) == (enterprise_a, True)
    assert campaign.donations.get().cash_yuan == D("10000")
    page = staff_client.get(f"/events/{campaign.public_id}/").content.decode()
    assert "10,000.00" in page or "10000.00" in page


def test_donation_form_rejects_two_donors(staff_client, campaign, enterprise_a, chamber):
    response = staff_client.post(
        f"/events/{campaign.public_id}/record/",
        {
            "form": "donation",
            "donation-enterprise": enterprise_a.credit_code,
            "donation-organization": chamber.pk,
            "donation-cash_yuan": "1",
            "donation-goods_value_yuan": "0",
            "donation-received_on": "2026-07-31",
        },
    )
    assert response.status_code == 200
    assert not campaign.donations.exists()


def test_problems_are_shown_to_staff_only(client_a, staff_client, staff, enterprise_a):
    event = EventFactory(kind=Event.Kind.BREAKFAST)
    services.record_problem(
        event=event, actor=staff, enterprise=enterprise_a, text="园区道路破损，影响物流车辆通行"
    )
    assert "园区道路破损" in staff_client.get(f"/events/{event.public_id}/").content.decode()
    assert "园区道路破损" not in client_a.get(f"/events/{event.public_id}/").content.decode()

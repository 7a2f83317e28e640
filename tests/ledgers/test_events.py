"""Events, attendance and donations."""

import datetime
import re
from decimal import Decimal

import pytest

from events.models import Donation, Event, Invitation, Registration
from tests.chambers.factories import OrganizationFactory
from tests.conftest import at
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import EnterpriseFactory
from tests.ledgers.conftest import column, sheet_column, sheet_rows, table

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def chamber(db):
    return OrganizationFactory(name="冰雪产业商会")


@pytest.fixture
def happenings(chamber, enterprise_a, enterprise_b):
    breakfast = EventFactory(
        title="企业家早餐会三月场",
        kind=Event.Kind.BREAKFAST,
        starts_at=at(2026, 3, 5, 9, 0),
        status=Event.Status.FINISHED,
    )
    Invitation.objects.create(event=breakfast, enterprise=enterprise_a)
    Invitation.objects.create(event=breakfast, guest_name="张明")
    came = RegistrationFactory(
        event=breakfast, enterprise=enterprise_a, person_name="王经理", seats=2,
        mobile="13912345678", checked_in_at=at(2026, 3, 5, 8, 50),
    )  # fmt: skip
    stayed = RegistrationFactory(
        event=breakfast, enterprise=enterprise_b, person_name="赵经理", mobile="13987654321"
    )
    RegistrationFactory(event=breakfast, person_name="取消者", status=Registration.Status.CANCELLED)
    walk_in = RegistrationFactory(
        event=breakfast, person_name="钱老板", organisation_name="个体户", walk_in=True,
        checked_in_at=at(2026, 3, 5, 9, 5),
    )  # fmt: skip
    # Half an hour into April, Beijing time: still 31 March in UTC.
    lecture = EventFactory(
        title="民企学堂四月",
        kind=Event.Kind.LECTURE,
        starts_at=at(2026, 4, 1, 0, 30),
        organizer=chamber,
    )
    listener = RegistrationFactory(
        event=lecture, enterprise=enterprise_b, person_name="孙会计",
        checked_in_at=at(2026, 4, 1, 0, 20),
    )  # fmt: skip
    charity = EventFactory(
        title="汛期救灾募捐",
        kind=Event.Kind.CHARITY,
        starts_at=at(2025, 7, 20, 10, 0),
        status=Event.Status.FINISHED,
    )
    return {
        "breakfast": breakfast, "lecture": lecture, "charity": charity, "came": came,
        "stayed": stayed, "walk_in": walk_in, "listener": listener,
    }  # fmt: skip


def titles(response):
    return set(column(response, "Title"))


def test_events_show_who_was_invited_registered_and_came(staff_client, happenings, chamber):
    response = staff_client.get("/ledgers/events/")
    assert response.status_code == 200
    assert column(response, "Title") == ["民企学堂四月", "企业家早餐会三月场", "汛期救灾募捐"]
    breakfast = table(response)[1]
    assert breakfast == [
        "5 Mar 2026 09:00", "企业家早餐会三月场", "Entrepreneurs' breakfast meeting",
        "The federation", "Finished", "2", "4", "3", "1",
    ]  # fmt: skip
    assert table(response)[0][3] == "冰雪产业商会"
    html = response.content.decode()
    assert f"/ledgers/attendance/?event={happenings['breakfast'].public_id}" in html
    assert f"/events/{happenings['breakfast'].public_id}/dashboard/" in html
    assert 'id="total-people">4<' in html  # 3 at breakfast, 1 at the lecture
    assert 'id="total-enterprises">2<' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2026", {"breakfast", "lecture"}),
        ("year=2026&month=3", {"breakfast"}),
        ("year=2026&month=4", {"lecture"}),  # by the local date
        ("month=7", {"charity"}),
        ("year=2025&month=3", set()),
        ("kind=lecture", {"lecture"}),
        ("status=finished", {"breakfast", "charity"}),
        ("organizer=null", {"breakfast", "charity"}),
    ],
)
def test_event_filters(staff_client, happenings, query, expected):
    response = staff_client.get(f"/ledgers/events/?{query}")
    assert titles(response) == {happenings[key].title for key in expected}


def test_events_by_organiser(staff_client, happenings, chamber):
    response = staff_client.get(f"/ledgers/events/?organizer={chamber.pk}")
    assert titles(response) == {"民企学堂四月"}


@pytest.mark.parametrize("query", ["month=13", "year=2026&month=0", "organizer=abc", "kind=gala"])
def test_bad_event_filters(staff_client, happenings, query):
    response = staff_client.get(f"/ledgers/events/?{query}")
    assert response.status_code == 200
    assert response.context["filter"].errors
    assert table(response) == []


def test_events_export_writes_local_naive_datetimes(staff_client, happenings):
    rows = sheet_rows(staff_client.get("/ledgers/events/export.xlsx?year=2026&month=4"))
    lecture = dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert lecture["Date"] == datetime.datetime(2026, 4, 1, 0, 30)
    assert lecture["Venue"] == happenings["lecture"].venue  # in the export only
    assert lecture["Checked in (people)"] == 1


# --- Attendance -------------------------------------------------------------------------------


def people(response):
    return set(column(response, "Name"))


def test_attendance_lists_every_registration_without_phones(staff_client, happenings):
    response = staff_client.get("/ledgers/attendance/")
    assert response.status_code == 200
    assert people(response) == {"王经理", "赵经理", "取消者", "钱老板", "孙会计"}
    rows = {row[3]: row for row in table(response)}
    assert rows["王经理"] == [
        "5 Mar 2026 09:00", "企业家早餐会三月场", "Entrepreneurs' breakfast meeting", "王经理",
        happenings["came"].enterprise.name, "2", "Confirmed", "—", "—",
        rows["王经理"][9], "5 Mar 2026 08:50",
    ]  # fmt: skip
    assert rows["钱老板"][4] == "个体户" and rows["钱老板"][8] == "yes"
    html = response.content.decode()
    assert "13912345678" not in html and "13987654321" not in html
    assert 'id="total-people">4<' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("checked_in=1", {"王经理", "钱老板", "孙会计"}),
        ("checked_in=0", {"赵经理", "取消者"}),
        ("kind=lecture", {"孙会计"}),
        ("year=2026&month=4", {"孙会计"}),
        ("year=2026&month=3&checked_in=1", {"王经理", "钱老板"}),
        ("status=cancelled", {"取消者"}),
        ("year=2025", set()),
    ],
)
def test_attendance_filters(staff_client, happenings, query, expected):
    assert people(staff_client.get(f"/ledgers/attendance/?{query}")) == expected


def test_attendance_of_one_event(staff_client, happenings):
    event = happenings["lecture"]
    response = staff_client.get(f"/ledgers/attendance/?event={event.public_id}")
    assert people(response) == {"孙会计"}
    response = staff_client.get("/ledgers/attendance/?event=not-a-uuid")
    assert response.status_code == 200
    assert "event" in response.context["filter"].errors
    unknown = "/ledgers/attendance/?event=00000000-0000-4000-8000-000000000000"
    assert "event" in staff_client.get(unknown).context["filter"].errors


def test_attendance_export_holds_no_phone_numbers(staff_client, happenings):
    rows = sheet_rows(staff_client.get("/ledgers/attendance/export.xlsx?checked_in=1"))
    assert set(sheet_column(rows, "Name")) == {"王经理", "钱老板", "孙会计"}
    assert "Mobile phone" not in rows[0]
    flat = repr(rows)
    assert "13912345678" not in flat and "13987654321" not in flat
    walk_in = next(row for row in rows if row[3] == "钱老板")
    assert walk_in[rows[0].index("Walk-in")] == "yes"
    assert walk_in[rows[0].index("Checked in")] == datetime.datetime(2026, 3, 5, 9, 5)


# --- Donations --------------------------------------------------------------------------------


@pytest.fixture
def gifts(happenings, chamber, enterprise_a):
    charity = happenings["charity"]
    older = EventFactory(title="冬季送温暖", kind=Event.Kind.CHARITY, starts_at=at(2024, 1, 10, 9))
    return {
        "cash": Donation.objects.create(
            event=charity, enterprise=enterprise_a, cash_yuan=Decimal("10000"),
            received_on=D(2025, 7, 21),
        ),
        "both": Donation.objects.create(
            event=charity, organization=chamber, cash_yuan=Decimal("5000"),
            goods_value_yuan=Decimal("2500.50"), description="矿泉水200箱",
            received_on=D(2025, 7, 25),
        ),
        "old": Donation.objects.create(
            event=older, enterprise=EnterpriseFactory(name="八达岭旅游有限公司"),
            goods_value_yuan=Decimal("800"), received_on=D(2024, 1, 12),
        ),
        "older": older,
    }  # fmt: skip


def donors(response):
    return set(column(response, "Donor"))


def test_donations_show_money_goods_and_totals(staff_client, gifts, chamber, enterprise_a):
    response = staff_client.get("/ledgers/donations/?year=2025")
    assert response.status_code == 200
    assert table(response) == [
        ["25 Jul 2025", "汛期救灾募捐", "冰雪产业商会", "5,000.00", "2,500.50", "7,500.50",
         "矿泉水200箱"],
        ["21 Jul 2025", "汛期救灾募捐", enterprise_a.name, "10,000.00", "0.00", "10,000.00", "—"],
    ]  # fmt: skip
    html = response.content.decode()
    assert 'id="total-donations">2<' in html
    assert 'id="total-cash">15,000.00<' in html
    assert 'id="total-goods">2,500.50<' in html
    assert 'id="total-yuan">17,500.50<' in html
    assert "Money (yuan)" in html and "Value of goods (yuan)" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2024", {"八达岭旅游有限公司"}),
        ("enterprise=冰雪文旅", {"延庆冰雪文旅有限公司"}),
        ("enterprise=bdl", {"八达岭旅游有限公司"}),
        ("enterprise=%20", {"延庆冰雪文旅有限公司", "冰雪产业商会", "八达岭旅游有限公司"}),
    ],
)
def test_donation_filters(staff_client, gifts, query, expected):
    assert donors(staff_client.get(f"/ledgers/donations/?{query}")) == expected


def test_donations_by_campaign_and_chamber(staff_client, gifts, chamber):
    response = staff_client.get(f"/ledgers/donations/?event={gifts['older'].public_id}")
    assert donors(response) == {"八达岭旅游有限公司"}
    response = staff_client.get(f"/ledgers/donations/?organization={chamber.pk}")
    assert donors(response) == {"冰雪产业商会"}
    assert 'id="total-yuan">7,500.50<' in response.content.decode()


def test_bad_donation_filters(staff_client, gifts):
    response = staff_client.get("/ledgers/donations/?year=last&organization=0&event=x")
    assert response.status_code == 200
    assert set(response.context["filter"].errors) == {"year", "organization", "event"}
    assert "total-yuan" not in response.content.decode()


def test_donations_export_keeps_amounts_as_numbers(staff_client, gifts):
    rows = sheet_rows(staff_client.get("/ledgers/donations/export.xlsx?year=2025"))
    header = rows[0]
    assert header[3:6] == ("Money (yuan)", "Value of goods (yuan)", "Total (yuan)")
    assert [row[3:6] for row in rows[1:]] == [(5000, 2500.5, 7500.5), (10000, 0, 10000)]
    assert rows[1][0] == datetime.datetime(2025, 7, 25)


def event_options(response) -> list[str]:
    """The values the event `<select>` of the filter offers, "All" first."""
    return re.findall(r'<option value="([^"]*)"', select_html(response, "event"))


def select_html(response, name) -> str:
    html = response.content.decode()
    return re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)


def test_attendance_lists_the_events_of_the_month_chosen(staff_client, happenings):
    """Thousands of events at a municipal federation: the filter lists a month's (of the
    kind chosen), and the event chosen; any event can still be chosen by its link."""
    breakfast, lecture = happenings["breakfast"], happenings["lecture"]
    assert event_options(staff_client.get("/ledgers/attendance/")) == [""]
    assert "Choose a year and a month" in staff_client.get("/ledgers/attendance/").content.decode()
    march = staff_client.get("/ledgers/attendance/?year=2026&month=3")
    assert event_options(march) == ["", str(breakfast.public_id)]
    assert "企业家早餐会三月场" in select_html(march, "event")
    # Half an hour into April, Beijing time.
    april = staff_client.get("/ledgers/attendance/?year=2026&month=4")
    assert event_options(april) == ["", str(lecture.public_id)]
    lectures = staff_client.get("/ledgers/attendance/?year=2026&month=3&kind=lecture")
    assert event_options(lectures) == [""]
    chosen = staff_client.get(f"/ledgers/attendance/?year=2026&month=3&event={lecture.public_id}")
    assert event_options(chosen) == ["", str(lecture.public_id), str(breakfast.public_id)]
    assert f'value="{lecture.public_id}" selected' in select_html(chosen, "event")
    assert people(chosen) == set()  # March's registrations of April's lecture: none
    alone = staff_client.get(f"/ledgers/attendance/?event={lecture.public_id}")
    assert event_options(alone) == ["", str(lecture.public_id)]
    assert people(alone) == {"孙会计"}


def test_the_campaigns_listed_follow_the_events(staff_client, gifts, page_cache):
    """Every charity campaign is offered, from a list kept until an event changes."""
    campaigns = Event.objects.filter(kind=Event.Kind.CHARITY).order_by("-starts_at")
    expected = ["", *(str(event.public_id) for event in campaigns)]
    assert len(expected) == 3
    assert event_options(staff_client.get("/ledgers/donations/")) == expected
    assert "汛期救灾募捐" in select_html(staff_client.get("/ledgers/donations/"), "event")
    newer = EventFactory(
        title="新春助学募捐", kind=Event.Kind.CHARITY, starts_at=at(2026, 11, 1, 9)
    )
    EventFactory(title="不是募捐", kind=Event.Kind.LECTURE, starts_at=at(2026, 11, 2, 9))
    assert event_options(staff_client.get("/ledgers/donations/")) == [
        "", str(newer.public_id), *expected[1:]
    ]  # fmt: skip
    Event.objects.filter(pk=newer.pk).update(title="新春助学募捐行动")
    assert "新春助学募捐行动" in select_html(staff_client.get("/ledgers/donations/"), "event")

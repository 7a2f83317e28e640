"""Calendar, iCal, Excel, and a constant number of queries on the list pages."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from chambers.models import Organization
from events import services
from events.models import Event
from tests.conftest import client_for, empty_caches
from tests.events.factories import EventFactory, InvitationFactory, RegistrationFactory, at
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    """The queries of the page rendered in full (no part or count from the cache)."""
    empty_caches()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_month_grid_starts_on_monday_and_shows_events(client):
    event = EventFactory(
        audience="public",
        starts_at=datetime.datetime(2026, 12, 3, 7, 30, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 12, 4, 3, 0, tzinfo=datetime.UTC),
    )
    page = client.get("/events/calendar/2026/12/")
    weeks = page.context["weeks"]
    assert weeks[0][0].date == datetime.date(2026, 11, 30)  # a Monday
    days = {d.date: d.events for week in weeks for d in week}
    assert days[datetime.date(2026, 12, 3)] == [event]
    assert days[datetime.date(2026, 12, 4)] == [event]  # spans two days
    assert client.get("/events/calendar/2026/13/").status_code == 404


def test_calendar_hides_drafts_and_member_events_from_the_public(client, client_a):
    public = EventFactory(audience="public", title="公开论坛")
    members = EventFactory(audience="members", title="会员培训")
    EventFactory(status=Event.Status.DRAFT, audience="public", title="草稿活动")
    InvitationFactory(event__title="邀请制座谈会")
    anonymous = client.get("/events/").content.decode()
    assert public.title in anonymous and members.title not in anonymous
    assert "草稿活动" not in anonymous and "邀请制座谈会" not in anonymous
    member_page = client_a.get("/events/").content.decode()
    assert members.title in member_page and "邀请制座谈会" not in member_page


def test_ical_feed_has_published_public_and_member_events(client):
    public = EventFactory(audience="public", title="融资对接会", venue="延庆区政务服务中心")
    EventFactory(audience="members", title="会员培训")
    EventFactory(audience="invitation", title="早餐会")
    EventFactory(status=Event.Status.DRAFT, audience="public", title="草稿")
    response = client.get("/events/events.ics")
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    items = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(items) == {"融资对接会", "会员培训"}
    assert str(items["融资对接会"]["location"]) == "延庆区政务服务中心"
    assert str(public.public_id) in str(items["融资对接会"]["url"])


def test_excel_export_of_attendees(staff_client, staff):
    event = EventFactory(title="民企学堂")
    enterprise = EnterpriseFactory(name="延庆葡萄酒庄有限公司")
    r = RegistrationFactory(event=event, enterprise=enterprise, person_name="刘洋", seats=2)
    services.check_in(registration=r, actor=staff)
    RegistrationFactory(event=event, person_name="已取消", status="cancelled")
    response = staff_client.get(f"/events/{event.public_id}/attendees.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "民企学堂"
    assert rows[2][:4] == ("刘洋", "延庆葡萄酒庄有限公司", None, 2)
    assert len(rows) == 3  # the cancelled one is left out


def fill(n, **event_fields):
    """n events, each with a registration and an invitation, under one organiser."""
    chamber = Organization.objects.get_or_create(slug="ice", name="冰雪产业商会", kind="industry")[
        0
    ]
    for i in range(n):
        event = EventFactory(organizer=chamber, starts_at=at(days=5 + i % 20), **event_fields)
        RegistrationFactory(event=event)
        InvitationFactory(event=event)


def test_list_and_calendar_queries_do_not_grow(client_a):
    fill(5, audience="members")
    today = datetime.date.today()
    month = f"/events/calendar/{today.year}/{today.month}/"
    few = (count_queries(client_a, "/events/"), count_queries(client_a, month))
    fill(45, audience="members")
    assert (count_queries(client_a, "/events/"), count_queries(client_a, month)) == few


def test_event_page_queries_do_not_grow(client_a, staff):
    event = EventFactory(kind=Event.Kind.CHARITY, audience="members")
    enterprises = [EnterpriseFactory() for _ in range(50)]

    def add(k, start):
        for e in enterprises[start : start + k]:
            services.record_donation(
                event=event,
                actor=staff,
                enterprise=e,
                cash_yuan=1000,
                goods_value_yuan=0,
                received_on=event.starts_at.date(),
            )
            services.add_photo_caption(event=event, actor=staff, caption=f"照片{e.pk}")
            services.record_problem(event=event, actor=staff, enterprise=e, text="问题")

    add(5, 0)
    url = f"/events/{event.public_id}/"
    few = count_queries(client_a, url), count_queries(client_for(staff), url)
    add(45, 5)
    assert (count_queries(client_a, url), count_queries(client_for(staff), url)) == few


def test_staff_dashboard_queries_do_not_grow(staff_client, staff):
    event = EventFactory(capacity=200)

    def add(k):
        for _ in range(k):
            enterprise = EnterpriseFactory()
            r = RegistrationFactory(event=event, enterprise=enterprise)
            services.check_in(registration=r, actor=staff)
            inv = InvitationFactory(event=event, enterprise=enterprise, guest_name="")
            services.respond_to_invitation(invitation=inv, accept=True, attendees=2)

    add(5)
    urls = [
        f"/events/{event.public_id}/dashboard/",
        f"/events/{event.public_id}/dashboard/?part=responses",
        "/events/manage/",
        f"/events/{event.public_id}/checkin/?q=参会",
    ]
    few = [count_queries(staff_client, url) for url in urls]
    add(45)
    assert [count_queries(staff_client, url) for url in urls] == few


def test_my_events_queries_do_not_grow(client_a, user_a, staff):
    def add(k):
        for _ in range(k):
            event = EventFactory(capacity=5)
            services.register_for_event(event=event, actor=user_a)
            meeting = EventFactory(audience="invitation")
            services.invite(event=meeting, actor=staff, enterprises=[user_a.enterprise])

    add(5)
    few = count_queries(client_a, "/events/mine/")
    add(45)
    assert count_queries(client_a, "/events/mine/") == few


@pytest.mark.parametrize("starts_at", ["9999-12-31T09:00", "0001-01-01T09:00"])
def test_an_absurd_event_date_is_refused(staff_client, starts_at):
    data = {
        "kind": "lecture", "title": "民企学堂", "organizer": "", "venue": "三层会议室",
        "starts_at": starts_at, "ends_at": "9999-12-31T11:00", "audience": "members",
        "description": "",
    }  # fmt: skip
    response = staff_client.post("/events/new/", data)
    assert response.status_code == 200
    assert "请输入2000年1月1日至" in response.context["form"].errors["starts_at"][0]
    assert not Event.objects.exists()


def test_rows_show_their_choices_labels_in_the_readers_language(
    client_a, user_a, staff_client, staff
):
    """The lists translate each choice's label once a page: the labels are those of the row."""
    event = EventFactory(kind=Event.Kind.TRAINING, audience="members", capacity=5)
    services.register_for_event(event=event, actor=user_a)
    meeting = EventFactory(kind=Event.Kind.FORUM, audience="invitation")
    invitation = services.invite(event=meeting, actor=staff, enterprises=[user_a.enterprise])[0]
    services.respond_to_invitation(invitation=invitation, accept=True, attendees=2)

    listed = client_a.get("/events/").content.decode()
    assert "<td>培训</td>" in listed and "<td>面向会员</td>" in listed
    manage = staff_client.get("/events/manage/").content.decode()
    assert "<td>培训</td>" in manage and "<td>论坛</td>" in manage
    assert "<td>已发布</td>" in manage
    mine = client_a.get("/events/mine/").content.decode()
    assert " · 已确认" in mine and " · 已接受" in mine
    dashboard = staff_client.get(f"/events/{event.public_id}/dashboard/").content.decode()
    assert "<td>已确认</td>" in dashboard
    responses = staff_client.get(f"/events/{meeting.public_id}/dashboard/?part=responses")
    assert '<td class="response">已接受</td>' in responses.content.decode()

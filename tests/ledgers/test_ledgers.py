"""What every ledger does alike: the index, constant queries, no personal numbers, the export."""

import datetime
import io
import itertools
import re
import uuid
from decimal import Decimal

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import timezone
from openpyxl import load_workbook

from chambers.models import DutyLogEntry, DutyMonth, Secondment
from events.models import Donation, Event
from members.models import PublicPost, RepresentativePerson, RepresentativeTag, TrainingRecord
from petitions.models import Suggestion
from reports.ledgers.registry import LEDGERS, enterprise_url
from services import services as service_records
from services.models import ServiceField
from tests.chambers.factories import (
    AffiliationFactory,
    FourGoodEvaluationFactory,
    OrganizationFactory,
    PostFactory,
    TermFactory,
)
from tests.conftest import empty_caches
from tests.events.factories import EventFactory, InvitationFactory, RegistrationFactory
from tests.factories import EnterpriseFactory, UserFactory
from tests.ledgers.conftest import sheet_rows, table
from tests.visits.factories import DoneVisitFactory, FindingFactory

pytestmark = pytest.mark.django_db

MOBILE = re.compile(r"(?<![0-9A-Z])1[3-9]\d{9}(?![0-9A-Z])")
LANDLINE = re.compile(r"010-?\d{8}")
# A resident ID number: address code, a birth date, sequence and check character (GB 11643).
ID_NUMBER = re.compile(r"(?<![0-9A-Z])\d{6}(19|20)\d\d(0[1-9]|1[0-2])[0-3]\d\d{3}[\dX](?![0-9A-Z])")


def test_index_lists_every_ledger_and_the_petition_ledger(staff_client):
    response = staff_client.get("/ledgers/")
    assert response.status_code == 200
    html = response.content.decode()
    for name, ledger in LEDGERS.items():
        assert f'href="/ledgers/{name}/"' in html
        assert f'href="/ledgers/{name}/export.xlsx"' in html
        assert str(ledger.title) in html
    assert 'href="/petitions/ledger/"' in html


def test_an_unknown_ledger_is_not_found(staff_client):
    assert staff_client.get("/ledgers/nothing/").status_code == 404


def test_every_page_and_export_answers_without_data(staff_client):
    for name in LEDGERS:
        response = staff_client.get(f"/ledgers/{name}/")
        assert response.status_code == 200, name
        assert str(LEDGERS[name].empty) in response.content.decode()
        rows = sheet_rows(staff_client.get(f"/ledgers/{name}/export.xlsx"))
        assert rows == [tuple(str(c.label) for c in LEDGERS[name].columns)], name


def test_an_export_with_a_bad_filter_sends_back_to_the_page(staff_client):
    response = staff_client.get("/ledgers/events/export.xlsx?year=abc&kind=lecture")
    assert response.status_code == 302
    assert response["Location"] == "/ledgers/events/?year=abc&kind=lecture"
    page = staff_client.get(response["Location"])
    html = page.content.decode()
    assert "Correct the filters, then export again." in html
    assert "Enter a whole number." in html


def test_the_export_link_carries_the_filters(staff_client):
    response = staff_client.get("/ledgers/members/?industry=C&year=2024&page=2")
    html = response.content.decode()
    assert 'href="/ledgers/members/export.xlsx?industry=C&amp;year=2024"' in html


def test_the_export_has_a_frozen_bold_header(staff_client, enterprise_a):
    response = staff_client.get("/ledgers/members/export.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    assert sheet.title == "Member enterprises"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "Member number" and sheet["A1"].font.b
    assert sheet["B2"].value == enterprise_a.name


def test_pages_use_the_languages_date_formats(staff_client):
    EventFactory(
        title="民企学堂",
        starts_at=timezone.make_aware(datetime.datetime(2026, 3, 5, 9, 0)),
        status=Event.Status.FINISHED,
    )
    english = table(staff_client.get("/ledgers/events/"))[0][0]
    chinese = table(staff_client.get("/ledgers/events/", HTTP_ACCEPT_LANGUAGE="zh-hans"))[0][0]
    assert english == "5 Mar 2026 09:00"
    assert chinese == "2026年3月5日 09:00"


# --- Rows of every ledger, with what each one counts and lists ---------------------------------

months = itertools.count()


def make_members(n):
    EnterpriseFactory.create_batch(n, contact_phone="010-69101234")


def make_party(n):
    EnterpriseFactory.create_batch(n, party_organisation="own", party_members=3)


def make_representatives(n):
    tag, _ = RepresentativeTag.objects.get_or_create(name="青年一代")
    for _ in range(n):
        person = RepresentativePerson.objects.create(
            name="代表", gender="m", enterprise=EnterpriseFactory(), mobile="13811112222"
        )
        person.tags.add(tag)
        PublicPost.objects.create(person=person, kind="npc", level="district")
        PublicPost.objects.create(person=person, kind="cppcc", level="municipal")
        TrainingRecord.objects.create(person=person, name="培训", attended_on=datetime.date.today())


def make_chambers(n):
    for _ in range(n):
        chamber = OrganizationFactory()
        AffiliationFactory(organization=chamber)
        PostFactory(term=TermFactory(organization=chamber))
        FourGoodEvaluationFactory(organization=chamber)


def make_evaluations(n):
    FourGoodEvaluationFactory.create_batch(n)


def make_events(n):
    for _ in range(n):
        event = EventFactory(organizer=OrganizationFactory())
        InvitationFactory(event=event)
        RegistrationFactory(
            event=event, enterprise=EnterpriseFactory(), mobile="13912345678",
            checked_in_at=timezone.now(),
        )  # fmt: skip


def make_attendance(n):
    RegistrationFactory.create_batch(n, enterprise=EnterpriseFactory(), mobile="13912345678")


def make_donations(n):
    campaign = EventFactory(kind=Event.Kind.CHARITY)
    for _ in range(n):
        Donation.objects.create(
            event=campaign, enterprise=EnterpriseFactory(), cash_yuan=Decimal("100"),
            received_on=datetime.date.today(),
        )  # fmt: skip


def make_suggestions(n):
    for _ in range(n):
        Suggestion.objects.create(
            kind="report",
            title="建议",
            text="……",
            author=UserFactory(),
            enterprise=EnterpriseFactory(),
        )


def make_duty(n):
    for _ in range(n):
        number = next(months)
        chair = PostFactory()
        month = DutyMonth.objects.create(
            month=datetime.date(2000 + number // 12, number % 12 + 1, 1),
            chair=chair.holder,
            post=chair,
        )
        Secondment.objects.create(
            duty_month=month, person_name="小刘", starts_on=month.month, ends_on=month.month
        )
        DutyLogEntry.objects.create(
            duty_month=month, author=chair.holder, day=month.month, kind="office", text="值班"
        )


def make_visits(n):
    for _ in range(n):
        visit = DoneVisitFactory(
            enterprises=[EnterpriseFactory(), EnterpriseFactory()],
            organizations=[OrganizationFactory()],
            visitors=[UserFactory()],
            other_visitors="钱副主席",
        )
        FindingFactory(visit=visit, enterprise=EnterpriseFactory())


def make_services(n):
    staff = UserFactory(is_staff=True)
    finance = ServiceField.objects.get(code="finance")
    for _ in range(n):
        service_records.record_service(
            actor=staff, enterprises=[EnterpriseFactory(), EnterpriseFactory()], field=finance,
            what="银企对接", given_on=datetime.date.today(), staff_member=staff,
            loan_yuan=Decimal("1000000"), bank="延庆农商银行",
        )  # fmt: skip


MAKERS = {
    "members": make_members,
    "party": make_party,
    "representatives": make_representatives,
    "chambers": make_chambers,
    "evaluations": make_evaluations,
    "events": make_events,
    "attendance": make_attendance,
    "donations": make_donations,
    "suggestions": make_suggestions,
    "duty": make_duty,
    "visits": make_visits,
    "services": make_services,
}


def test_every_ledger_has_a_maker():
    assert set(MAKERS) == set(LEDGERS)


@pytest.mark.parametrize("name", list(MAKERS))
def test_a_page_costs_the_same_queries_for_3_and_30_rows(
    staff_client, name, django_assert_num_queries, django_assert_max_num_queries
):
    make = MAKERS[name]
    make(3)
    url = f"/ledgers/{name}/"
    empty_caches()  # both measured in full: no part or count from the cache
    with django_assert_max_num_queries(15) as few:
        assert len(table(staff_client.get(url))) == 3
    make(27)
    empty_caches()
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(table(staff_client.get(url))) == 30


@pytest.mark.parametrize("name", list(MAKERS))
def test_no_phone_or_id_number_in_any_page_or_export(staff_client, name):
    MAKERS[name](2)
    phones = ("13800138000", "13900139000", "13811112222", "13912345678", "010-69101234")
    html = staff_client.get(f"/ledgers/{name}/").content.decode()
    assert not any(phone in html for phone in phones)
    rows = sheet_rows(staff_client.get(f"/ledgers/{name}/export.xlsx"))
    assert len(rows) == 3
    for row in rows:
        for label, value in zip(rows[0], row, strict=True):
            text = "" if value is None else str(value)
            assert not MOBILE.search(text), (name, text)
            assert not LANDLINE.search(text), (name, text)
            if label != "Credit code":  # 18 characters too, digits mostly
                assert not ID_NUMBER.search(text), (name, text)


def test_an_absurd_filter_date_is_reported_not_searched(staff_client):
    response = staff_client.get("/ledgers/members/?member_on=9999-12-31")
    assert response.status_code == 200
    assert "The date cannot be later than today" in response.content.decode()


def test_row_links_are_each_rows_own_under_any_script_prefix():
    """Reversed once with a stand-in id, then given each row's: the same URL as a reverse."""
    link, rows = enterprise_url(), [{"public_id": uuid.uuid4()} for _ in range(2)]
    for row in rows:
        assert link(row) == reverse("members:enterprise_detail", args=[row["public_id"]])
    assert link({"public_id": None}) is None
    before = get_script_prefix()
    set_script_prefix("/portal/")
    try:
        assert link(rows[0]) == f"/portal/members/{rows[0]['public_id']}/"
    finally:
        set_script_prefix(before)

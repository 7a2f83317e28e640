"""Every Excel export writes user text as text, dates as dates and numbers as numbers.

Hostile text (what a spreadsheet would run as a formula) is written through each export the
portal has — the member directory, the petition ledger, the duty roster, an event's
attendees, every staff ledger, the yearly report and the admin's — and every cell is read
back: no formula anywhere, the hostile text exactly as it was typed (marked as text), dates
as date cells, numbers as numbers, and the sheet and the file named in the reader's language.
"""

import datetime
import io
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chambers.models import DutyLogEntry, DutyMonth, Post, Secondment, Term
from core.models import Job
from events import services as event_services
from events.models import Donation, Event, Invitation
from members.choices import PartyOrganisation
from members.models import Enterprise, PublicPost, RepresentativePerson, RepresentativeTag
from petitions import services as petition_services
from petitions.models import Department, Petition, Suggestion
from reports.ledgers.registry import LEDGERS
from reports.services import keep_report_figures
from services import services as service_records
from services.models import ServiceField
from tests.chambers.factories import (
    AffiliationFactory,
    FourGoodEvaluationFactory,
    OrganizationFactory,
    PostFactory,
)
from tests.conftest import TZ, client_for
from tests.core.jobs import post_for_job
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import EnterpriseFactory, UserFactory
from visits import services as visit_services

HYPERLINK = '=HYPERLINK("http://evil.example","点此")'
HOSTILE = [HYPERLINK, "=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]
# A carriage return is kept as the line break a cell holds (XML reads a bare CR as one).
READ_BACK = {"\r=1": "\n=1"}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def back(text: str) -> str:
    return READ_BACK.get(text, text)


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def hostile(staff, user_a, enterprise_a):
    """Records whose every typed text is something a spreadsheet would run."""
    now = timezone.now()
    Enterprise.objects.filter(pk=enterprise_a.pk).update(
        name=HYPERLINK, legal_representative="=1+1", address="@SUM(A1)", contact_name="+1",
        party_organisation=PartyOrganisation.OWN_BRANCH, party_members=7,
        party_instructor="-1", employees=120, registered_capital=Decimal("500.50"),
        founded_on=datetime.date(2010, 5, 1),
    )  # fmt: skip
    enterprise_a.refresh_from_db()
    # The petition ledger.
    petition = petition_services.file_petition(
        actor=user_a, enterprise=enterprise_a, category="financing", title="=1+1",
        description="-1", now=now,
    )  # fmt: skip
    Petition.objects.filter(pk=petition.pk).update(
        department=Department.objects.create(name="\t=1", code="hostile"),
        department_reference="+1",
    )
    # An event with its attendees: a registration and a walk-in.
    event = EventFactory(
        title="@SUM(A1)", kind=Event.Kind.CHARITY, starts_at=now - datetime.timedelta(hours=2)
    )
    Invitation.objects.create(event=event, guest_name="-1")
    RegistrationFactory(event=event, enterprise=enterprise_a, person_name="+1", seats=3)
    walk_in = RegistrationFactory(
        event=event, person_name="=1+1", organisation_name="\r=1", walk_in=True
    )
    event_services.check_in(registration=walk_in, actor=staff)
    chamber = OrganizationFactory(name="+1")
    Donation.objects.create(
        event=event, organization=chamber, cash_yuan=Decimal("5000"),
        goods_value_yuan=Decimal("2500.50"), description="\t=1", received_on=now.date(),
    )  # fmt: skip
    # Chambers, their evaluations, representative figures.
    AffiliationFactory(organization=chamber, enterprise=enterprise_a)
    FourGoodEvaluationFactory(organization=chamber, year=now.year, level="district", awarded=True)
    person = RepresentativePerson.objects.create(
        name="=1+1", gender="m", enterprise=enterprise_a, position="@SUM(A1)"
    )
    person.tags.add(RepresentativeTag.objects.create(name="-1"))
    PublicPost.objects.create(person=person, kind="npc", level="district", title="+1")
    # Suggestions.
    Suggestion.objects.create(
        kind="suggestion", title="\r=1", text="=1+1", author=user_a, enterprise=enterprise_a,
        adopted_by="@SUM(A1)",
    )  # fmt: skip
    # The duty roster.
    federation = OrganizationFactory(name="=1+1", slug="fed", kind="federation")
    month_start = now.date().replace(day=1)
    chair = PostFactory(
        # Not TermFactory: its numbering is shared with suites that pick a number themselves.
        term=Term.objects.create(organization=federation, number=1, starts_on=month_start),
        holder=UserFactory(real_name="+1"),
        position=Post.Position.CHAIR,
    )
    month = DutyMonth.objects.create(
        month=month_start, chair=chair.holder, post=chair,
        status=DutyMonth.Status.COMPLETED, summary=HYPERLINK, summary_written_at=now,
    )  # fmt: skip
    Secondment.objects.create(
        duty_month=month, person_name="-1", starts_on=month.month, ends_on=month.month
    )
    DutyLogEntry.objects.create(
        duty_month=month, author=chair.holder, day=month.month, kind="office", text="=1+1"
    )
    # A visit and the problem found on it.
    visit = visit_services.plan_visit(
        actor=staff, planned_on=now.date(), enterprises=[enterprise_a], organizations=[chamber],
        other_visitors="@SUM(A1)", purpose="=1+1",
    )  # fmt: skip
    visit_services.record_visit(actor=staff, visit=visit, done_on=now.date(), met="=1+1")
    visit_services.add_finding(actor=staff, visit=visit, enterprise=enterprise_a, text="-1")
    # A service to members.
    service_records.record_service(
        actor=staff, enterprises=[enterprise_a], field=ServiceField.objects.get(code="finance"),
        what="=1+1", given_on=now.date(), organization=chamber, loan_yuan=Decimal("1000000"),
        outcome="\t=1",
    )  # fmt: skip
    keep_report_figures(year=timezone.localdate().year)  # as beat does: the report reads them
    return {"event": event}


def exports(event) -> dict[str, str]:
    """Every export URL the portal has, by a name for the test."""
    urls = {
        "members": reverse("members:export") + "?private=1",
        "petitions": reverse("petitions:ledger_export"),
        "roster": reverse("roster:export"),
        "attendees": f"/events/{event.public_id}/attendees.xlsx",
        "report": f"/dashboard/report/export.xlsx?year={timezone.localdate().year}",
    }
    for name in LEDGERS:
        urls[f"ledger:{name}"] = reverse(f"ledgers:{name}_export")
    return urls


# Hostile texts that each export must show, read back exactly.
SHOWN = {
    "members": {HYPERLINK, "=1+1", "@SUM(A1)", "+1", "-1"},
    "petitions": {"=1+1", HYPERLINK, "\t=1", "+1"},
    "roster": {"+1", HYPERLINK},
    "attendees": {"@SUM(A1)", "+1", "=1+1", "\r=1", HYPERLINK},
    "ledger:members": {HYPERLINK},
    "ledger:party": {HYPERLINK, "-1"},
    "ledger:representatives": {"=1+1", "@SUM(A1)", HYPERLINK},
    "ledger:chambers": {"+1"},
    "ledger:evaluations": {"+1"},
    "ledger:events": {"@SUM(A1)"},
    "ledger:attendance": {"@SUM(A1)", "+1", "=1+1", HYPERLINK, "\r=1"},
    "ledger:donations": {"+1", "\t=1", "@SUM(A1)"},
    "ledger:suggestions": {"\r=1", HYPERLINK},
    "ledger:duty": {"+1", "-1"},
    "ledger:visits": {HYPERLINK, "+1", "=1+1", "-1"},
    "ledger:services": {"=1+1", HYPERLINK, "+1", "\t=1"},
}

# A column of dates and one of numbers in each export, by its header (None: the export has
# no such column).
TYPED = {
    "members": ("date founded", "employees"),
    "petitions": ("Filed", "Times reopened"),
    "roster": ("Month", "Log entries"),
    "attendees": ("Checked in", "People"),
    "ledger:members": ("Date joined", None),
    "ledger:party": (None, "Party members"),
    "ledger:representatives": (None, "Trainings attended"),
    "ledger:chambers": (None, "Members"),
    "ledger:events": ("Date", "Invited"),
    "ledger:attendance": ("Checked in", "People"),
    "ledger:donations": ("Received", "Money (yuan)"),
    "ledger:suggestions": ("Submitted", "Points"),
    "ledger:duty": ("Month", "Duty-log entries"),
    "ledger:visits": ("Date", "Problems found"),
    "ledger:services": ("Date", "Loan amount (yuan)"),
}


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return response, load_workbook(io.BytesIO(response.getvalue()))


def cells(book):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_every_export_is_covered(hostile):
    assert set(exports(hostile["event"])) == set(SHOWN) | {"report"}


def test_no_export_holds_a_formula_and_hostile_text_reads_back_as_typed(staff, hostile):
    client = client_for(staff)
    for name, url in exports(hostile["event"]).items():
        _response, book = download(client, url)
        texts = set()
        for cell in cells(book):
            assert cell.data_type != "f", (name, cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                texts.add(cell.value)
                if cell.value.startswith(TRIGGERS):
                    # Marked as text: Excel keeps it text even when the cell is edited.
                    assert cell.data_type == "s" and cell.quotePrefix, (name, cell.value)
                assert not re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", cell.value), (name, cell.value)
        expected = {back(text) for text in SHOWN.get(name, ())}
        assert expected <= texts, (name, expected - texts)


@pytest.mark.parametrize("name", sorted(TYPED))
def test_dates_are_dates_and_numbers_are_numbers(staff, hostile, name):
    _response, book = download(client_for(staff), exports(hostile["event"])[name])
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    date_label, number_label = TYPED[name]
    header_at = next(i for i, row in enumerate(rows) if (date_label or number_label) in row)
    header = rows[header_at]
    body = [row for row in rows[header_at + 1 :] if any(v is not None for v in row)]
    assert body, name
    if date_label:
        dates = [row[header.index(date_label)] for row in body]
        assert any(isinstance(value, datetime.datetime) for value in dates), (name, dates)
        assert all(isinstance(v, datetime.datetime) for v in dates if v is not None), dates
        assert all(v.microsecond == 0 for v in dates if v is not None)
    if number_label:
        numbers = [row[header.index(number_label)] for row in body]
        assert all(isinstance(v, int | float) for v in numbers if v is not None), (name, numbers)
        assert any(v is not None for v in numbers), name


def test_date_times_are_local_time(staff, hostile):
    _response, book = download(client_for(staff), exports(hostile["event"])["attendees"])
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    event = hostile["event"]
    assert rows[0][0] == "@SUM(A1)"
    assert rows[0][1] == timezone.localtime(event.starts_at, TZ).replace(tzinfo=None, microsecond=0)


def test_the_report_writes_its_figures_as_numbers(staff, hostile):
    url = exports(hostile["event"])["report"]
    _response, book = download(client_for(staff), url)
    figures = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row}
    assert figures["Events held"] == 1
    growth = list(book.worksheets[1].iter_rows(values_only=True))
    # Number cells holding whole numbers (Excel keeps every number as a double; the writer
    # spells 3 as 3.0, which openpyxl reads as a float).
    assert growth[-1] and all(
        isinstance(value, int | float) and value == int(value) for value in growth[-1]
    )


def filename(response) -> str:
    """The download's name, from RFC 5987's filename* when there is one."""
    header = response["Content-Disposition"]
    starred = re.search(r"filename\*=utf-8''([^;]+)", header)
    if starred:
        return unquote(starred.group(1))
    return re.search(r'filename="([^"]+)"', header).group(1)


# The file's name (before the date) and the first sheet's name, in English and in Chinese.
NAMES = {
    "members": (("Member directory", "Member directory"), ("会员名录", "会员名录")),
    "petitions": (("Petition ledger", "Petition ledger"), ("诉求台账", "诉求台账")),
    "roster": (("Duty roster", "Duty roster"), ("轮值排班", "轮值排班")),
    "attendees": (("Attendees of @SUM(A1)", "Attendees"), ("@SUM(A1)参加人员", "参加人员")),
    "report": (("{year} work report", "Report {year}"), ("{year}年度工作报告", "{year}年报告")),
    "ledger:members": (("Member enterprises", "Member enterprises"), ("会员企业台账",) * 2),
    "ledger:duty": (("Duty months", "Duty months"), ("轮值台账", "轮值台账")),
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("name", sorted(NAMES))
def test_sheets_and_files_are_named_in_the_readers_language(staff, hostile, name, language):
    client = client_for(staff)
    client.cookies["django_language"] = language
    response, book = download(client, exports(hostile["event"])[name])
    year = timezone.localdate().year
    file_name, sheet_name = NAMES[name][language == "zh-hans"]
    today = timezone.localdate()
    assert filename(response) == f"{file_name.format(year=year)}-{today:%Y-%m-%d}.xlsx"
    assert book.worksheets[0].title == sheet_name.format(year=year)


def test_every_ledger_is_named_after_its_title(staff, hostile):
    client = client_for(staff)
    client.cookies["django_language"] = "zh-hans"
    for name in LEDGERS:
        response, book = download(client, reverse(f"ledgers:{name}_export"))
        assert filename(response).endswith("台账-" + f"{timezone.localdate():%Y-%m-%d}.xlsx")
        assert book.worksheets[0].title.endswith("台账")


def test_a_neutralised_value_imports_back_as_the_original_text(staff, hostile, enterprise_a):
    client = client_for(staff)
    exported = client.get(reverse("members:export"), {"private": "1"}).getvalue()
    Enterprise.objects.filter(pk=enterprise_a.pk).update(name="改过的名称", address="改过的地址")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("roster.xlsx", exported)
    job = post_for_job(client, reverse("members:import"), {"file": upload, "dry_run": ""})
    assert job.state == "done" and job.result["problems"] == []
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == HYPERLINK
    assert enterprise_a.address == "@SUM(A1)"
    assert enterprise_a.legal_representative == "=1+1"
    assert enterprise_a.founded_on == datetime.date(2010, 5, 1)
    assert enterprise_a.registered_capital == Decimal("500.50")


def test_the_admin_export_goes_through_the_same_writer(admin_client, hostile, enterprise_a):
    """The selection (not the rest of the list), in Excel only: the list offers no other
    export format."""
    unselected = EnterpriseFactory(name="未选中的企业")
    url = reverse("admin:members_enterprise_changelist")
    actions = admin_client.get(url).context["action_form"].fields["action"].choices
    assert [name for name, _label in actions if "export" in name] == ["export_to_excel"]
    response = admin_client.post(
        url, {"action": "export_to_excel", ACTION_CHECKBOX_NAME: [enterprise_a.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = set()
    for cell in cells(book):
        assert cell.data_type != "f"
        values.add(cell.value)
    assert HYPERLINK in values
    assert unselected.name not in values
    assert datetime.datetime(2010, 5, 1) in values  # the founding date, a date cell
    assert 120 in values  # employees, a number
    assert "13800138000" not in values  # phone numbers left out


@pytest.mark.parametrize("select_across", ["0", "1"])
def test_a_large_admin_selection_is_exported_by_a_job(
    admin_client, superuser, settings, select_across
):
    """Over EXPORT_IMMEDIATE_ROWS the export is a job; it finds the selection again from the
    list's query (here a filter) and the ids ticked, or every row of the filtered list."""
    settings.EXPORT_IMMEDIATE_ROWS = 2
    chosen = EnterpriseFactory.create_batch(3, industry="C")
    EnterpriseFactory(industry="C", name="另一家制造企业")  # in the list, not ticked
    EnterpriseFactory(industry="A", name="不在筛选中的企业")
    expected = [e.name for e in chosen]
    if select_across == "1":
        expected.append("另一家制造企业")
    url = reverse("admin:members_enterprise_changelist") + "?industry__exact=C"
    data = {
        "action": "export_to_excel",
        ACTION_CHECKBOX_NAME: [e.pk for e in chosen],
        "select_across": select_across,
    }
    job = post_for_job(admin_client, url, data)
    assert job.kind == "members_admin_export" and job.owner == superuser
    assert job.state == Job.State.DONE, job.error
    assert (job.done, job.total) == (len(expected), len(expected))
    download = admin_client.get(reverse("jobs:download", args=[job.public_id]))
    sheet = load_workbook(io.BytesIO(download.getvalue())).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == sorted(expected)

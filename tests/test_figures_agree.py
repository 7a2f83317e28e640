"""One definition of each figure, the same number on every page that shows it.

Members: the enterprises on the roll on the day (joined by then and not withdrawn; a suspended
member is still on the roll). Overdue: petitions still handled with the clock running, past
their reply deadline, whenever they were filed. Each page says in words what it counts.
"""

import datetime
import re

import pytest
import time_machine

from events import services as event_services
from events.models import Event, Invitation
from members.models import Enterprise
from petitions import services
from reports.services import keep_report_figures
from tests.conftest import at, client_for
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = at(2026, 6, 15, 10, 0)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _cached(page_cache):
    """As in production: counts and page parts from the shared cache."""


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def roll(clock, enterprise_a, enterprise_b):
    """Enterprises in every status and at every edge of the roll: four on it today."""
    days = datetime.timedelta
    on_roll = [
        enterprise_a,
        enterprise_b,
        EnterpriseFactory(name="停会企业", status=Enterprise.Status.SUSPENDED),
        EnterpriseFactory(name="今日入会企业", joined_on=TODAY),
    ]
    EnterpriseFactory(
        name="已退会企业", status=Enterprise.Status.WITHDRAWN, left_on=TODAY - days(30)
    )
    EnterpriseFactory(name="今日退会企业", status=Enterprise.Status.WITHDRAWN, left_on=TODAY)
    EnterpriseFactory(name="明日入会企业", joined_on=TODAY + days(1))
    return on_roll


def client_in_english(user):
    client = client_for(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def petitions(roll, staff, user_a):
    """Petitions in every state; three overdue, one of them filed last year."""

    def file(when, **fields):
        return services.file_petition(
            actor=user_a,
            enterprise=user_a.enterprise,
            category="financing",
            title="融资难",
            description="贷款续贷困难。",
            now=when,
            **fields,
        )

    overdue_last_year = file(at(2025, 11, 3, 9))
    overdue_submitted = file(at(2026, 5, 4, 9))
    overdue_accepted = file(at(2026, 5, 6, 9))
    services.accept_petition(
        petition=overdue_accepted, actor=staff, expected_version=1, now=at(2026, 5, 6, 10)
    )
    waiting = file(at(2026, 5, 7, 9))  # the clock stopped: not overdue
    services.accept_petition(
        petition=waiting, actor=staff, expected_version=1, now=at(2026, 5, 7, 10)
    )
    services.request_information(
        petition=waiting,
        actor=staff,
        expected_version=2,
        question="补充材料",
        now=at(2026, 5, 7, 10),
    )
    replied = file(at(2026, 5, 8, 9))  # answered: not overdue
    services.accept_petition(
        petition=replied, actor=staff, expected_version=1, now=at(2026, 5, 8, 10)
    )
    services.dispatch_petition(
        petition=replied, actor=staff, expected_version=2, handler=staff, now=at(2026, 5, 8, 11)
    )
    services.reply_petition(
        petition=replied, actor=staff, expected_version=3, text="已协调", now=at(2026, 5, 8, 12)
    )
    declined = file(at(2026, 5, 11, 9))
    services.decline_petition(
        petition=declined, actor=staff, expected_version=1, reason="重复", now=at(2026, 5, 11, 10)
    )
    fresh = file(at(2026, 6, 15, 9))  # still within its limits
    return {
        "overdue": [overdue_last_year, overdue_submitted, overdue_accepted],
        "not_overdue": [waiting, replied, declined, fresh],
    }


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def number(pattern: str, page: str) -> int:
    match = re.search(pattern, page, re.S)
    assert match, pattern
    return int(match.group(1).replace(",", ""))


def test_every_page_counts_the_same_members(roll, staff, user_a, federation):
    staff_client, member = client_in_english(staff), client_in_english(user_a)
    expected = len(roll)
    home = staff_client.get("/").content.decode()
    structure = member.get("/chambers/structure/").content.decode()
    chambers = member.get("/chambers/").content.decode()
    dashboard = staff_client.get("/dashboard/").content.decode()
    keep_report_figures(year=TODAY.year)
    report = staff_client.get("/dashboard/report/")
    directory = staff_client.get("/members/")
    ledger = staff_client.get("/ledgers/members/", {"member_on": TODAY.isoformat()})

    assert number(r'id="member-count">\s*(\d+) member enterprises', home) == expected
    assert number(r'id="count-enterprises">(\d+)<', structure) == expected
    assert number(r'id="kind-federation".*?class="member-count">(\d+)<', chambers) == expected
    assert number(r'id="figure-members">(\d+)<', dashboard) == expected
    members = next(s for s in report.context["report"].sections if s.key == "members")
    today_item = next(i for i in members.items if i.label == "Members on the roll today")
    assert today_item.value == expected
    assert report.context["report"].growth_rows[-1][:2] == (2026, expected)
    assert number(r'id="result-count">(\d+) enterprises', directory.content.decode()) == expected
    assert ledger.context["page"].paginator.count == expected
    party = staff_client.get("/ledgers/party/").content.decode()
    assert number(r'id="total-enterprises">(\d+)<', party) == expected

    # Each page says what it counts.
    assert "on the roll today (suspended members included)" in text_of(staff_client.get("/"))
    assert "on the roll today, suspended members included" in text_of(directory)
    assert "on the roll today, suspended members included" in structure
    assert "suspended members included" in chambers
    assert "on the roll on 15 Jun 2026, suspended members included" in dashboard


def test_the_chamber_counts_follow_the_roll(roll, user_a):
    from chambers.models import Affiliation, Organization

    chamber = Organization.objects.create(slug="ice", name="冰雪产业商会", kind="industry")
    for enterprise in Enterprise.objects.all():
        Affiliation.objects.create(organization=chamber, enterprise=enterprise)
    page = client_in_english(user_a).get("/chambers/").content.decode()
    assert number(r'id="kind-industry".*?class="member-count">(\d+)<', page) == len(roll)


def test_the_directory_shows_other_statuses_under_a_filter_and_says_so(roll, staff):
    client = client_in_english(staff)
    every = client.get("/members/", {"status": "all"})
    assert number(r'id="result-count">(\d+) enterprises', every.content.decode()) == 7
    assert "every membership status" in text_of(every)
    withdrawn = client.get("/members/", {"status": "withdrawn"})
    assert number(r'id="result-count">(\d+) enterprises', withdrawn.content.decode()) == 2
    assert "membership status: Withdrawn" in text_of(withdrawn)


def test_members_see_the_members_in_good_standing_and_are_told_so(roll, user_a):
    response = client_in_english(user_a).get("/members/")
    # Suspended members are on the roll but not listed to other members.
    assert number(r'id="result-count">(\d+) enterprises', response.content.decode()) == 3
    assert "member enterprises in good standing" in text_of(response)


def test_every_page_counts_the_same_overdue_petitions(petitions, staff):
    client = client_in_english(staff)
    expected = len(petitions["overdue"])
    queues = {q.key: q.count for q in client.get("/").context["queues"]}
    metrics = client.get("/petitions/metrics/", {"year": 2026}).content.decode()
    ledger = client.get("/petitions/ledger/", {"overdue": "on"})

    assert queues["petitions_overdue"] == expected
    assert number(r'id="overdue-count">(\d+)<', metrics) == expected
    shown = {row["tracking_number"] for row in ledger.context["page"].rows}
    assert shown == {p.tracking_number for p in petitions["overdue"]}
    # The year's tables count those filed in the year, and say so.
    assert number(r'id="overdue-in-year">(\d+)<', metrics) == expected - 1
    assert "Overdue now, all years" in metrics
    keep_report_figures(year=2026)
    report = client.get("/dashboard/report/", {"year": 2026}).context["report"]
    item = next(
        i
        for s in report.sections
        for i in s.items
        if i.label == "Filed in the year and still open past the reply deadline"
    )
    assert item.value == expected - 1
    for petition in petitions["overdue"]:
        petition.refresh_from_db()
        assert petition.is_overdue()
    for petition in petitions["not_overdue"]:
        petition.refresh_from_db()
        assert not petition.is_overdue()


def test_the_events_list_counts_confirmed_registrations_once(staff, enterprise_a):
    """Two joined relations counted together multiplied each other: 4 × 15 = 60."""
    event = EventFactory(kind=Event.Kind.BREAKFAST, audience=Event.Audience.INVITATION)
    for n in range(15):
        Invitation.objects.create(event=event, guest_name=f"来宾{n}")
    for _n in range(4):
        RegistrationFactory(event=event)
    RegistrationFactory(event=event, status="cancelled")
    page = client_in_english(staff).get("/events/manage/")
    row = next(e for e in page.context["page"] if e.pk == event.pk)
    assert (row.confirmed, row.invited) == (4, 15)
    html = page.content.decode()
    assert re.search(r'<td class="text-end">4</td><td class="text-end">15</td>', html)


def test_duty_months_count_entries_and_secondees_once(staff):
    from chambers.models import DutyLogEntry, DutyMonth, Secondment
    from reports.dashboard import figures

    chair = UserFactory(email="chair@ylqgsl.test")
    month = DutyMonth.objects.create(month=datetime.date(2025, 3, 1), chair=chair)
    for n in range(3):
        Secondment.objects.create(
            duty_month=month,
            person_name=f"挂职{n}",
            starts_on=month.month,
            ends_on=datetime.date(2025, 3, 31),
        )
    for n in range(5):
        DutyLogEntry.objects.create(
            duty_month=month,
            author=chair,
            day=datetime.date(2025, 3, 1 + n),
            kind="office",
            text="接待企业",
        )
    duty = figures.duty(figures.Period.year(2025, today=datetime.date(2026, 1, 1)))
    assert [(row.entries, row.secondees) for row in duty.rows] == [(5, 3)]


def test_the_invitations_of_an_event_do_not_multiply_its_registrations(staff, enterprise_a):
    event = EventFactory(audience=Event.Audience.INVITATION)
    event_services.invite(event=event, actor=staff, enterprises=[enterprise_a])
    RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    counted = Event.objects.with_counts().get(pk=event.pk)
    assert (counted.confirmed, counted.invited) == (2, 1)


def test_every_page_counts_the_same_services_and_visits(staff, user_a, enterprise_a, enterprise_b):
    """Services given in the year, the enterprises served, financing matches and their loans,
    legal consultations and their hours, people placed, the ratings; visits made, the
    enterprises visited, the problems found and the petitions they became: the dashboard, the
    report and the ledger each figure links to show the same numbers."""
    from decimal import Decimal

    from services import services as service_services
    from services.models import ServiceRecipient
    from tests.services.conftest import field, record
    from tests.visits.factories import DoneVisitFactory, FindingFactory, VisitFactory
    from visits import services as visit_services

    day = datetime.date(2025, 5, 6)
    loan = record(
        staff, [enterprise_a, enterprise_b], field=field("finance"), what="银企对接",
        given_on=day, loan_yuan=Decimal("1500000.50"),
    )  # fmt: skip
    record(staff, [enterprise_a], field=field("legal"), what="合同审查", given_on=day,
           legal_hours=Decimal("2.5"))  # fmt: skip
    record(staff, [enterprise_b], field=field("talent"), what="招聘会", given_on=day,
           people_placed=4)  # fmt: skip
    record(staff, [enterprise_b], field=field("talent"), what="去年", given_on=datetime.date(
        2024, 5, 6), people_placed=9)  # fmt: skip
    service_services.rate_service(
        actor=user_a,
        recipient=loan.recipients.get(enterprise=enterprise_a),
        rating=ServiceRecipient.Rating.BASICALLY,
    )
    made = DoneVisitFactory(planned_on=day, enterprises=[enterprise_a, enterprise_b])
    DoneVisitFactory(planned_on=datetime.date(2025, 8, 1), enterprises=[enterprise_a])
    VisitFactory(planned_on=datetime.date(2025, 12, 1), enterprises=[enterprise_b])  # planned
    filed = FindingFactory(visit=made, enterprise=enterprise_a, text="用电难。")
    FindingFactory(visit=made, enterprise=enterprise_b, text="招工难。")
    visit_services.finding_to_petition(actor=staff, finding=filed, category="utilities")

    client = client_in_english(staff)
    dashboard = client.get("/dashboard/?year=2025").content.decode()
    keep_report_figures(year=2025)
    sections = client.get("/dashboard/report/?year=2025").context["report"].sections
    items = {str(i.label): i for s in sections if s.key in ("services", "visits") for i in s.items}

    def total(page, key):
        match = re.search(rf'id="{key}">([^<]+)<', page)
        assert match, key
        return match.group(1)

    expected = {
        # report label: (value, dashboard id and its text, the ledger's total and its text)
        "Services given": (3, ("figure-services", "3"), ("total-services", "3")),
        "Enterprises served": (2, None, ("total-enterprises", "2")),
        "Financing matches": (1, ("figure-financing", "1"), ("total-services", "1")),
        "Loans obtained": (
            Decimal("1500000.50"),
            ("figure-loans", "1,500,000.50"),
            ("total-loans", "1,500,000.50"),
        ),
        "Legal consultations": (1, ("figure-legal", "1"), ("total-services", "1")),
        "Legal advice given": (
            Decimal("2.5"),
            ("figure-legal-hours", "2.5"),
            ("total-hours", "2.5"),
        ),
        "People placed": (4, ("figure-placed", "4"), ("total-placed", "4")),
        "Ratings: satisfied or basically satisfied": (
            100.0,
            ("figure-services-satisfied", "100.0%"),
            ("total-satisfied", "100.0%"),
        ),
        "Visits made": (2, ("figure-visits", "2"), ("total-visits-done", "2")),
        "Enterprises visited": (2, None, ("total-enterprises", "2")),
        "Problems found": (2, None, ("total-findings", "2")),
        "turned into petitions": (1, None, ("total-petitions", "1")),
    }
    for label, (value, on_dashboard, in_ledger) in expected.items():
        item = items[label]
        assert item.value == value, label
        if on_dashboard:
            assert total(dashboard, on_dashboard[0]) == on_dashboard[1], label
        assert item.link in dashboard.replace("&amp;", "&") or on_dashboard is None, label
        assert total(client.get(item.link).content.decode(), in_ledger[0]) == in_ledger[1], label


def test_outcome_figures_add_up_the_fields_of_their_terms_as_the_ledger_lists_them(
    staff, enterprise_a, enterprise_b
):
    """Two fields whose outcome is a loan: the loans of both, and the ledger the figure links
    to lists both. A field whose outcome was hours of legal advice and is now outcome text
    only: its record's hours are no longer counted, on the dashboard, in the report or in
    the ledger, which lists the record under its field's terms as they are now."""
    from decimal import Decimal

    from services.models import ServiceField
    from tests.services.conftest import field, record

    day = datetime.date(2025, 5, 6)
    Terms = ServiceField.Terms
    venture = ServiceField.objects.create(
        code="venture", name="创投对接", name_en="Venture capital", terms=Terms.FINANCE
    )
    consulting = ServiceField.objects.create(
        code="consulting", name="企业顾问", name_en="Consulting", terms=Terms.LEGAL
    )
    record(staff, [enterprise_a], field=field("finance"), what="银企对接", given_on=day,
           loan_yuan=Decimal("1000000.25"))  # fmt: skip
    record(staff, [enterprise_b], field=venture, what="创投路演", given_on=day,
           loan_yuan=Decimal("300000.50"))  # fmt: skip
    record(staff, [enterprise_a], field=field("legal"), what="合同审查", given_on=day,
           legal_hours=Decimal("2.5"))  # fmt: skip
    record(staff, [enterprise_b], field=consulting, what="顾问咨询", given_on=day,
           legal_hours=Decimal("4"))  # fmt: skip
    consulting.terms = Terms.NONE
    consulting.save(update_fields=["terms"])

    client = client_in_english(staff)
    dashboard = client.get("/dashboard/?year=2025").content.decode()
    keep_report_figures(year=2025)
    sections = client.get("/dashboard/report/?year=2025").context["report"].sections
    items = {str(i.label): i for s in sections if s.key == "services" for i in s.items}

    def total(page, key):
        match = re.search(rf'id="{key}">([^<]+)<', page)
        assert match, key
        return match.group(1)

    loans, financing = items["Loans obtained"], items["Financing matches"]
    assert (financing.value, loans.value) == (2, Decimal("1300000.75"))
    assert total(dashboard, "figure-financing") == "2"
    assert total(dashboard, "figure-loans") == "1,300,000.75"
    assert loans.link == financing.link == "/ledgers/services/?year=2025&terms=finance"
    assert f'href="{loans.link.replace("&", "&amp;")}"' in dashboard
    ledger = client.get(loans.link)
    assert ledger.context["page"].paginator.count == 2
    assert total(ledger.content.decode(), "total-services") == "2"
    assert total(ledger.content.decode(), "total-loans") == "1,300,000.75"

    hours, legal = items["Legal advice given"], items["Legal consultations"]
    assert (legal.value, hours.value) == (1, Decimal("2.5"))
    assert total(dashboard, "figure-legal") == "1"
    assert total(dashboard, "figure-legal-hours") == "2.5"
    ledger = client.get(hours.link)
    assert ledger.context["page"].paginator.count == 1
    assert total(ledger.content.decode(), "total-hours") == "2.5"
    # Every service of the year: the same outcome figures, the changed field's hours left out.
    every = client.get("/ledgers/services/?year=2025").content.decode()
    assert total(every, "total-services") == "4"
    assert total(every, "total-loans") == "1,300,000.75"
    assert total(every, "total-hours") == "2.5"


def test_every_page_counts_the_same_policy_figures(staff, enterprise_a, enterprise_b):
    """The year's policies published, the enterprises matched, read, will apply, applied and
    granted and the amount granted: the dashboard, the report and the funnel page or list
    each figure links to show the same numbers (policies.funnel counts them once)."""
    from decimal import Decimal

    from django.utils import timezone

    from policies.models import FollowUp
    from tests.policies.factories import PolicyFactory

    year = timezone.localdate().year - 1
    firms = [enterprise_a, enterprise_b, EnterpriseFactory(), EnterpriseFactory()]
    policy = PolicyFactory(issued_on=datetime.date(year, 4, 1))  # for every enterprise
    PolicyFactory(issued_on=datetime.date(year - 1, 4, 1))  # another year's
    read = {"matched": True, "read_at": timezone.now()}
    FollowUp.objects.create(policy=policy, enterprise=firms[0], **read)
    FollowUp.objects.create(policy=policy, enterprise=firms[1], state="applied", **read)
    FollowUp.objects.create(
        policy=policy, enterprise=firms[2], state="granted", amount=Decimal("80000.50"), **read
    )
    matched = Enterprise.objects.count()

    client = client_in_english(staff)
    dashboard = client.get(f"/dashboard/?year={year}").content.decode()
    keep_report_figures(year=year)
    sections = client.get(f"/dashboard/report/?year={year}").context["report"].sections
    items = {str(i.label): i for s in sections if s.key == "policies" for i in s.items}
    funnel_page = client.get(items["Policies published"].link).content.decode()

    def cell(page, key):
        match = re.search(rf'id="{key}">(?:<a [^>]*>)?([^<]+)<', page)
        assert match, key
        return match.group(1)

    assert items["Policies published"].value == 1
    assert cell(dashboard, "figure-policies") == "1"
    assert cell(funnel_page, "funnel-policies") == "1"
    expected = {
        # report label: (value, dashboard id, funnel total cell)
        "Enterprises matched (counted under each policy they match)": (matched, None, "matched"),
        "read them": (3, None, "read"),
        "will apply": (2, None, "will_apply"),
        "applied": (2, None, "applied"),
        "granted": (1, "figure-policy-granted", "granted"),
    }
    for label, (value, on_dashboard, stage) in expected.items():
        item = items[label]
        assert item.value == value, label
        if on_dashboard:
            assert cell(dashboard, on_dashboard) == str(value), label
        assert item.link.replace("&", "&amp;") in dashboard, label
        assert cell(funnel_page, f"funnel-total-{stage}") == str(value), label
        assert client.get(item.link).context["page"].paginator.count == value, label
    amount = items["Amount granted"]
    assert amount.value == Decimal("80000.50")
    assert cell(dashboard, "figure-policy-amount") == "80,000.50"
    assert amount.link in dashboard.replace("&amp;", "&")
    assert Decimal(cell(client.get(amount.link).content.decode(), "funnel-total-amount")) == (
        amount.value
    )

"""Every figure of the dashboard and the yearly report, on known data for 2025."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import F, Value
from django.db.models.functions import ExtractMonth

from chambers.models import DutyLogEntry, DutyMonth, Organization, Secondment
from events.models import Donation, Event, Registration
from members.choices import Industry, PartyOrganisation, SizeClass
from petitions.models import Petition, Status, Suggestion
from reports.dashboard import figures, report
from tests.conftest import at
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = figures.Period.year(2025)


@pytest.fixture
def members(db):
    """Seven enterprises around 2025's edges. On the roll at the start: e1, e2; at the end:
    e1, e2, e3, e7 (e4 joined and withdrew during the year, e5 withdrew in 2024, e6 joins in
    2026)."""
    make = EnterpriseFactory
    return {
        "e1": make(
            joined_on=D(2020, 5, 1),
            party_organisation=PartyOrganisation.OWN_BRANCH,
            party_members=5,
            party_organisation_since=D(2021, 7, 1),
        ),
        "e2": make(
            joined_on=D(2024, 12, 31),
            industry=Industry.F,
            size=SizeClass.MEDIUM,
            party_organisation=PartyOrganisation.JOINT_BRANCH,
            party_members=2,
            party_organisation_since=D(2024, 6, 1),
        ),
        "e3": make(
            joined_on=D(2025, 1, 1),
            founded_on=D(2023, 6, 1),
            party_organisation=PartyOrganisation.INSTRUCTOR,
        ),
        "e4": make(
            joined_on=D(2025, 7, 1),
            founded_on=D(2010, 1, 1),
            status="withdrawn",
            left_on=D(2025, 9, 30),
        ),
        "e5": make(joined_on=D(2019, 1, 1), status="withdrawn", left_on=D(2024, 3, 1)),
        "e6": make(joined_on=D(2026, 1, 10)),
        "e7": make(
            joined_on=D(2025, 3, 1),
            status="suspended",
            party_organisation=PartyOrganisation.OWN_BRANCH,
            party_members=3,
            party_organisation_since=D(2025, 4, 1),
        ),
    }


def test_members_at_start_and_end_new_startups_withdrawn(members):
    m = figures.membership(YEAR)
    assert (m.at_start, m.at_end) == (2, 4)
    assert m.joined == 3
    assert m.startups == 1  # e3, founded 19 months before joining
    assert m.left == 1
    assert m.party_new == 1  # e7's branch, set up in April


def test_withdrawing_sets_and_reinstating_clears_the_day_left(members):
    e1 = members["e1"]
    e1.status = "withdrawn"
    e1.save()
    assert e1.left_on is not None
    e1.status = "member"
    e1.save(update_fields=["status"])
    e1.refresh_from_db()
    assert e1.left_on is None


def test_roll_by_industry_size_party_and_coverage(members):
    roll = figures.roll(YEAR.last)
    assert roll.total == 4
    assert roll.industry == {Industry.C: 3, Industry.F: 1}
    assert roll.size == {SizeClass.SMALL: 3, SizeClass.MEDIUM: 1}
    assert roll.party[PartyOrganisation.OWN_BRANCH] == 2
    assert roll.party[PartyOrganisation.JOINT_BRANCH] == 1
    assert roll.party[PartyOrganisation.INSTRUCTOR] == 1
    assert roll.covered == 3
    assert roll.coverage_rate == 75.0
    assert roll.party_members == 10
    assert sum(roll.township.values()) == 4


def test_growth_counts_the_roll_at_each_years_end(members):
    growth = figures.growth(2025, years=3)
    assert growth.years == [2023, 2024, 2025]
    assert growth.at_end == [2, 2, 4]
    assert growth.joined == [0, 1, 3]
    assert growth.left == [0, 1, 1]


def test_growth_stops_at_this_year(members):
    growth = figures.growth(2027, years=3, today=D(2026, 11, 22))
    assert growth.years == [2025, 2026]
    assert growth.at_end == [4, 5]


def test_the_current_year_runs_to_today():
    period = figures.Period.year(2026, today=D(2026, 11, 22))
    assert (period.first, period.last) == (D(2026, 1, 1), D(2026, 11, 22))
    assert period.eve == D(2025, 12, 31)
    assert figures.Period.year(2025, today=D(2026, 11, 22)).last == D(2025, 12, 31)


@pytest.fixture
def events(members):
    e1, e2 = members["e1"], members["e2"]
    finished = Event.Status.FINISHED
    breakfast = EventFactory(kind=Event.Kind.BREAKFAST, status=finished, starts_at=at(2025, 3, 10))
    training = EventFactory(kind=Event.Kind.TRAINING, status=finished, starts_at=at(2025, 3, 20))
    cancelled = EventFactory(
        kind=Event.Kind.LECTURE, status=Event.Status.CANCELLED, starts_at=at(2025, 4, 1)
    )
    EventFactory(kind=Event.Kind.FORUM, status=Event.Status.DRAFT, starts_at=at(2025, 5, 1))
    late = EventFactory(kind=Event.Kind.CHARITY, status=finished, starts_at=at(2024, 12, 31, 23))
    came = {"checked_in_at": at(2025, 3, 10, 8)}
    RegistrationFactory(event=breakfast, enterprise=e1, seats=2, **came)
    RegistrationFactory(event=breakfast, enterprise=e2, seats=1, **came)
    RegistrationFactory(event=breakfast, enterprise=e1, seats=1)  # did not come
    RegistrationFactory(event=training, enterprise=e1, seats=1, **came)
    RegistrationFactory(event=cancelled, enterprise=e2, seats=1, **came)
    RegistrationFactory(event=late, enterprise=e2, seats=1, **came)
    return breakfast, training


def test_events_held_participants_and_enterprises(events):
    result = figures.events(YEAR)
    assert (result.total.events, result.total.participants, result.total.enterprises) == (2, 4, 2)
    march = result.by_month[3]
    assert (march.events, march.participants, march.enterprises) == (2, 4, 2)
    assert set(result.by_month) == {3}
    breakfast = result.by_kind[Event.Kind.BREAKFAST]
    assert (breakfast.events, breakfast.participants, breakfast.enterprises) == (1, 3, 2)
    training = result.by_kind[Event.Kind.TRAINING]
    assert (training.events, training.participants, training.enterprises) == (1, 1, 1)
    assert result.by_field["policy"].events == 1
    assert result.by_field["policy"].enterprises == 2
    assert result.by_field["education"].events == 1
    assert result.by_field["charity"].events == 0


def test_petitions_by_status_and_the_years_figures(file_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the tallies follow on commit
        for month in (2, 5, 5):
            file_for(now=at(2025, month, 3, 9))
        file_for(now=at(2024, 12, 31, 9))
    Petition.objects.filter(created_at__month=5).update(status=Status.CLOSED)
    result = figures.petitions(2025)
    assert result.filed == 3
    assert result.by_status == {Status.SUBMITTED: 1, Status.CLOSED: 2}
    assert result.closed == 2
    assert result.report.by_month[4].filed == 2  # May


def test_suggestions_submitted_sent_forwarded_adopted(user_a):
    def make(created, **fields):
        return Suggestion.objects.create(
            kind="suggestion",
            title="建议",
            text="内容",
            author=user_a,
            created_at=created,
            **fields,
        )

    adopted = {
        "sent_to": "district_government",
        "sent_on": D(2025, 4, 2),
        "forwarded_to": "national_federation",
        "forwarded_on": D(2025, 5, 1),
        "adopted_level": "national",
        "adopted_by": "全国工商联",
        "adopted_on": D(2025, 6, 1),
    }
    make(at(2025, 4, 1), **adopted)
    make(at(2025, 4, 20), sent_to="district_committee", sent_on=D(2025, 4, 21))
    make(at(2025, 9, 1))
    make(at(2024, 11, 1), **adopted)
    result = figures.suggestions(YEAR)
    total = result.total
    assert (total.submitted, total.sent, total.forwarded, total.adopted) == (3, 2, 1, 1)
    assert result.by_month[4].submitted == 2
    assert result.by_month[9].sent == 0
    assert result.adopted_by_level == {"national": 1}


def test_donations_by_campaign(members):
    e1, e2 = members["e1"], members["e2"]
    chamber = Organization.objects.create(slug="ice", name="冰雪产业商会", kind="industry")
    snow = EventFactory(kind=Event.Kind.CHARITY, title="冬季送温暖", starts_at=at(2025, 1, 10))
    villages = EventFactory(kind=Event.Kind.CHARITY, title="万企兴万村", starts_at=at(2025, 6, 1))
    Donation.objects.create(event=snow, enterprise=e1, cash_yuan=1000, received_on=D(2025, 1, 10))
    Donation.objects.create(
        event=snow, enterprise=e2, goods_value_yuan=Decimal("500.50"), received_on=D(2025, 1, 11)
    )
    Donation.objects.create(
        event=villages, organization=chamber, cash_yuan=20000, received_on=D(2025, 6, 1)
    )
    Donation.objects.create(event=snow, enterprise=e1, cash_yuan=99, received_on=D(2024, 12, 1))
    result = figures.donations(YEAR)
    assert result.cash == Decimal("21000")
    assert result.goods == Decimal("500.50")
    assert result.total == Decimal("21500.50")
    assert result.donors == 3
    assert [c.event for c in result.campaigns] == [villages, snow]  # the larger first
    assert result.campaigns[1].total == Decimal("1500.50")
    assert result.campaigns[1].donors == 2


def test_duty_months_served_and_logged(db):
    chair, other = UserFactory(), UserFactory()
    served = DutyMonth.objects.create(
        month=D(2025, 3, 1), chair=chair, status="completed", summary_written_at=at(2025, 3, 31)
    )
    DutyMonth.objects.create(month=D(2025, 4, 1), chair=other, status="completed")
    DutyMonth.objects.create(month=D(2025, 12, 1), chair=chair, status="planned")
    DutyMonth.objects.create(month=D(2025, 11, 1), chair=None, status="planned")
    DutyMonth.objects.create(month=D(2024, 12, 1), chair=other, status="completed")
    for day in (3, 4):
        DutyLogEntry.objects.create(
            duty_month=served, author=chair, day=D(2025, 3, day), kind="office", text="坐班"
        )
    Secondment.objects.create(
        duty_month=served, person_name="王芳", starts_on=D(2025, 3, 1), ends_on=D(2025, 3, 31)
    )
    duty = figures.duty(YEAR)
    assert [r.month.month for r in duty.rows] == [D(2025, 3, 1), D(2025, 4, 1), D(2025, 12, 1)]
    assert duty.served == 2
    assert duty.logged == 1
    assert duty.entries == 2
    assert duty.secondees == 1
    assert duty.summaries == 1
    assert duty.chairs == 2


def test_the_report_puts_each_figure_in_its_section(members, events):
    built = report.build(2025, today=D(2026, 11, 22))
    figures_by_label = {
        str(item.label): item.value for section in built.sections for item in section.items
    }
    assert figures_by_label["Members at the start of the year"] == 2
    assert figures_by_label["Members at the end of the year"] == 4
    assert figures_by_label["New members"] == 3
    assert figures_by_label["Members withdrawn"] == 1
    assert figures_by_label["Party-organisation coverage"] == 75.0
    assert figures_by_label["Events held"] == 2
    assert figures_by_label["Participating enterprises"] == 2
    assert not built.is_partial
    assert built.growth_rows[-1] == (2025, 4, 3, 1)
    links = [item.link for section in built.sections for item in section.items]
    assert all(links)
    assert "/ledgers/members/?member_on=2024-12-31" in links


def test_attendance_counted_in_the_database_matches_python(events):
    """PostgreSQL counts with GROUPING SETS; other databases sum in Python: the same figures."""
    from django.db import connection

    from reports.dashboard.figures import attendance_python, attendance_sql

    queryset = (
        Registration.objects.filter(checked_in_at__isnull=False)
        .annotate(m=ExtractMonth("event__starts_at"), k=F("event__kind"), f=Value("x"))
        .values("m", "k", "f", "enterprise_id", "seats")
        .order_by()
    )
    in_python = attendance_python(queryset)
    assert in_python[("total", None)] == (2, 6)
    if connection.vendor == "postgresql":
        assert attendance_sql(queryset) == in_python

"""The federation's figures, computed from the data: the dashboard's charts and the yearly report.

Everything here reads; nothing writes. Each function takes a `Period` (first and last day,
both inclusive) and answers with plain numbers, so the dashboard, the report page, its printed
form and its workbook all show the same figures, and the tests check them once.

Definitions (shown on the report page):

- members on a day: joined on or before it and not withdrawn by then (`members_on`); a
  suspended member is still on the roll.
- party-organisation coverage (docs/domain.md): members with their own or a joint party
  organisation over the members on the roll.
- an event held: published or finished (not a draft, not cancelled), starting in the period;
  participants are the seats checked in at the door, participating enterprises the distinct
  enterprises among them.
- petitions: those filed in the period with their current status; the three rates are the
  petitions app's (`petitions.metrics`).
- suggestions: those submitted in the period, and of them the ones sent (报送), forwarded on and
  adopted.
- donations: received in the period, by campaign (the charity event they were given to).
- duty months: the months of the period with an executive chair; served once the month began.
- services to members: those given in the period (their date); the enterprises served are
  the distinct enterprises among them; a financing match is a service of a field whose outcome
  is a loan (its amount summed), a legal consultation one of a field whose outcome is hours of
  legal advice (the hours summed), and people placed are summed over the services of a field
  whose outcome they are (`services.models.outcome_sums`: a field's terms as they are now,
  which the services ledger filters by); the
  satisfaction rate is the ratings "satisfied" and "basically satisfied" over the ratings given
  (not those still to rate), as in the services ledger.
- policies: the published policies issued in the year (expired ones too) and their funnel,
  as the policies' funnel page counts them (`policies.funnel`: matched today, read, will
  apply, applied, granted, the amount granted); nothing of a stage is defined here.
- visits: those made (done) in the period, by the day they were made; the enterprises visited
  are the distinct enterprises among them; the problems found are those recorded on them, and
  of these the ones turned into a petition.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chambers.models import DutyLogEntry, DutyMonth, Secondment
from core.months import add_years, month_start
from core.numbers import rate
from core.queries import aggregate_of
from events.models import Donation, Event, Registration
from members.choices import Industry, PartyOrganisation, SizeClass
from members.models import Enterprise, on_roll
from petitions import metrics
from petitions.models import Petition, Status, Suggestion
from policies import funnel as policy_funnel
from services.models import ServiceField, ServiceRecipient, ServiceRecord, outcome_sums
from visits.models import Finding, Visit

COVERED = (PartyOrganisation.OWN_BRANCH, PartyOrganisation.JOINT_BRANCH)
HELD = (Event.Status.PUBLISHED, Event.Status.FINISHED)
GROWTH_YEARS = 10

# Service activities by field (服务活动): the event kinds the yearly summary groups together.
FIELDS = {
    "policy": (
        _("Government–enterprise dialogue"),
        [Event.Kind.BREAKFAST, Event.Kind.APPEAL_FORUM, Event.Kind.SYMPOSIUM, Event.Kind.FORUM],
    ),
    "education": (
        _("Education and training"),
        [Event.Kind.LECTURE, Event.Kind.TRAINING, Event.Kind.STUDY_VISIT],
    ),
    "finance": (
        _("Financing and employment"),
        [Event.Kind.FINANCING_FAIR, Event.Kind.RECRUITMENT_FAIR],
    ),
    "villages": (_("Rural revitalisation"), [Event.Kind.VILLAGE_TOUR]),
    "charity": (_("Charity and volunteering"), [Event.Kind.VOLUNTEER, Event.Kind.CHARITY]),
}


@dataclass(frozen=True)
class Period:
    first: datetime.date
    last: datetime.date

    @classmethod
    def year(cls, year: int, *, today: datetime.date | None = None) -> "Period":
        """A calendar year; the current one runs to today (nothing after it has happened)."""
        today = today or timezone.localdate()
        last = datetime.date(year, 12, 31)
        return cls(datetime.date(year, 1, 1), min(last, today) if year == today.year else last)

    @classmethod
    def years(cls, first_year: int, last_year: int, *, today=None) -> "Period":
        return cls(datetime.date(first_year, 1, 1), cls.year(last_year, today=today).last)

    @property
    def eve(self) -> datetime.date:
        """The day before the period: the roll at its start."""
        return self.first - datetime.timedelta(days=1)

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime.combine(self.first, datetime.time.min, tzinfo=_tz())

    @property
    def end(self) -> datetime.datetime:
        """The first moment after the period."""
        day = self.last + datetime.timedelta(days=1)
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=_tz())

    @property
    def is_one_year(self) -> bool:
        return self.first.year == self.last.year

    def __str__(self):
        if self.is_one_year:
            return str(self.first.year)
        return f"{self.first.year}–{self.last.year}"


def _tz():
    return timezone.get_current_timezone()


# --- Members ------------------------------------------------------------------------------------


@dataclass
class Growth:
    years: list[int]
    at_end: list[int]
    joined: list[int]
    left: list[int]


def growth(last_year: int, *, years: int = GROWTH_YEARS, today=None) -> Growth:
    """Members at each year's end (this year: today), new members and withdrawals, for
    `years` years.

    Two grouped counts over the whole table (joined per year, withdrawn per year); the roll at
    a year's end is everyone who joined by then less everyone who left by then.
    """
    today = today or timezone.localdate()
    first_year = last_year - years + 1
    # Nothing dated after today counts yet: this year's row is the roll today, as elsewhere.
    joined_by_year = dict(
        Enterprise.objects.filter(joined_on__lte=today)
        .annotate(y=ExtractYear("joined_on"))
        .values_list("y")
        .annotate(n=Count("*"))
        .order_by()
    )
    left_by_year = dict(
        Enterprise.objects.filter(left_on__lte=today)
        .annotate(y=ExtractYear("left_on"))
        .values_list("y")
        .annotate(n=Count("*"))
        .order_by()
    )
    result = Growth([], [], [], [])
    roll = sum(n for y, n in joined_by_year.items() if y < first_year) - sum(
        n for y, n in left_by_year.items() if y < first_year
    )
    for year in range(first_year, last_year + 1):
        if year > today.year:
            break
        joined, left = joined_by_year.get(year, 0), left_by_year.get(year, 0)
        roll += joined - left
        result.years.append(year)
        result.at_end.append(roll)
        result.joined.append(joined)
        result.left.append(left)
    return result


@dataclass
class Roll:
    """The members on one day, counted by industry, township, size and party organisation."""

    day: datetime.date
    total: int = 0
    industry: Counter = field(default_factory=Counter)
    township: Counter = field(default_factory=Counter)
    size: Counter = field(default_factory=Counter)
    party: Counter = field(default_factory=Counter)
    party_members: int = 0

    @property
    def covered(self) -> int:
        return sum(self.party[k] for k in COVERED)

    @property
    def coverage_rate(self):
        return rate(self.covered, self.total)


def roll(day: datetime.date) -> Roll:
    """One grouped scan: the few thousand (industry, township, size, party) groups are summed
    here rather than in four queries."""
    result = Roll(day)
    rows = (
        Enterprise.objects.members_on(day)
        .values_list("industry", "township_id", "size", "party_organisation")
        .annotate(n=Count("*"), p=Sum("party_members"))
        .order_by()
    )
    for industry, township, size, party, n, party_members in rows:
        result.total += n
        result.industry[industry] += n
        result.township[township] += n
        result.size[size] += n
        result.party[party] += n
        if party in COVERED:
            result.party_members += party_members or 0
    return result


@dataclass
class Membership:
    at_start: int
    at_end: int
    joined: int
    left: int
    startups: int  # new members founded within three years before joining (双创)
    party_new: int  # party organisations set up in the period, in members on the roll at its end


def membership(period: Period) -> Membership:
    """One scan counts the roll at both ends, the withdrawals and the new party organisations;
    the new members are read through the join-date index (start-ups are judged here)."""
    counts = Enterprise.objects.aggregate(
        at_start=Count("id", filter=on_roll(period.eve)),
        at_end=Count("id", filter=on_roll(period.last)),
        left=Count("id", filter=Q(left_on__gte=period.first, left_on__lte=period.last)),
        party_new=Count(
            "id",
            filter=on_roll(period.last)
            & Q(
                party_organisation__in=COVERED,
                party_organisation_since__gte=period.first,
                party_organisation_since__lte=period.last,
            ),
        ),
    )
    joined = Enterprise.objects.filter(
        joined_on__gte=period.first, joined_on__lte=period.last
    ).values_list("joined_on", "founded_on")
    joined = list(joined)
    return Membership(
        joined=len(joined),
        startups=sum(1 for on, founded in joined if founded and is_startup(founded, on)),
        **counts,
    )


def is_startup(founded: datetime.date, joined: datetime.date) -> bool:
    """Founded less than three years before joining: a start-up (双创) among new members."""
    return founded > add_years(joined, -3)


# --- Events -------------------------------------------------------------------------------------


@dataclass
class EventRow:
    events: int = 0
    participants: int = 0
    enterprises: int = 0


@dataclass
class Events:
    total: EventRow
    by_month: dict  # month number -> EventRow (one-year periods)
    by_kind: dict  # kind -> EventRow
    by_field: dict  # field key -> EventRow


def events(period: Period) -> Events:
    """Events by (month, kind) in one grouped query; the seats checked in and the distinct
    enterprises per month, kind and field in another (`attendance_sql`)."""
    held = Event.objects.filter(
        status__in=HELD, starts_at__gte=period.start, starts_at__lt=period.end
    )
    by_month: dict = defaultdict(EventRow)
    by_kind: dict = defaultdict(EventRow)
    total = EventRow()
    for month, kind, n in (
        held.annotate(m=ExtractMonth("starts_at"))
        .values_list("m", "kind")
        .annotate(n=Count("*"))
        .order_by()
    ):
        for row in (total, by_month[month], by_kind[kind]):
            row.events += n
    attended = (
        Registration.objects.filter(
            event__status__in=HELD,
            event__starts_at__gte=period.start,
            event__starts_at__lt=period.end,
            checked_in_at__isnull=False,
        )
        .annotate(
            m=ExtractMonth("event__starts_at"),
            k=F("event__kind"),
            f=Case(
                *[
                    When(event__kind__in=kinds, then=Value(key))
                    for key, (_l, kinds) in FIELDS.items()
                ],
                default=Value(""),
                output_field=CharField(),
            ),
        )
        .values("m", "k", "f", "enterprise_id", "seats")
        .order_by()
    )
    count = attendance_sql if connection.vendor == "postgresql" else attendance_python
    by_field = {key: EventRow() for key in FIELDS}
    for (dimension, key), (enterprises, seats) in count(attended).items():
        row = {
            "total": lambda _key: total,
            "month": by_month.__getitem__,
            "kind": by_kind.__getitem__,
            "field": by_field.get,
        }[dimension](key)
        if row is not None:
            row.enterprises, row.participants = enterprises, seats or 0
    for key, (_label, kinds) in FIELDS.items():
        by_field[key].events = sum(by_kind[k].events for k in kinds if k in by_kind)
    return Events(total=total, by_month=dict(by_month), by_kind=dict(by_kind), by_field=by_field)


def attendance_sql(attended) -> dict:
    """(distinct enterprises, seats) for the whole period and per month, kind and field: one
    scan with GROUPING SETS (PostgreSQL)."""
    sql, params = attended.query.sql_with_params()
    # The inner query is Django's own, compiled with its parameters kept apart.
    outer = (
        "SELECT GROUPING(m, k, f), m, k, f, COUNT(DISTINCT enterprise_id), SUM(seats) "  # noqa: S608
        f"FROM ({sql}) AS attended GROUP BY GROUPING SETS ((m), (k), (f), ())"
    )
    names = {0b011: "month", 0b101: "kind", 0b110: "field", 0b111: "total"}
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        return {
            (names[g], {"month": m, "kind": k, "field": f}.get(names[g])): (n, seats)
            for g, m, k, f, n, seats in cursor.fetchall()
        }


def attendance_python(attended) -> dict:
    """The same as `attendance_sql`, summed here (databases without GROUPING SETS)."""
    firms: dict = defaultdict(set)
    seats: Counter = Counter()
    for row in attended.iterator():
        for key in (("total", None), ("month", row["m"]), ("kind", row["k"]), ("field", row["f"])):
            seats[key] += row["seats"]
            if row["enterprise_id"] is not None:
                firms[key].add(row["enterprise_id"])
    return {key: (len(firms[key]), seats[key]) for key in seats}


# --- Petitions ----------------------------------------------------------------------------------


@dataclass
class Petitions:
    report: metrics.Report  # the year's figures, by month and category (metrics.year_report)
    by_status: dict
    closed: int

    @property
    def filed(self) -> int:
        return self.report.total.filed


def petitions(year: int) -> Petitions:
    """The year's figures from the tallies, and the petitions by their current status.

    Most of a year's petitions are closed: the others are counted through the (status,
    created_at) index, and the closed ones are what remains of the year's filings.
    """
    report = metrics.year_report(year)
    whole_year = Period.year(year, today=datetime.date.max)
    by_status = dict(
        Petition.objects.filter(
            created_at__gte=whole_year.start,
            created_at__lt=whole_year.end,
            status__in=[s for s in Status.values if s != Status.CLOSED],
        )
        .values_list("status")
        .annotate(n=Count("*"))
        .order_by()
    )
    closed = report.total.filed - sum(by_status.values())
    if closed:
        by_status[Status.CLOSED] = closed
    return Petitions(report=report, by_status=by_status, closed=closed)


# --- Suggestions --------------------------------------------------------------------------------


@dataclass
class SuggestionRow:
    submitted: int = 0
    sent: int = 0
    forwarded: int = 0
    adopted: int = 0


@dataclass
class Suggestions:
    total: SuggestionRow
    by_month: dict
    adopted_by_level: dict


SUGGESTION_COUNTS = {
    "submitted": Count("*"),
    "sent": Count("id", filter=Q(sent_on__isnull=False)),
    "forwarded": Count("id", filter=Q(forwarded_on__isnull=False)),
    "adopted": Count("id", filter=~Q(adopted_level="")),
}


def suggestions(period: Period) -> Suggestions:
    submitted = Suggestion.objects.filter(
        created_at__gte=period.start, created_at__lt=period.end
    ).order_by()
    total = SuggestionRow(**submitted.aggregate(**SUGGESTION_COUNTS))
    by_month = {
        row.pop("m"): SuggestionRow(**row)
        for row in submitted.annotate(m=ExtractMonth("created_at"))
        .values("m")
        .annotate(**SUGGESTION_COUNTS)
    }
    levels = dict(
        submitted.exclude(adopted_level="").values_list("adopted_level").annotate(n=Count("*"))
    )
    return Suggestions(total=total, by_month=by_month, adopted_by_level=levels)


# --- Donations ----------------------------------------------------------------------------------


@dataclass
class Campaign:
    event: Event
    cash: Decimal
    goods: Decimal
    donors: int

    @property
    def total(self) -> Decimal:
        return self.cash + self.goods


@dataclass
class Donations:
    cash: Decimal
    goods: Decimal
    donors: int  # distinct enterprises and chambers
    campaigns: list[Campaign]

    @property
    def total(self) -> Decimal:
        return self.cash + self.goods


def donations(period: Period) -> Donations:
    received = Donation.objects.filter(
        received_on__gte=period.first, received_on__lte=period.last
    ).order_by()
    rows = list(
        received.values("event_id")
        .annotate(
            cash=Sum("cash_yuan", default=Decimal(0)),
            goods=Sum("goods_value_yuan", default=Decimal(0)),
            donors=Count("id"),
        )
        .order_by()
    )
    events_by_id = Event.objects.in_bulk([r["event_id"] for r in rows])
    campaigns = sorted(
        (Campaign(events_by_id[r["event_id"]], r["cash"], r["goods"], r["donors"]) for r in rows),
        key=lambda c: (-c.total, c.event.starts_at),
    )
    donors = received.aggregate(
        e=Count("enterprise", distinct=True), o=Count("organization", distinct=True)
    )
    return Donations(
        cash=sum((c.cash for c in campaigns), Decimal(0)),
        goods=sum((c.goods for c in campaigns), Decimal(0)),
        donors=donors["e"] + donors["o"],
        campaigns=campaigns,
    )


# --- Duty months --------------------------------------------------------------------------------


@dataclass
class DutyRow:
    month: DutyMonth
    entries: int
    secondees: int

    @property
    def served(self) -> bool:
        return self.month.status in (DutyMonth.Status.SERVING, DutyMonth.Status.COMPLETED)


@dataclass
class Duty:
    rows: list[DutyRow]

    @property
    def served(self) -> int:
        return sum(r.served for r in self.rows)

    @property
    def logged(self) -> int:
        return sum(1 for r in self.rows if r.entries)

    @property
    def entries(self) -> int:
        return sum(r.entries for r in self.rows)

    @property
    def secondees(self) -> int:
        return sum(r.secondees for r in self.rows)

    @property
    def summaries(self) -> int:
        return sum(1 for r in self.rows if r.month.summary_written_at)

    @property
    def chairs(self) -> int:
        return len({r.month.chair_id for r in self.rows if r.served})


def duty(period: Period) -> Duty:
    months = (
        DutyMonth.objects.filter(
            month__gte=month_start(period.first), month__lte=period.last, chair__isnull=False
        )
        .select_related("chair")
        .annotate(
            # Subqueries: joining both relations would count every (entry, secondee) pair.
            entries=aggregate_of(DutyLogEntry.objects.all(), "duty_month", Count("pk")),
            secondees=aggregate_of(Secondment.objects.all(), "duty_month", Count("pk")),
        )
        .order_by("month")
    )
    return Duty([DutyRow(m, m.entries, m.secondees) for m in months])


# --- Services to members ------------------------------------------------------------------------


@dataclass
class FieldRow:
    """One field of service: its services in the period and the distinct enterprises served."""

    code: str
    name: str
    name_en: str
    terms: str
    services: int = 0
    enterprises: int = 0

    @property
    def label(self) -> str:
        return ServiceField(name=self.name, name_en=self.name_en).label


@dataclass
class Services:
    services: int
    enterprises: int  # distinct enterprises served
    by_field: list[FieldRow]  # every field, in the admin's order
    financing: int  # services of a field whose outcome is a loan
    loans: Decimal  # their loan amounts (yuan)
    legal: int  # services of a field whose outcome is hours of legal advice
    legal_hours: Decimal  # their hours
    placed: int  # people placed by services of a field whose outcome is people placed
    rated: int  # ratings given
    satisfied: int  # of them "satisfied" or "basically satisfied"

    @property
    def satisfaction_rate(self):
        return rate(self.satisfied, self.rated)


SERVICE_RATED = [
    ServiceRecipient.Rating.SATISFIED,
    ServiceRecipient.Rating.BASICALLY,
    ServiceRecipient.Rating.NOT_SATISFIED,
]
SERVICE_SATISFIED = [ServiceRecipient.Rating.SATISFIED, ServiceRecipient.Rating.BASICALLY]


def services(period: Period) -> Services:
    """Five queries: the records' counts and sums, the fields, the records by field, the
    enterprises served by field, the recipients' distinct enterprises and ratings."""
    given = ServiceRecord.objects.filter(
        given_on__gte=period.first, given_on__lte=period.last
    ).order_by()
    Terms = ServiceField.Terms
    sums = given.aggregate(
        services=Count("pk"),
        financing=Count("pk", filter=Q(field__terms=Terms.FINANCE)),
        legal=Count("pk", filter=Q(field__terms=Terms.LEGAL)),
        **outcome_sums(),
    )
    by_field = {
        field.pk: FieldRow(field.code, field.name, field.name_en, field.terms)
        for field in ServiceField.objects.order_by("order", "code")
    }
    for field_id, n in given.values_list("field_id").annotate(n=Count("pk")):
        by_field[field_id].services = n
    served = ServiceRecipient.objects.filter(record__in=given.values("pk")).order_by()
    for field_id, n in served.values_list("record__field_id").annotate(
        n=Count("enterprise_id", distinct=True)
    ):
        by_field[field_id].enterprises = n
    counts = served.aggregate(
        enterprises=Count("enterprise_id", distinct=True),
        rated=Count("pk", filter=Q(rating__in=SERVICE_RATED)),
        satisfied=Count("pk", filter=Q(rating__in=SERVICE_SATISFIED)),
    )
    return Services(by_field=list(by_field.values()), **sums, **counts)


# --- Visits -------------------------------------------------------------------------------------


@dataclass
class VisitRow:
    visits: int = 0
    findings: int = 0
    petitions: int = 0


@dataclass
class Visits:
    total: VisitRow
    by_month: dict  # month number -> VisitRow
    enterprises: int  # distinct enterprises visited


def visits(period: Period) -> Visits:
    """The visits made by month, their problems found by month, and the distinct enterprises
    visited: three queries."""
    made = Visit.objects.done().filter(done_on__gte=period.first, done_on__lte=period.last)
    by_month: dict = defaultdict(VisitRow)
    total = VisitRow()
    for month, n in (
        made.annotate(m=ExtractMonth("done_on")).values_list("m").annotate(n=Count("*")).order_by()
    ):
        by_month[month].visits = n
        total.visits += n
    for month, found, filed in (
        Finding.objects.filter(visit__in=made.values("pk"))
        .annotate(m=ExtractMonth("visit__done_on"))
        .values_list("m")
        .annotate(found=Count("pk"), filed=Count("petition"))
        .order_by()
    ):
        by_month[month].findings, by_month[month].petitions = found, filed
        total.findings += found
        total.petitions += filed
    enterprises = Visit.enterprises.through.objects.filter(visit__in=made.values("pk")).aggregate(
        n=Count("enterprise_id", distinct=True)
    )["n"]
    return Visits(total=total, by_month=dict(by_month), enterprises=enterprises)


# --- Policies -----------------------------------------------------------------------------------


TOP_DEPARTMENTS = 5


@dataclass
class Policies:
    published: int  # the year's policies (policies.funnel.policies_of)
    funnel: policy_funnel.Funnel  # their funnel, each policy once (for_year)


def policies(year: int, *, today: datetime.date | None = None) -> Policies:
    """The year's policies and their funnel, matched as of `today`: the funnel page's totals."""
    return Policies(
        published=policy_funnel.policies_of(year).count(),
        funnel=policy_funnel.for_year(year, day=today),
    )


def top_departments(year: int, *, today: datetime.date | None = None) -> list:
    """The issuing departments that granted most (amount, then enterprises matched), each
    with its funnel as the funnel page's row shows it (by_department): at most
    TOP_DEPARTMENTS."""
    rows = policy_funnel.by_department(year, day=today)
    return sorted(rows, key=lambda row: (-row[1].amount, -row[1].matched))[:TOP_DEPARTMENTS]


# Everything the charts and the report label with choices, in one place.
LABELS = {
    "industry": dict(Industry.choices),
    "size": dict(SizeClass.choices),
    "party": dict(PartyOrganisation.choices),
    "kind": dict(Event.Kind.choices),
    "status": dict(Status.choices),
    "level": dict(Suggestion.Level.choices),
}


# --- A year at once -----------------------------------------------------------------------------


@dataclass
class Year:
    """What the dashboard and the report both show for a year."""

    year: int
    period: Period
    roll: Roll
    growth: Growth
    events: Events
    petitions: Petitions
    suggestions: Suggestions
    donations: Donations
    duty: Duty
    services: Services
    visits: Visits
    policies: Policies

    @property
    def is_partial(self) -> bool:
        """The current year: figures so far."""
        return self.period.last < datetime.date(self.year, 12, 31)


def for_year(year: int, *, today: datetime.date | None = None) -> Year:
    period = Period.year(year, today=today)
    return Year(
        year=year,
        period=period,
        roll=roll(period.last),
        growth=growth(year, today=today),
        events=events(period),
        petitions=petitions(year),
        suggestions=suggestions(period),
        donations=donations(period),
        duty=duty(period),
        services=services(period),
        visits=visits(period),
        policies=policies(year, today=today),
    )

"""The three rates (三率), average time to reply and the overdue count.

Working definitions (the Beijing formulas are not published; shown on the metrics page):

- response rate (响应率): of the petitions whose first response is due or done, the share
  answered (accepted, declined, merged, asked for information or replied) within the first
  response limit. One still unanswered past its limit counts against; one still inside it is
  not counted yet.
- resolution rate (解决率): of the rated petitions, the share the enterprise rated solved
  (satisfied or basically satisfied) at its latest rating.
- satisfaction rate (满意率): of the rated petitions, the share rated satisfied.

Each petition's summary (first response, replies, latest rating) is written by the service
that writes the matching timeline entry; `summary_from_timeline` recomputes it from the
entries alone, and the tests hold the two equal. `PetitionTally` keeps the counts per month,
category and department, so a page sums a few hundred rows whatever the number of petitions;
a group is recomputed after every change to one of its petitions.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractMonth, TruncMonth
from django.utils import timezone

from core.counts import cached_count, cached_rows
from core.months import add_months, month_start
from core.numbers import rate

from .models import SOLVED_RATINGS, Category, Department, Petition, PetitionTally, Rating
from .states import Action

TALLY_FIELDS = [
    "filed",
    "responded",
    "responded_in_time",
    "replied",
    "replied_late",
    "reply_seconds",
    "rated",
    "solved",
    "satisfied",
    "reopened",
]


def month_of(moment: datetime.datetime) -> datetime.date:
    return month_start(timezone.localtime(moment).date())


def tally_key(petition: Petition) -> tuple:
    return (month_of(petition.created_at), petition.category, petition.department_id)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(month, datetime.time.min, tzinfo=tz)
    return start, datetime.datetime.combine(add_months(month, 1), datetime.time.min, tzinfo=tz)


def tally_aggregates() -> dict:
    reply_time = ExpressionWrapper(
        F("first_replied_at") - F("created_at"), output_field=DurationField()
    )
    return {
        "filed": Count("id"),
        "responded": Count("id", filter=Q(responded_at__isnull=False)),
        "responded_in_time": Count("id", filter=Q(responded_in_time=True)),
        "replied": Count("id", filter=Q(first_replied_at__isnull=False)),
        "replied_late": Count("id", filter=Q(replied_late=True)),
        "reply_seconds": Sum(
            reply_time, filter=Q(first_replied_at__isnull=False), output_field=DurationField()
        ),
        "rated": Count("id", filter=~Q(rating="")),
        "solved": Count("id", filter=Q(rating__in=SOLVED_RATINGS)),
        "satisfied": Count("id", filter=Q(rating=Rating.SATISFIED)),
        "reopened": Count("id", filter=Q(reopen_count__gt=0)),
    }


def as_int(value) -> int:
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds())
    return int(value or 0)


def refresh_tallies(keys) -> None:
    """Recompute the tally of each (month, category, department) group from its petitions."""
    for month, category, department_id in keys:
        start, end = month_bounds(month)
        group = Petition.objects.filter(
            created_at__gte=start,
            created_at__lt=end,
            category=category,
            department_id=department_id,
        )
        values = {k: as_int(v) for k, v in group.aggregate(**tally_aggregates()).items()}
        _save_tally(month, category, department_id, values)


def _save_tally(month, category, department_id, values):
    lookup = {"month": month, "category": category, "department_id": department_id}
    for _attempt in range(2):
        try:
            with transaction.atomic():
                updated = PetitionTally.objects.filter(**lookup).update(**values)
                if not updated and values["filed"]:
                    PetitionTally.objects.create(**lookup, **values)
                elif updated and not values["filed"]:
                    PetitionTally.objects.filter(**lookup).delete()
            return
        except IntegrityError:
            continue  # created meanwhile by a concurrent refresh: update it instead


def rebuild_tallies(*, since: datetime.date | None = None) -> int:
    """Recompute every tally (from `since`'s month on) in one grouped query per run."""
    petitions = Petition.objects.all()
    tallies = PetitionTally.objects.all()
    if since is not None:
        start, _end = month_bounds(month_start(since))
        petitions = petitions.filter(created_at__gte=start)
        tallies = tallies.filter(month__gte=month_start(since))
    rows = (
        petitions.annotate(m=TruncMonth("created_at"))
        .values("m", "category", "department_id")
        .annotate(**tally_aggregates())
        .order_by()
    )
    with transaction.atomic():
        tallies.delete()
        PetitionTally.objects.bulk_create(
            [
                PetitionTally(
                    month=row["m"].date() if isinstance(row["m"], datetime.datetime) else row["m"],
                    category=row["category"],
                    department_id=row["department_id"],
                    **{k: as_int(row[k]) for k in TALLY_FIELDS},
                )
                for row in rows
            ],
            batch_size=1000,
        )
    return len(rows)


# --- Reading the figures ----------------------------------------------------------------------


@dataclass
class Figures:
    label: str = ""
    filed: int = 0
    responded: int = 0
    responded_in_time: int = 0
    unanswered_late: int = 0
    replied: int = 0
    replied_late: int = 0
    reply_seconds: int = 0
    rated: int = 0
    solved: int = 0
    satisfied: int = 0
    reopened: int = 0
    overdue: int = 0

    def add(self, row: dict):
        for name in TALLY_FIELDS:
            setattr(self, name, getattr(self, name) + int(row.get(name) or 0))

    @property
    def response_rate(self):
        return rate(self.responded_in_time, self.responded + self.unanswered_late)

    @property
    def resolution_rate(self):
        return rate(self.solved, self.rated)

    @property
    def satisfaction_rate(self):
        return rate(self.satisfied, self.rated)

    @property
    def average_reply_days(self):
        return None if not self.replied else round(self.reply_seconds / self.replied / 86400, 1)


@dataclass
class Report:
    year: int
    total: Figures
    by_month: list = field(default_factory=list)
    by_category: list = field(default_factory=list)
    by_department: list = field(default_factory=list)


def overdue_count(now=None) -> int:
    """The petitions overdue now, whenever they were filed: `Petition.objects.overdue`, as of
    the start of the minute and cached until a petition changes (the home page's queue and
    the metrics page show this one figure)."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    return cached_count(Petition.objects.overdue(now))


def year_report(year: int, *, now=None) -> Report:
    """The year's figures in total and by month, category and department.

    Three small queries: the year's tallies, the unanswered petitions past their first
    response limit (a partial index), and the overdue ones (another partial index). The last
    two as of the start of the minute (as `overdue_count`), cached until a petition changes:
    a year's overdue petitions are tens of thousands of index entries at a municipal
    federation.
    """
    now = now or timezone.now().replace(second=0, microsecond=0)
    first = datetime.date(year, 1, 1)
    start, _ = month_bounds(first)
    end, _ = month_bounds(datetime.date(year + 1, 1, 1))
    months = {datetime.date(year, m, 1): Figures(label=f"{year}-{m:02d}") for m in range(1, 13)}
    categories = {c.value: Figures(label=str(c.label)) for c in Category}
    departments: dict = defaultdict(Figures)
    total = Figures(label=str(year))

    def groups(month, category, department_id):
        return (
            total,
            months[month],
            categories[category],
            departments[department_id],
        )

    # Summed in the database, one GROUP BY per dimension over the year's few thousand tallies.
    tallies = PetitionTally.objects.filter(
        month__gte=first, month__lt=datetime.date(year + 1, 1, 1)
    )
    sums = {name: Sum(name) for name in TALLY_FIELDS}
    total.add(tallies.aggregate(**sums))
    for row in tallies.values("month").annotate(**sums).order_by():
        months[row["month"]].add(row)
    for row in tallies.values("category").annotate(**sums).order_by():
        categories[row["category"]].add(row)
    for row in tallies.values("department_id").annotate(**sums).order_by():
        departments[row["department_id"]].add(row)

    # The time-dependent counts, grouped in one index-only scan each. The month is an integer
    # (ExtractMonth within the year): converting a datetime per group row cost more than the
    # query.
    in_year = Petition.objects.filter(created_at__gte=start, created_at__lt=end)
    live = [
        ("unanswered_late", in_year.filter(responded_at__isnull=True, first_response_due__lt=now)),
        ("overdue", in_year.overdue(now)),
    ]
    for attribute, queryset in live:
        rows = cached_rows(
            queryset.annotate(m=ExtractMonth("created_at"))
            .values_list("m", "category", "department_id")
            .annotate(n=Count("*"))  # COUNT(*): an index-only scan
            .order_by()
        )
        for m, category, department_id, n in rows:
            for figures in groups(datetime.date(year, m, 1), category, department_id):
                setattr(figures, attribute, getattr(figures, attribute) + n)

    names = dict(Department.objects.values_list("id", "name"))
    by_department = []
    for department_id, figures in departments.items():
        figures.label = names.get(department_id, "") if department_id else ""
        by_department.append(figures)
    by_department.sort(key=lambda f: (f.label == "", f.label))
    return Report(
        year=year,
        total=total,
        by_month=list(months.values()),
        by_category=[f for f in categories.values() if f.filed],
        by_department=by_department,
    )


# --- The summary, from the timeline alone ------------------------------------------------------


SUMMARY_FIELDS = [
    "responded_at",
    "responded_in_time",
    "first_replied_at",
    "replied_at",
    "rating",
    "rated_at",
    "reopen_count",
    "closed_at",
]


def summary_from_timeline(petition: Petition) -> dict:
    """The petition's summary fields recomputed from its timeline entries.

    `responded_in_time` compares with the first-response limit, which no action moves.
    """
    from .states import FIRST_RESPONSE_ACTIONS

    summary = dict.fromkeys(SUMMARY_FIELDS)
    summary.update(rating="", reopen_count=0)
    for event in petition.events.order_by("at", "id"):
        if event.action in FIRST_RESPONSE_ACTIONS and summary["responded_at"] is None:
            summary["responded_at"] = event.at
            summary["responded_in_time"] = event.at <= petition.first_response_due
        if event.action == Action.REPLY:
            summary["first_replied_at"] = summary["first_replied_at"] or event.at
            summary["replied_at"] = event.at
        if event.action in (Action.RATE, Action.REOPEN):
            summary["rating"] = event.details.get("rating", "")
            summary["rated_at"] = event.at
            if event.action == Action.REOPEN:
                summary["reopen_count"] += 1
        if event.action == Action.CLOSE:
            summary["closed_at"] = event.at
    return summary

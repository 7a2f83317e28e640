"""The dashboard's charts: each a title, labels, one or more series, and a link per label.

The same object draws the chart (its `data()` goes to the page as JSON for Chart.js) and the
accessible table beside it (`rows()`), so the two always show the same numbers.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from events.models import Event
from members.choices import Industry, PartyOrganisation, SizeClass
from petitions.models import Category, Status
from policies import funnel

from . import figures, links


@dataclass
class Series:
    label: str
    values: list


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # Chart.js type: "bar", "line" or "doughnut"
    labels: list
    series: list[Series]
    links: list  # the list behind each label ("" when there is none)
    more: str = ""  # the whole list behind the chart
    unit: str = ""  # "%" for rates
    note: str = ""
    horizontal: bool = False
    extra_columns: list = field(default_factory=list)  # (heading, values) shown in the table only

    def data(self) -> dict:
        return {
            "kind": self.kind,
            "labels": [str(label) for label in self.labels],
            "series": [
                {"label": str(s.label), "values": [_number(v) for v in s.values]}
                for s in self.series
            ],
            "unit": self.unit,
            "horizontal": self.horizontal,
        }

    @property
    def headings(self) -> list:
        return [s.label for s in self.series] + [h for h, _values in self.extra_columns]

    @property
    def data_id(self) -> str:
        return f"chart-data-{self.key}"

    def rows(self) -> list:
        """(label, [(value, unit), ...], link) for each label: the table beside the chart."""
        columns = [(s.values, self.unit) for s in self.series]
        columns += [(values, "") for _heading, values in self.extra_columns]
        return [
            (label, [(values[i], unit) for values, unit in columns], self.links[i])
            for i, label in enumerate(self.labels)
        ]

    @property
    def is_empty(self) -> bool:
        return not any(v for s in self.series for v in s.values if v)


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def month_labels(year: int) -> list[str]:
    return [date_format(datetime.date(year, m, 1), "YEAR_MONTH_FORMAT") for m in range(1, 13)]


# --- Members ------------------------------------------------------------------------------------


def member_charts(year: int, roll: figures.Roll, growth: figures.Growth, townships: dict):
    day = roll.day
    yield Chart(
        key="growth",
        title=_("Member growth"),
        kind="bar",
        labels=growth.years,
        series=[
            Series(_("Members at the year's end"), growth.at_end),
            Series(_("New members"), growth.joined),
            Series(_("Withdrawn"), growth.left),
        ],
        links=[
            links.ledger("members", member_on=min(datetime.date(y, 12, 31), day))
            for y in growth.years
        ],
        more=links.ledger("members", year=year),
    )

    def by(key, title, counter, names, param, order=None):
        """Largest first, or in the choices' own order (sizes read small to large)."""
        keys = order or sorted(counter, key=lambda k: -counter[k])
        keys = [k for k in keys if counter.get(k)]
        return Chart(
            key=key,
            title=title,
            kind="bar",
            labels=[names.get(k, k) for k in keys],
            series=[Series(_("Members"), [counter[k] for k in keys])],
            links=[links.ledger("members", member_on=day, **{param: k}) for k in keys],
            more=links.ledger("members", member_on=day),
            horizontal=order is None,
        )

    yield by(
        "industry", _("Members by industry"), roll.industry, dict(Industry.choices), "industry"
    )
    yield by("township", _("Members by township or street"), roll.township, townships, "township")
    sizes = dict(SizeClass.choices)
    yield by("size", _("Members by size"), roll.size, sizes, "size", order=list(sizes))

    kinds = list(PartyOrganisation)
    yield Chart(
        key="party",
        title=_("Party-organisation coverage"),
        kind="doughnut",
        labels=[k.label for k in kinds],
        series=[Series(_("Members"), [roll.party[k] for k in kinds])],
        links=[links.ledger("party", kind=k.value) for k in kinds],
        more=links.ledger("party", covered=1),
        note=_(
            "Coverage: %(rate)s%% — members with their own or a joint party organisation "
            "(%(covered)s) over the members on the roll (%(total)s)."
        )
        % {
            "rate": "—" if roll.coverage_rate is None else roll.coverage_rate,
            "covered": roll.covered,
            "total": roll.total,
        },
    )


# --- Events -------------------------------------------------------------------------------------


def event_charts(year: int, events: figures.Events):
    months = range(1, 13)
    row = events.by_month
    yield Chart(
        key="events_month",
        title=_("Events and participating enterprises by month"),
        kind="bar",
        labels=month_labels(year),
        series=[
            Series(_("Events held"), [row[m].events if m in row else 0 for m in months]),
            Series(
                _("Participating enterprises"),
                [row[m].enterprises if m in row else 0 for m in months],
            ),
        ],
        extra_columns=[
            (_("Participants"), [row[m].participants if m in row else 0 for m in months])
        ],
        links=[links.ledger("events", year=year, month=m) for m in months],
        more=links.ledger("events", year=year),
    )
    kinds = [k for k in Event.Kind if k.value in events.by_kind]
    yield Chart(
        key="events_kind",
        title=_("Events by kind"),
        kind="bar",
        labels=[k.label for k in kinds],
        series=[
            Series(_("Events held"), [events.by_kind[k.value].events for k in kinds]),
            Series(
                _("Participating enterprises"),
                [events.by_kind[k.value].enterprises for k in kinds],
            ),
        ],
        extra_columns=[(_("Participants"), [events.by_kind[k.value].participants for k in kinds])],
        links=[links.ledger("events", year=year, kind=k.value) for k in kinds],
        more=links.ledger("attendance", year=year, checked_in=1),
        horizontal=True,
    )


# --- Petitions ----------------------------------------------------------------------------------


def petition_charts(year: int, petitions: figures.Petitions):
    report = petitions.report
    categories = [c for c, f in zip(Category, report.by_category, strict=False) if f.filed]
    by_category = {c.value: f for c, f in zip(Category, report.by_category, strict=False)}
    yield Chart(
        key="petition_category",
        title=_("Petitions by category"),
        kind="bar",
        labels=[c.label for c in categories],
        series=[
            Series(_("Filed"), [by_category[c.value].filed for c in categories]),
            Series(_("Rated solved"), [by_category[c.value].solved for c in categories]),
        ],
        links=[links.petitions(year=year, category=c.value) for c in categories],
        more=links.petitions(year=year),
        horizontal=True,
    )
    statuses = [s for s in Status if petitions.by_status.get(s.value)]
    yield Chart(
        key="petition_status",
        title=_("Petitions by status"),
        kind="doughnut",
        labels=[s.label for s in statuses],
        series=[Series(_("Petitions"), [petitions.by_status[s.value] for s in statuses])],
        links=[links.petitions(year=year, status=s.value) for s in statuses],
        more=links.petitions(year=year),
    )
    months = report.by_month
    yield Chart(
        key="petition_rates",
        title=_("The three rates by month"),
        kind="line",
        labels=month_labels(year),
        series=[
            Series(_("Response rate"), [f.response_rate for f in months]),
            Series(_("Resolution rate"), [f.resolution_rate for f in months]),
            Series(_("Satisfaction rate"), [f.satisfaction_rate for f in months]),
        ],
        extra_columns=[(_("Filed"), [f.filed for f in months])],
        links=[links.petitions(month=f"{year}-{m:02d}") for m in range(1, 13)],
        more=f"{reverse('petitions:metrics')}?year={year}",
        unit="%",
    )


# --- Suggestions, donations, duty ---------------------------------------------------------------


def suggestion_chart(year: int, suggestions: figures.Suggestions):
    months = range(1, 13)
    row = suggestions.by_month
    empty = figures.SuggestionRow()
    return Chart(
        key="suggestions",
        title=_("Suggestions submitted, sent, forwarded and adopted"),
        kind="bar",
        labels=month_labels(year),
        series=[
            Series(_("Submitted"), [row.get(m, empty).submitted for m in months]),
            Series(_("Sent"), [row.get(m, empty).sent for m in months]),
            Series(_("Forwarded"), [row.get(m, empty).forwarded for m in months]),
            Series(_("Adopted"), [row.get(m, empty).adopted for m in months]),
        ],
        links=[""] * 12,
        more=links.ledger("suggestions", year=year),
        note=_("By the month they were submitted."),
    )


def donation_chart(year: int, donations: figures.Donations):
    campaigns = donations.campaigns
    return Chart(
        key="donations",
        title=_("Donations by campaign (yuan)"),
        kind="bar",
        labels=[c.event.title for c in campaigns],
        series=[
            Series(_("Cash (yuan)"), [c.cash for c in campaigns]),
            Series(_("Goods (yuan)"), [c.goods for c in campaigns]),
        ],
        extra_columns=[(_("Donations"), [c.donors for c in campaigns])],
        links=[links.ledger("donations", year=year, event=c.event.public_id) for c in campaigns],
        more=links.ledger("donations", year=year),
        horizontal=True,
    )


def duty_chart(year: int, duty: figures.Duty):
    rows = duty.rows
    return Chart(
        key="duty",
        title=_("Duty months served and logged"),
        kind="bar",
        labels=[date_format(r.month.month, "YEAR_MONTH_FORMAT") for r in rows],
        series=[
            Series(_("Duty-log entries"), [r.entries for r in rows]),
            Series(_("Seconded staff"), [r.secondees for r in rows]),
        ],
        extra_columns=[
            (_("Executive chair"), [r.month.chair.real_name for r in rows]),
            (_("Status"), [r.month.get_status_display() for r in rows]),
        ],
        links=[reverse("roster:month", args=[r.month.key]) for r in rows],
        more=links.ledger("duty", year=year),
    )


# --- Services and visits ------------------------------------------------------------------------


def service_chart(year: int, services: figures.Services):
    fields = [row for row in services.by_field if row.services]
    return Chart(
        key="services_field",
        title=_("Services to members by field"),
        kind="bar",
        labels=[row.label for row in fields],
        series=[
            Series(_("Services"), [row.services for row in fields]),
            Series(_("Enterprises served"), [row.enterprises for row in fields]),
        ],
        links=[links.ledger("services", year=year, field=row.code) for row in fields],
        more=links.ledger("services", year=year),
        horizontal=True,
        note=_(
            "By the day the service was given; an enterprise served in two fields counts in each."
        ),
    )


def visit_chart(year: int, visits: figures.Visits):
    months = range(1, 13)
    row = visits.by_month
    empty = figures.VisitRow()
    return Chart(
        key="visits_month",
        title=_("Visits made and problems found by month"),
        kind="bar",
        labels=month_labels(year),
        series=[
            Series(_("Visits made"), [row.get(m, empty).visits for m in months]),
            Series(_("Problems found"), [row.get(m, empty).findings for m in months]),
        ],
        extra_columns=[(_("Turned into petitions"), [row.get(m, empty).petitions for m in months])],
        links=[links.ledger("visits", year=year, month=m, status="done") for m in months],
        more=links.ledger("visits", year=year, status="done"),
        note=_("By the day the visit was made."),
    )


# --- Policies -----------------------------------------------------------------------------------

# The funnel's stages of a year on the dashboard ("followed without matching" stays on the
# funnel page, which says what it is).
POLICY_STAGES = ["matched", "read", "will_apply", "applied", "granted"]


def policy_chart(year: int, policies: figures.Policies):
    totals = policies.funnel
    return Chart(
        key="policy_funnel",
        title=_("Policy funnel: enterprises at each stage"),
        kind="bar",
        labels=[funnel.STAGE_LABELS[stage] for stage in POLICY_STAGES],
        series=[Series(_("Enterprises"), [getattr(totals, stage) for stage in POLICY_STAGES])],
        links=[links.funnel_enterprises(year, stage) for stage in POLICY_STAGES],
        more=links.funnel(year),
        note=_(
            "The published policies issued in the year; an enterprise counts under each policy "
            "it matches, and a later stage only if it matched the policy when it read or marked it."
        ),
    )


def policy_department_chart(year: int, rows: list):
    """`rows`: figures.top_departments."""
    return Chart(
        key="policy_departments",
        title=_("Issuing departments that granted most"),
        kind="bar",
        labels=[department.name for department, _funnel in rows],
        series=[
            Series(funnel.STAGE_LABELS[stage], [getattr(row, stage) for _d, row in rows])
            for stage in ("matched", "applied", "granted")
        ],
        extra_columns=[(_("Amount granted (yuan)"), [row.amount for _d, row in rows])],
        links=[
            links.funnel_enterprises(year, "granted", department=department.pk)
            for department, _funnel in rows
        ],
        more=links.funnel(year),
        horizontal=True,
        note=_("A policy of two departments counts under each, as on the policy funnel page."),
    )

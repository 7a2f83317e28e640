"""The yearly work report (年度工作总结的数据): the figures a federation reports for a year.

Each figure is computed by `figures` and carries a link to the ledger that lists what was
counted. The page, its printable form and the workbook are drawn from the same `Report`.
"""

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.choices import PartyOrganisation
from petitions.models import Status, Suggestion
from services.models import ServiceField

from . import figures, links

PERCENT = "%"
YUAN = _("yuan")
HOURS = _("hours")


@dataclass
class Item:
    label: str
    value: int | Decimal | float | None
    link: str = ""
    unit: str = ""
    indent: bool = False  # a part of the figure above it


@dataclass
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Report:
    year: int
    period: figures.Period
    sections: list[Section]
    growth: figures.Growth

    @property
    def growth_rows(self) -> list:
        g = self.growth
        return list(zip(g.years, g.at_end, g.joined, g.left, strict=True))

    @property
    def is_partial(self) -> bool:
        """The current year: figures so far."""
        return self.period.last < datetime.date(self.year, 12, 31)


def build(year: int, *, today: datetime.date | None = None) -> Report:
    """The report computed now (seconds at full size): what `compute` keeps, shown."""
    return from_figures(year, compute(year, today=today))


# The shape of what `compute` returns. Kept figures of another version (a release that added
# or renamed a figure) are not read: they are computed again (reports.services.kept_figures).
# 2: services to members and visits; 3: loans, hours and people placed of their fields only;
# 4: policies published in the year and their funnel (policies.funnel).
FIGURES_VERSION = 4


def compute(year: int, *, today: datetime.date | None = None) -> dict:
    """The year's report figures as plain JSON values: numbers, not labels, so the kept
    figures (reports.models.ReportFigures) show in whichever language reads them."""
    data = figures.for_year(year, today=today)
    roll, events, petitions = data.roll, data.events, data.petitions
    suggestions, donations, duty = data.suggestions, data.donations, data.duty
    totals = petitions.report.total
    return {
        "version": FIGURES_VERSION,
        "first": data.period.first.isoformat(),
        "last": data.period.last.isoformat(),
        "membership": asdict(figures.membership(data.period)),
        "party": {
            "covered": roll.covered,
            "own": roll.party[PartyOrganisation.OWN_BRANCH],
            "joint": roll.party[PartyOrganisation.JOINT_BRANCH],
            "instructor": roll.party[PartyOrganisation.INSTRUCTOR],
            "members": roll.party_members,
            "coverage": roll.coverage_rate,
        },
        "events": {
            **asdict(events.total),
            "by_field": {key: asdict(events.by_field[key]) for key in figures.FIELDS},
        },
        "petitions": {
            "filed": totals.filed,
            "closed": petitions.closed,
            "solved": totals.solved,
            "response_rate": totals.response_rate,
            "resolution_rate": totals.resolution_rate,
            "satisfaction_rate": totals.satisfaction_rate,
            "overdue": totals.overdue,
        },
        "suggestions": {
            **asdict(suggestions.total),
            "adopted_by_level": suggestions.adopted_by_level,
        },
        "donations": {
            "total": str(donations.total),
            "cash": str(donations.cash),
            "goods": str(donations.goods),
            "donors": donations.donors,
            "campaigns": len(donations.campaigns),
        },
        "duty": {
            "served": duty.served,
            "chairs": duty.chairs,
            "secondees": duty.secondees,
            "entries": duty.entries,
            "summaries": duty.summaries,
        },
        "services": {
            "services": data.services.services,
            "enterprises": data.services.enterprises,
            "financing": data.services.financing,
            "loans": str(data.services.loans),
            "legal": data.services.legal,
            "legal_hours": str(data.services.legal_hours),
            "placed": data.services.placed,
            "rated": data.services.rated,
            "satisfied": data.services.satisfied,
            "by_field": [asdict(row) for row in data.services.by_field],
        },
        "visits": {**asdict(data.visits.total), "enterprises": data.visits.enterprises},
        "policies": {
            "published": data.policies.published,
            **dict(data.policies.funnel.stages()),
            "amount": str(data.policies.funnel.amount),
        },
        "growth": asdict(data.growth),
    }


def from_figures(year: int, kept: dict) -> Report:
    """The report, labelled in the current language, from the figures `compute` returned."""
    period = figures.Period(
        datetime.date.fromisoformat(kept["first"]), datetime.date.fromisoformat(kept["last"])
    )
    is_partial = period.last < datetime.date(year, 12, 31)
    membership = SimpleNamespace(**kept["membership"])
    party = SimpleNamespace(**kept["party"])
    events = kept["events"]
    by_field = {key: SimpleNamespace(**row) for key, row in events["by_field"].items()}
    totals = SimpleNamespace(**kept["petitions"])
    suggestions = SimpleNamespace(**kept["suggestions"])
    yuan = {key: Decimal(kept["donations"][key]) for key in ("total", "cash", "goods")}
    duty = SimpleNamespace(**kept["duty"])
    y = {"year": year}
    served = dict(kept["services"])
    given = figures.Services(
        **{
            **served,
            "by_field": [figures.FieldRow(**row) for row in served["by_field"]],
            "loans": Decimal(served["loans"]),
            "legal_hours": Decimal(served["legal_hours"]),
        }
    )
    visits = SimpleNamespace(**kept["visits"])
    policies = dict(kept["policies"])
    stage_labels = {
        "matched": _("Enterprises matched (counted under each policy they match)"),
        "read": _("read them"),
        "will_apply": _("will apply"),
        "applied": _("applied"),
        "granted": _("granted"),
    }
    # The services of every field of these terms: those the outcome figures add up.
    ledger_of = {terms: links.ledger("services", **y, terms=terms) for terms in ServiceField.Terms}
    made = {**y, "status": "done"}

    sections = [
        Section(
            "members",
            _("Members"),
            [
                Item(
                    _("Members at the start of the year"),
                    membership.at_start,
                    links.ledger("members", member_on=period.eve),
                ),
                Item(
                    _("Members on the roll today")
                    if is_partial
                    else _("Members at the end of the year"),
                    membership.at_end,
                    links.ledger("members", member_on=period.last),
                ),
                Item(_("New members"), membership.joined, links.ledger("members", **y)),
                Item(
                    _("of which start-ups (founded less than three years before joining)"),
                    membership.startups,
                    links.ledger("members", **y),
                    indent=True,
                ),
                Item(
                    _("Members withdrawn"),
                    membership.left,
                    links.ledger("members", left_year=year),
                ),
            ],
        ),
        Section(
            "party",
            _("Party building in member enterprises"),
            [
                Item(
                    _("Members with a party organisation (own or joint)"),
                    party.covered,
                    links.ledger("party", covered=1),
                ),
                Item(
                    _("with their own party organisation"),
                    party.own,
                    links.ledger("party", kind=PartyOrganisation.OWN_BRANCH),
                    indent=True,
                ),
                Item(
                    _("in a joint party branch"),
                    party.joint,
                    links.ledger("party", kind=PartyOrganisation.JOINT_BRANCH),
                    indent=True,
                ),
                Item(
                    _("Party organisations set up during the year"),
                    membership.party_new,
                    links.ledger("party", covered=1, **y),
                ),
                Item(
                    _("Members with a party-building instructor only"),
                    party.instructor,
                    links.ledger("party", kind=PartyOrganisation.INSTRUCTOR),
                ),
                Item(
                    _("Party members in member enterprises with a party organisation"),
                    party.members,
                    links.ledger("party", covered=1),
                ),
                Item(
                    _("Party-organisation coverage"),
                    party.coverage,
                    links.ledger("party", covered=1),
                    PERCENT,
                ),
            ],
        ),
        Section(
            "events",
            _("Events and service activities"),
            [
                Item(_("Events held"), events["events"], links.ledger("events", **y)),
                Item(
                    _("Participants checked in"),
                    events["participants"],
                    links.ledger("attendance", checked_in=1, **y),
                ),
                Item(
                    _("Participating enterprises"),
                    events["enterprises"],
                    links.ledger("attendance", checked_in=1, **y),
                ),
                *[
                    Item(
                        _("%(field)s: events (participating enterprises: %(n)s)")
                        % {"field": label, "n": by_field[key].enterprises},
                        by_field[key].events,
                        links.ledger("events", **y),
                        indent=True,
                    )
                    for key, (label, _kinds) in figures.FIELDS.items()
                ],
            ],
        ),
        Section(
            "services",
            _("Services to member enterprises"),
            [
                Item(_("Services given"), given.services, links.ledger("services", **y)),
                Item(_("Enterprises served"), given.enterprises, links.ledger("services", **y)),
                *[
                    Item(
                        _("%(field)s: services (enterprises served: %(n)s)")
                        % {"field": row.label, "n": row.enterprises},
                        row.services,
                        links.ledger("services", **y, field=row.code),
                        indent=True,
                    )
                    for row in given.by_field
                    if row.services
                ],
                Item(
                    _("Financing matches"),
                    given.financing,
                    ledger_of[ServiceField.Terms.FINANCE],
                ),
                Item(
                    _("Loans obtained"),
                    given.loans,
                    ledger_of[ServiceField.Terms.FINANCE],
                    YUAN,
                    True,
                ),
                Item(
                    _("Legal consultations"),
                    given.legal,
                    ledger_of[ServiceField.Terms.LEGAL],
                ),
                Item(
                    _("Legal advice given"),
                    given.legal_hours,
                    ledger_of[ServiceField.Terms.LEGAL],
                    HOURS,
                    True,
                ),
                Item(
                    _("People placed"),
                    given.placed,
                    ledger_of[ServiceField.Terms.TALENT],
                ),
                Item(
                    _("Ratings: satisfied or basically satisfied"),
                    given.satisfaction_rate,
                    links.ledger("services", **y),
                    PERCENT,
                ),
            ],
        ),
        Section(
            "visits",
            _("Visits to members"),
            [
                Item(_("Visits made"), visits.visits, links.ledger("visits", **made)),
                Item(_("Enterprises visited"), visits.enterprises, links.ledger("visits", **made)),
                Item(_("Problems found"), visits.findings, links.ledger("visits", **made)),
                Item(
                    _("turned into petitions"),
                    visits.petitions,
                    links.ledger("visits", **made),
                    indent=True,
                ),
            ],
        ),
        Section(
            "policies",
            _("Enterprise-support policies"),
            [
                Item(_("Policies published"), policies["published"], links.funnel(year)),
                *[
                    Item(
                        label,
                        policies[stage],
                        links.funnel_enterprises(year, stage),
                        indent=stage != "matched",
                    )
                    for stage, label in stage_labels.items()
                ],
                Item(
                    _("Amount granted"),
                    Decimal(policies["amount"]),
                    links.funnel(year),
                    YUAN,
                    True,
                ),
            ],
        ),
        Section(
            "petitions",
            _("Petitions from enterprises"),
            [
                Item(_("Petitions filed"), totals.filed, links.petitions(**y)),
                Item(
                    _("Closed"),
                    totals.closed,
                    links.petitions(status=Status.CLOSED, **y),
                    indent=True,
                ),
                Item(
                    _("Rated solved by the enterprise"),
                    totals.solved,
                    f"{reverse('petitions:metrics')}?year={year}",
                    indent=True,
                ),
                Item(
                    _("Response rate"),
                    totals.response_rate,
                    f"{reverse('petitions:metrics')}?year={year}",
                    PERCENT,
                ),
                Item(
                    _("Resolution rate"),
                    totals.resolution_rate,
                    f"{reverse('petitions:metrics')}?year={year}",
                    PERCENT,
                ),
                Item(
                    _("Satisfaction rate"),
                    totals.satisfaction_rate,
                    f"{reverse('petitions:metrics')}?year={year}",
                    PERCENT,
                ),
                Item(
                    _("Filed in the year and still open past the reply deadline"),
                    totals.overdue,
                    links.petitions(overdue="on", **y),
                ),
            ],
        ),
        Section(
            "suggestions",
            _("Suggestions and social-condition reports"),
            [
                Item(
                    _("Submitted"),
                    suggestions.submitted,
                    links.ledger("suggestions", **y),
                ),
                Item(
                    _("Sent up to higher bodies"),
                    suggestions.sent,
                    links.ledger("suggestions", state="sent", **y),
                ),
                Item(
                    _("Forwarded on to the municipal or national federation"),
                    suggestions.forwarded,
                    links.ledger("suggestions", state="forwarded", **y),
                ),
                Item(
                    _("Adopted"),
                    suggestions.adopted,
                    links.ledger("suggestions", state="adopted", **y),
                ),
                *[
                    Item(
                        level.label,
                        suggestions.adopted_by_level.get(level.value, 0),
                        links.ledger("suggestions", state="adopted", level=level.value, **y),
                        indent=True,
                    )
                    for level in Suggestion.Level
                ],
            ],
        ),
        Section(
            "donations",
            _("Donations to the Guangcai programme"),
            [
                Item(_("Donations in all"), yuan["total"], links.ledger("donations", **y), YUAN),
                Item(_("in cash"), yuan["cash"], links.ledger("donations", **y), YUAN, True),
                Item(_("in goods"), yuan["goods"], links.ledger("donations", **y), YUAN, True),
                Item(_("Donors"), kept["donations"]["donors"], links.ledger("donations", **y)),
                Item(
                    _("Campaigns"),
                    kept["donations"]["campaigns"],
                    links.ledger("donations", **y),
                ),
            ],
        ),
        Section(
            "duty",
            _("The rotating executive chair"),
            [
                Item(_("Duty months served"), duty.served, links.ledger("duty", **y)),
                Item(_("Leaders who served"), duty.chairs, links.ledger("duty", **y)),
                Item(_("Seconded staff"), duty.secondees, links.ledger("duty", **y)),
                Item(_("Duty-log entries"), duty.entries, links.ledger("duty", **y)),
                Item(_("Monthly summaries written"), duty.summaries, links.ledger("duty", **y)),
            ],
        ),
    ]
    return Report(
        year=year,
        period=period,
        sections=sections,
        growth=figures.Growth(**kept["growth"]),
    )

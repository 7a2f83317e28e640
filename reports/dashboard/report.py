"""The yearly work report (年度工作总结的数据): the figures a federation reports for a year.

Each figure is computed by `figures` and carries a link to the ledger that lists what was
counted. The page, its printable form and the workbook are drawn from the same `Report`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.choices import PartyOrganisation
from petitions.models import Status, Suggestion

from . import figures, links

PERCENT = "%"
YUAN = _("yuan")


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
    data = figures.for_year(year, today=today)
    period, roll, events, petitions = data.period, data.roll, data.events, data.petitions
    suggestions, donations, duty = data.suggestions, data.donations, data.duty
    membership = figures.membership(period)
    totals = petitions.report.total
    y = {"year": year}

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
                    if data.is_partial
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
                    roll.covered,
                    links.ledger("party", covered=1),
                ),
                Item(
                    _("with their own party organisation"),
                    roll.party[PartyOrganisation.OWN_BRANCH],
                    links.ledger("party", kind=PartyOrganisation.OWN_BRANCH),
                    indent=True,
                ),
                Item(
                    _("in a joint party branch"),
                    roll.party[PartyOrganisation.JOINT_BRANCH],
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
                    roll.party[PartyOrganisation.INSTRUCTOR],
                    links.ledger("party", kind=PartyOrganisation.INSTRUCTOR),
                ),
                Item(
                    _("Party members in member enterprises with a party organisation"),
                    roll.party_members,
                    links.ledger("party", covered=1),
                ),
                Item(
                    _("Party-organisation coverage"),
                    roll.coverage_rate,
                    links.ledger("party", covered=1),
                    PERCENT,
                ),
            ],
        ),
        Section(
            "events",
            _("Events and service activities"),
            [
                Item(_("Events held"), events.total.events, links.ledger("events", **y)),
                Item(
                    _("Participants checked in"),
                    events.total.participants,
                    links.ledger("attendance", checked_in=1, **y),
                ),
                Item(
                    _("Participating enterprises"),
                    events.total.enterprises,
                    links.ledger("attendance", checked_in=1, **y),
                ),
                *[
                    Item(
                        _("%(field)s: events (participating enterprises: %(n)s)")
                        % {"field": label, "n": events.by_field[key].enterprises},
                        events.by_field[key].events,
                        links.ledger("events", **y),
                        indent=True,
                    )
                    for key, (label, _kinds) in figures.FIELDS.items()
                ],
            ],
        ),
        Section(
            "petitions",
            _("Petitions from enterprises"),
            [
                Item(_("Petitions filed"), totals.filed, links.petitions(**y)),
                Item(
                    _("Closed"),
                    petitions.closed,
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
                    suggestions.total.submitted,
                    links.ledger("suggestions", **y),
                ),
                Item(
                    _("Sent up to higher bodies"),
                    suggestions.total.sent,
                    links.ledger("suggestions", state="sent", **y),
                ),
                Item(
                    _("Forwarded on to the municipal or national federation"),
                    suggestions.total.forwarded,
                    links.ledger("suggestions", state="forwarded", **y),
                ),
                Item(
                    _("Adopted"),
                    suggestions.total.adopted,
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
                Item(_("Donations in all"), donations.total, links.ledger("donations", **y), YUAN),
                Item(_("in cash"), donations.cash, links.ledger("donations", **y), YUAN, True),
                Item(_("in goods"), donations.goods, links.ledger("donations", **y), YUAN, True),
                Item(_("Donors"), donations.donors, links.ledger("donations", **y)),
                Item(
                    _("Campaigns"),
                    len(donations.campaigns),
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
        growth=data.growth,
    )

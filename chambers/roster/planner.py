"""Planning the rotating executive chair's roster: plain functions, no database.

The rules (issue: chambers and the rotating chair):
- whoever served longest ago goes first (never served counts as longest ago);
- nobody serves twice in a row while someone else can take the month;
- a month a leader declared unavailable is never given to them;
- fixed months (confirmed, or already begun) are never touched;
- the same input always gives the same roster (ties go by the leaders' order in the pool).
"""

from collections.abc import Hashable, Iterable, Sequence
from datetime import date

from core.months import add_months, month_end

LeaderId = Hashable


def within_month(day: date, month: date) -> date:
    """`day` if it falls in `month`, else the month's nearer end: the day a duty-log entry
    defaults to when the month is viewed before it begins or after it ended."""
    return min(max(day, month), month_end(month))


def plan_roster(
    months: Sequence[date],
    pool: Sequence[LeaderId],
    *,
    fixed: dict[date, LeaderId] | None = None,
    unavailable: Iterable[tuple[LeaderId, date]] = (),
    last_served: dict[LeaderId, date] | None = None,
) -> dict[date, LeaderId | None]:
    """Assign a leader from `pool` to each month; fixed months keep their leader.

    `last_served` gives each leader's most recent month before the range. A month nobody in
    the pool can take is None: a gap for staff to fill by hand.
    """
    fixed = dict(fixed or {})
    blocked = set(unavailable)
    served = dict(last_served or {})
    rank = {leader: i for i, leader in enumerate(pool)}
    roster: dict[date, LeaderId | None] = {}
    previous: LeaderId | None = None
    ordered = sorted(set(months))
    if ordered:
        previous = fixed.get(add_months(ordered[0], -1))
        if previous is None:
            before = [
                (m, leader) for leader, m in served.items() if m == add_months(ordered[0], -1)
            ]
            previous = before[0][1] if before else None
    for month in ordered:
        if month in fixed:
            leader = fixed[month]
        else:
            following = fixed.get(add_months(month, 1))
            candidates = [leader for leader in pool if (leader, month) not in blocked]
            # Not twice in a row, on either side of a fixed month, while others can serve;
            # if that leaves nobody, at least not right after the previous month's chair.
            choices = (
                [c for c in candidates if c not in (previous, following)]
                or [c for c in candidates if c != previous]
                or candidates
            )
            leader = (
                min(choices, key=lambda c: (served.get(c, date.min), rank[c])) if choices else None
            )
        roster[month] = leader
        if leader is not None:
            served[leader] = month
        previous = leader
    return roster

"""Yearly figures of suggestions and social-condition reports (docs/domain.md).

"Sent" counts what the federation sent on (to the district's committee or government, or to
the municipal federation) that year; "forwarded" what went one level further (by the municipal
federation to the national one); "adopted" what was adopted that year, by level.
"""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from core.counts import cached_aggregate

from .models import Suggestion


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of the year and of the next, in local time: a range of the indexed
    `created_at`, where its local date would be worked out row by row."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def yearly_figures(year: int) -> dict:
    """The year's figures, counted over every suggestion (what was sent or adopted this year
    may have been submitted earlier) and cached until a suggestion changes."""
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    in_year = {"gte": start, "lt": end}
    submitted_from, submitted_until = year_bounds(year)

    def between(field):
        return Q(**{f"{field}__{op}": day for op, day in in_year.items()})

    Level = Suggestion.Level
    figures = cached_aggregate(
        Suggestion.objects.all(),
        received=Count(
            "id", filter=Q(created_at__gte=submitted_from, created_at__lt=submitted_until)
        ),
        sent=Count("id", filter=between("sent_on") & ~Q(sent_to="")),
        forwarded=Count("id", filter=between("forwarded_on") & ~Q(forwarded_to="")),
        adopted=Count("id", filter=between("adopted_on") & ~Q(adopted_level="")),
        instructions=Count("id", filter=between("instruction_on") & ~Q(instruction="")),
        **{
            f"adopted_{level}": Count("id", filter=between("adopted_on") & Q(adopted_level=level))
            for level in Level.values
        },
    )
    figures["by_level"] = [(label, figures[f"adopted_{value}"]) for value, label in Level.choices]
    return figures

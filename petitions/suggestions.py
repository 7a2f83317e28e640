"""Yearly figures of suggestions and social-condition reports (docs/domain.md).

"Sent" counts what the federation sent on (to the district's committee or government, or to
the municipal federation) that year; "forwarded" what went one level further (by the municipal
federation to the national one); "adopted" what was adopted that year, by level.
"""

import datetime

from django.db.models import Count, Q

from .models import Suggestion


def yearly_figures(year: int) -> dict:
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    in_year = {"gte": start, "lt": end}

    def between(field):
        return Q(**{f"{field}__{op}": day for op, day in in_year.items()})

    Level = Suggestion.Level
    figures = Suggestion.objects.aggregate(
        received=Count("id", filter=Q(created_at__date__gte=start, created_at__date__lt=end)),
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

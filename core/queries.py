"""Query expressions every app may use."""

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def aggregate_of(queryset, key: str, aggregate):
    """`aggregate` over the rows of `queryset` whose `key` is the outer row, 0 when none.

    A correlated subquery per figure, so several counts over different relations do not
    multiply each other as joins would.
    """
    rows = (
        queryset.filter(**{key: OuterRef("pk")})
        .order_by()
        .values(key)
        .annotate(figure=aggregate)
        .values("figure")
    )
    return Coalesce(Subquery(rows), 0)

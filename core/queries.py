"""Query expressions every app may use."""

from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
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


def in_order(field: str, values) -> Case:
    """Sort by the declared order of a field's choices rather than alphabetically; a value
    not listed comes last."""
    whens = [When(**{field: value}, then=Value(i)) for i, value in enumerate(values)]
    return Case(*whens, default=Value(len(values)), output_field=IntegerField())

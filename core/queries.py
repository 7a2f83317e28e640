"""Query expressions every app may use, and `is_new_or_changed`: whether a rule applies to a
change."""

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


def is_new_or_changed(obj, *names: str) -> bool:
    """Whether a rule about `names` applies to `obj`: it is new, or one of those fields differs
    from its stored row (a rule added later does not hold up an edit of an older record that
    leaves the fields it is about alone). A foreign key is compared by its id."""
    if obj._state.adding or obj.pk is None:
        return True
    fields = [obj._meta.get_field(name) for name in names]
    stored = type(obj)._base_manager.filter(pk=obj.pk).values(*(f.attname for f in fields))
    row = stored.first()
    return row is None or any(row[f.attname] != getattr(obj, f.attname) for f in fields)

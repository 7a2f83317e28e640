"""core.queries.in_order: rows sorted by the declared order of a field's choices."""

import pytest

from core.queries import in_order
from members.models import Township

pytestmark = pytest.mark.django_db


def test_rows_follow_the_order_given_and_the_unlisted_come_last():
    Kind = Township.Kind
    kinds = list(
        Township.objects.served()
        .order_by(in_order("kind", [Kind.TOWNSHIP, Kind.STREET]), "code")
        .values_list("kind", flat=True)
    )
    assert kinds == sorted(kinds, key=[Kind.TOWNSHIP, Kind.STREET, Kind.TOWN].index)
    assert set(kinds) == set(Kind.values)

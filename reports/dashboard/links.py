"""Links from a figure to the list behind it: the ledgers, filtered to exactly what was counted."""

import datetime

from django.urls import reverse
from django.utils.http import urlencode


def ledger(name: str, **params) -> str:
    """`ledger("members", industry="C")` → /ledgers/members/?industry=C (empty values dropped)."""
    url = reverse(f"ledgers:{name}")
    query = {k: _text(v) for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def petitions(**params) -> str:
    query = {k: _text(v) for k, v in params.items() if v not in (None, "")}
    url = reverse("petitions:ledger")
    return f"{url}?{urlencode(query)}" if query else url


def funnel(year: int) -> str:
    """The policies' funnel page of the year, by issuing department with its totals."""
    return f"{reverse('policies:funnel')}?{urlencode({'year': year})}"


def funnel_enterprises(year: int, stage: str, department: int | None = None) -> str:
    """The enterprises behind one stage of the year's funnel: every department's policies, or
    one department's."""
    query = {"stage": stage, "year": year}
    if department is not None:
        query["department"] = department
    return f"{reverse('policies:funnel_enterprises')}?{urlencode(query)}"


def _text(value) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)

"""Petitions listed a page at a time: the enterprise's list, staff's list and the ledger's page.

Counting a million rows costs more than showing fifty, so these lists page with "previous /
next" only (a page reads one row more than it shows); the metrics page has the totals.
"""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from core.labels import with_labels

from .models import Category, Rating
from .states import Status, is_overdue

PAGE_SIZE = 50
LIST_FIELDS = [  # what the list shows (and `present` reads)
    "public_id",
    "tracking_number",
    "created_at",
    "title",
    "category",
    "status",
    "reply_due",
    "rating",
]
# The ledger's page adds who filed it, where it went and who handles it. The list reads
# none of them: their three joins were a third of the list's SQL time (EXPLAIN, 2026-12-06).
FIELDS = [*LIST_FIELDS, "enterprise__name", "department__name", "handler__real_name"]


class ListPage:
    def __init__(self, queryset: QuerySet, number: int):
        self.number = max(1, number)
        start = (self.number - 1) * PAGE_SIZE
        rows = list(queryset[start : start + PAGE_SIZE + 1])
        self.has_next = len(rows) > PAGE_SIZE
        self.rows = rows[:PAGE_SIZE]
        self.has_previous = self.number > 1
        self.next_number = self.number + 1
        self.previous_number = self.number - 1


def present(rows: list[dict], *, now=None) -> list[dict]:
    """Ready-to-print values for a page of ledger rows.

    Done here rather than with template filters: on a 50-row page the filters (labels, dates,
    a URL per row) cost more than the query.
    """
    now = now or timezone.now()
    prefix = reverse("petitions:list")
    with_labels(rows, category=Category, status=Status, rating=Rating)
    tz = timezone.get_current_timezone()
    for row in rows:
        row["url"] = f"{prefix}{row['public_id']}/"
        # Dates, shown in the page's date format.
        row["filed"] = row["created_at"].astimezone(tz).date()
        row["due"] = row["reply_due"].astimezone(tz).date()
        row["badge"] = BADGES.get(row["status"], "primary")
        row["overdue"] = is_overdue(row["status"], row["reply_due"], now)
    return rows


BADGES = {
    Status.CLOSED: "success",
    Status.RATED: "success",
    Status.DECLINED: "secondary",
    Status.MERGED: "secondary",
    Status.REOPENED: "danger",
    Status.REPLIED: "info",
    Status.WAITING: "warning",
}


def page_number(raw) -> int:
    try:
        return min(max(int(raw), 1), 10_000)
    except (TypeError, ValueError):
        return 1


def rows(queryset: QuerySet, fields=FIELDS):
    return queryset.values(*fields).order_by("-created_at", "-id")

"""The petitions ledger (台账): its filters, a page without a total count, the Excel export.

Counting a million rows costs more than showing fifty, so the ledger pages with "previous /
next" only (it reads one row more than it shows); the metrics page has the totals.
"""

import datetime
import tempfile

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from . import metrics
from .models import Category, Channel, Rating, Urgency
from .states import CLOCK_RUNNING, Status

PAGE_SIZE = 50
LEDGER_FIELDS = [
    "public_id",
    "tracking_number",
    "created_at",
    "title",
    "category",
    "urgency",
    "status",
    "channel",
    "enterprise__name",
    "department__name",
    "department_reference",
    "handler__real_name",
    "first_response_due",
    "responded_at",
    "reply_due",
    "replied_at",
    "rating",
    "reopen_count",
    "extensions",
    "escalated_at",
    "closed_at",
]


def filtered(queryset: QuerySet, data: dict, *, now=None) -> QuerySet:
    """Apply the ledger filter form's cleaned data."""
    for name in ("status", "category", "urgency", "department", "handler"):
        if data.get(name):
            queryset = queryset.filter(**{name: data[name]})
    month = data.get("month")
    if month:
        start, end = metrics.month_bounds(month.replace(day=1))
        queryset = queryset.filter(created_at__gte=start, created_at__lt=end)
    year = data.get("year")
    if year:
        tz = timezone.get_current_timezone()
        queryset = queryset.filter(
            created_at__gte=datetime.datetime(year, 1, 1, tzinfo=tz),
            created_at__lt=datetime.datetime(year + 1, 1, 1, tzinfo=tz),
        )
    if data.get("overdue"):
        queryset = queryset.overdue(now)
    return queryset


class LedgerPage:
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
    labels = {
        "category": dict(Category.choices),
        "status": dict(Status.choices),
        "rating": dict(Rating.choices),
    }
    tz = timezone.get_current_timezone()
    for row in rows:
        row["url"] = f"{prefix}{row['public_id']}/"
        # Dates, shown in the page's date format.
        row["filed"] = row["created_at"].astimezone(tz).date()
        row["due"] = row["reply_due"].astimezone(tz).date()
        row["category_label"] = labels["category"].get(row["category"], "")
        row["status_label"] = labels["status"].get(row["status"], "")
        row["rating_label"] = labels["rating"].get(row["rating"], "")
        row["badge"] = BADGES.get(row["status"], "primary")
        row["overdue"] = row["status"] in CLOCK_RUNNING and row["reply_due"] < now
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


def rows(queryset: QuerySet):
    return queryset.values(*LEDGER_FIELDS).order_by("-created_at", "-id")


def _local(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def export_workbook(queryset: QuerySet, *, now=None):
    """Write the ledger to a temporary .xlsx file and return it, rewound.

    openpyxl's write-only mode streams rows to disk, and the rows are read from the database
    in chunks, so a ledger of any size takes constant memory.
    """

    labels = {
        "category": dict(Category.choices),
        "urgency": dict(Urgency.choices),
        "status": dict(Status.choices),
        "channel": dict(Channel.choices),
        "rating": dict(Rating.choices),
    }
    now = now or timezone.now()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Petitions"))
    sheet.append(
        [
            _("Tracking number"),
            _("Filed"),
            _("Title"),
            _("Category"),
            _("Urgency"),
            _("Status"),
            _("Channel"),
            _("Enterprise"),
            _("Department"),
            _("Department's reference"),
            _("Handler"),
            _("First response due"),
            _("First response"),
            _("Reply due"),
            _("Latest reply"),
            _("Rating"),
            _("Times reopened"),
            _("Extensions"),
            _("Escalated"),
            _("Closed"),
            _("Overdue"),
        ]
    )
    for row in rows(queryset).iterator(chunk_size=2000):
        overdue = row["status"] in CLOCK_RUNNING and row["reply_due"] < now
        sheet.append(
            [
                row["tracking_number"],
                _local(row["created_at"]),
                row["title"],
                str(labels["category"].get(row["category"], "")),
                str(labels["urgency"].get(row["urgency"], "")),
                str(labels["status"].get(row["status"], "")),
                str(labels["channel"].get(row["channel"], "")),
                row["enterprise__name"],
                row["department__name"] or "",
                row["department_reference"],
                row["handler__real_name"] or "",
                _local(row["first_response_due"]),
                _local(row["responded_at"]),
                _local(row["reply_due"]),
                _local(row["replied_at"]),
                str(labels["rating"].get(row["rating"], "")),
                row["reopen_count"],
                row["extensions"],
                _local(row["escalated_at"]),
                _local(row["closed_at"]),
                _("yes") if overdue else "",
            ]
        )
    # Not a `with` block: the caller streams the file and FileResponse closes it.
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(out)
    out.seek(0)
    return out

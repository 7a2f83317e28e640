"""The petition ledger (诉求台账) on the ledgers' base: its filters, columns and export.

It keeps its own page at /petitions/ledger/: a page of the petitions' list (previous / next
only, no total count, badges for status and overdue), with the metrics page for the totals.
A filter that does not validate is ignored, as it always was on this ledger.
"""

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions import listing, metrics
from petitions import states as petition_states
from petitions.models import Category, Channel, Petition, Rating, Urgency
from petitions.states import Status

from .base import BOOL, DATETIME, NUMBER, Column, Ledger, choices
from .filters import PetitionFilterForm


def is_overdue(row: dict) -> bool:
    """The row's answer to `Petition.objects.overdue()`."""
    return petition_states.is_overdue(row["status"], row["reply_due"], timezone.now())


class PetitionsLedger(Ledger):
    name = "petitions"
    title = _("Petition ledger")  # the sheet and the file
    description = _(
        "Every petition with its category, status, department, handler, deadlines and rating; "
        "filter by month or year filed."
    )
    ordering = ("-created_at", "-id")
    row_keys = ()
    columns = [
        Column(_("Tracking number"), "tracking_number", width=16),
        Column(_("Filed"), "created_at", DATETIME),
        Column(_("Title"), "title", width=40),
        Column(_("Category"), "category", choices=choices(Category), width=12),
        Column(_("Urgency"), "urgency", choices=choices(Urgency), width=8),
        Column(_("Status"), "status", choices=choices(Status), width=10),
        Column(_("Channel"), "channel", choices=choices(Channel), width=12),
        Column(_("Enterprise"), "enterprise__name", width=30),
        Column(_("Department"), "department__name", width=20),
        Column(_("Department's reference"), "department_reference", width=16),
        Column(_("Handler"), "handler__real_name", width=10),
        Column(_("First response due"), "first_response_due", DATETIME),
        Column(_("First response"), "responded_at", DATETIME),
        Column(_("Reply due"), "reply_due", DATETIME),
        Column(_("Latest reply"), "replied_at", DATETIME),
        Column(_("Rating"), "rating", choices=choices(Rating), width=8),
        Column(_("Times reopened"), "reopen_count", NUMBER, width=8),
        Column(_("Extensions"), "extensions", NUMBER, width=8),
        Column(_("Escalated"), "escalated_at", DATETIME),
        Column(_("Closed"), "closed_at", DATETIME),
        Column(_("Overdue"), kind=BOOL, get=is_overdue, needs=("status", "reply_due")),
    ]

    def get_queryset(self) -> QuerySet:
        return Petition.objects.all()

    def form(self, data) -> PetitionFilterForm:
        return PetitionFilterForm(data or None)

    def filtered(self, form: PetitionFilterForm, *, now=None) -> QuerySet:
        """The petitions the form's valid filters leave; all of them when it is not valid."""
        queryset = self.get_queryset()
        data = form.cleaned_data if form.is_valid() else {}
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

    def page(self, queryset: QuerySet, number) -> listing.ListPage:
        """A page of the petitions' list: read one row more than shown, never counted."""
        page = listing.ListPage(listing.rows(queryset), listing.page_number(number))
        listing.present(page.rows)
        return page


PETITIONS = PetitionsLedger()

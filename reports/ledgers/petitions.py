"""The petition ledger (诉求台账) on the ledgers' base: its filters, columns and export.

It keeps its own page at /petitions/ledger/: a page of the petitions' list (previous / next
only, no total count, badges for status and overdue), with the metrics page for the totals.
A filter that does not validate is answered as on every ledger: the field says why, the
page lists nothing and offers no export.
"""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions import listing
from petitions import states as petition_states
from petitions.models import Category, Channel, Petition, Rating, Urgency
from petitions.states import Status

from .base import BOOL, DATETIME, NUMBER, Column, Ledger, choices
from .filters import PetitionFilterForm, period


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
        return PetitionFilterForm(data or {})

    def filtered(self, form: PetitionFilterForm, *, now=None) -> QuerySet:
        """The petitions the form's filters leave; none when the form is not valid."""
        queryset = self.get_queryset()
        if not form.is_valid():
            return queryset.none()
        data = form.cleaned_data
        for name in ("status", "category", "urgency", "department", "handler"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        month = data.get("month")
        if month:
            queryset = queryset.filter(
                period("created_at", month.year, month.month, datetimes=True)
            )
        if data.get("year"):
            queryset = queryset.filter(period("created_at", data["year"], None, datetimes=True))
        if data.get("overdue"):
            queryset = queryset.overdue(now)
        return queryset

    def page(self, queryset: QuerySet, number) -> listing.ListPage:
        """A page of the petitions' list: read one row more than shown, never counted."""
        page = listing.ListPage(listing.rows(queryset), listing.page_number(number))
        listing.present(page.rows)
        return page


PETITIONS = PetitionsLedger()

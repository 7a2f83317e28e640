"""The dates a person can mean: every typed date in the portal is checked against one of these.

A browser's date input takes any year up to 9999 and down to 0001; a typing slip (20266 for
2026, 0026) would otherwise be stored, sorted first or last in every ledger, and counted in
every figure. Each field names the range a user would expect of it; the bounds are relative to
the day the form is filled in, so they never need updating. Model fields carry the validator
(the portal's forms and the admin both check it); plain form fields and filters carry it too.
"""

import contextlib
import datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .months import add_years


@deconstructible
class DateRange:
    """From `earliest` (a fixed day) to `years_ahead` years after today (0: today)."""

    def __init__(self, earliest: datetime.date, years_ahead: int = 0):
        self.earliest = earliest
        self.years_ahead = years_ahead

    def latest(self) -> datetime.date:
        return add_years(timezone.localdate(), self.years_ahead)

    def __call__(self, value):
        if isinstance(value, datetime.datetime):
            # (the first or last hours of year 1 or 9999 have no local time: their own day)
            with contextlib.suppress(OverflowError):
                value = timezone.localtime(value) if timezone.is_aware(value) else value
            value = value.date()
        latest = self.latest()
        if self.earliest <= value <= latest:
            return
        if self.years_ahead == 0 and value > latest:
            message = _("The date cannot be later than today (%(latest)s).")
        else:
            message = _("Enter a date from %(earliest)s to %(latest)s.")
        raise ValidationError(
            message,
            code="date_range",
            params={
                "earliest": formats.date_format(self.earliest),
                "latest": formats.date_format(latest),
            },
        )

    def __eq__(self, other):
        return isinstance(other, DateRange) and (self.earliest, self.years_ahead) == (
            other.earliest,
            other.years_ahead,
        )


# What has happened: a founding, joining or leaving, a training, a gift received, a
# suggestion sent. Not in the future; 1900 leaves room for the oldest firms (老字号).
PAST = DateRange(datetime.date(1900, 1, 1))
# Terms of office, posts and secondments: the federation's history and a term or two ahead.
TERMS = DateRange(datetime.date(1950, 1, 1), years_ahead=10)
# The calendar the portal plans and keeps: events, duty months, log days, holidays, deadlines.
CALENDAR = DateRange(datetime.date(2000, 1, 1), years_ahead=5)

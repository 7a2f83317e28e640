"""core.dates: the ranges a typed date is checked against, counted from today."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.dates import CALENDAR, PAST, TERMS, DateRange

D = datetime.date


@pytest.mark.parametrize(
    ("rule", "inside", "outside"),
    [
        (PAST, [D(1900, 1, 1), D(2026, 12, 6)], [D(1899, 12, 31), D(2026, 12, 7)]),
        (TERMS, [D(1950, 1, 1), D(2036, 12, 6)], [D(1949, 12, 31), D(2036, 12, 7)]),
        (CALENDAR, [D(2000, 1, 1), D(2031, 12, 6)], [D(1999, 12, 31), D(2031, 12, 7)]),
    ],
)  # fmt: skip
def test_ranges_are_counted_from_today(rule, inside, outside):
    with time_machine.travel(datetime.datetime(2026, 12, 6, 12, 0), tick=False):
        for day in inside:
            rule(day)
        for day in outside:
            with pytest.raises(ValidationError):
                rule(day)


def test_a_date_time_is_judged_by_its_local_day():
    with time_machine.travel(datetime.datetime(2026, 12, 6, 12, 0), tick=False):
        late_tonight = timezone.make_aware(datetime.datetime(2026, 12, 6, 23, 30))
        PAST(late_tonight)  # 15:30 UTC, still 6 December in Yanqing
        with pytest.raises(ValidationError):
            PAST(late_tonight + datetime.timedelta(hours=1))


def test_a_date_time_at_the_end_of_the_calendar_is_refused_not_an_error():
    last = datetime.datetime(9999, 12, 31, 23, 0, tzinfo=datetime.UTC)  # 07:00 next day here
    with pytest.raises(ValidationError):
        CALENDAR(last)


def test_a_range_ahead_from_29_february_ends_on_28_february():
    with time_machine.travel(datetime.datetime(2028, 2, 29, 12, 0), tick=False):
        assert DateRange(D(2000, 1, 1), years_ahead=5).latest() == D(2033, 2, 28)

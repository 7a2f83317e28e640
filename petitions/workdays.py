"""Working-day arithmetic on the Chinese calendar: pure functions, no database.

A deadline of "n working days" ends at the end of the n-th working day after the day the clock
started (the day of filing itself never counts, as in the 接诉即办 practice of counting from
the next day). Whether a day is a working day comes from a `WorkdayCalendar`:

1. an override from the federation's own holiday table (a staff-edited row wins over all);
2. the `chinesecalendar` package (statutory holidays and make-up working days, 调休);
3. for a year the package does not cover (it raises NotImplementedError), Monday to Friday.

The caller builds the calendar (petitions.deadlines.current_calendar reads the table); the
functions here take `is_workday` so tests can pass any calendar they like.
"""

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta

import chinese_calendar

IsWorkday = Callable[[date], bool]
DAY = timedelta(days=1)
# A working-day deadline or pause that runs past this many calendar days is a bug, not a date.
MAX_SCAN_DAYS = 3660


def package_is_workday(day: date) -> bool | None:
    """The package's answer, or None for a year it does not cover."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def weekday_is_workday(day: date) -> bool:
    return day.weekday() < 5


class WorkdayCalendar:
    """Which days are working days: overrides, then the package, then Monday–Friday."""

    def __init__(self, overrides: Mapping[date, bool] | None = None):
        self.overrides = dict(overrides or {})
        self._cache: dict[date, bool] = {}

    def __call__(self, day: date) -> bool:
        return self.is_workday(day)

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        cached = self._cache.get(day)
        if cached is None:
            answer = package_is_workday(day)
            cached = self._cache[day] = weekday_is_workday(day) if answer is None else answer
        return cached

    def covered_by_package(self, day: date) -> bool:
        return package_is_workday(day) is not None


def _end_of_day(day: date, tzinfo) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=tzinfo)


def nth_working_day_after(day: date, n: int, *, is_workday: IsWorkday) -> date:
    """The n-th working day strictly after `day` (n ≥ 1); `day` itself for n = 0."""
    if n < 0:
        raise ValueError("n must not be negative")
    current, found = day, 0
    for _ in range(MAX_SCAN_DAYS):
        if found == n:
            return current
        current += DAY
        if is_workday(current):
            found += 1
    raise ValueError("no such working day within ten years")


def add_working_days(start: datetime, n: int, *, is_workday: IsWorkday) -> datetime:
    """The end (23:59:59, in `start`'s timezone) of the n-th working day after `start`'s day.

    Filed on Tuesday 2025-09-30 with one working day: the National Day holiday runs from
    October 1 to 8, so the deadline is the end of Thursday 2025-10-09.
    """
    if n <= 0:
        return start
    day = nth_working_day_after(start.date(), n, is_workday=is_workday)
    return _end_of_day(day, start.tzinfo)


def working_seconds_between(start: datetime, end: datetime, *, is_workday: IsWorkday) -> float:
    """Seconds between two moments that fall on working days (whole days count, 24 h each).

    The clock of a petition stopped while waiting for the enterprise is moved on by this much
    when it restarts: a pause over a weekend or a holiday costs the deadline nothing extra.
    """
    if end <= start:
        return 0.0
    total = 0.0
    cursor = start
    for _ in range(MAX_SCAN_DAYS):
        if cursor >= end:
            break
        next_midnight = datetime.combine(cursor.date() + DAY, time.min, tzinfo=cursor.tzinfo)
        segment_end = min(next_midnight, end)
        if is_workday(cursor.date()):
            total += (segment_end - cursor).total_seconds()
        cursor = segment_end
    return total


def add_working_seconds(start: datetime, seconds: float, *, is_workday: IsWorkday) -> datetime:
    """`start` moved on by `seconds` of working-day time, skipping non-working days."""
    remaining = float(seconds)
    cursor = start
    for _ in range(MAX_SCAN_DAYS):
        if remaining <= 0:
            return cursor
        next_midnight = datetime.combine(cursor.date() + DAY, time.min, tzinfo=cursor.tzinfo)
        if is_workday(cursor.date()):
            available = (next_midnight - cursor).total_seconds()
            if remaining <= available:
                return cursor + timedelta(seconds=remaining)
            remaining -= available
        cursor = next_midnight
    raise ValueError("no such moment within ten years")


def working_days_after(start: datetime, n: int, *, is_workday: IsWorkday) -> datetime:
    """The same clock time n working days after `start`: for reminders (three working days
    after a reply), where the end of the day would be too late."""
    if n <= 0:
        return start
    day = nth_working_day_after(start.date(), n, is_workday=is_workday)
    return datetime.combine(day, start.timetz())

"""Calendar months and years: the one place that adds them and finds a month's last day.

A month is named by its first day (a `date` with day=1), as duty months, tallies and the
ledgers' periods store it.
"""

import datetime


def month_start(day: datetime.date) -> datetime.date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def add_months(day: datetime.date, n: int) -> datetime.date:
    """The first day of the month `n` months after `day`'s (before it when `n` < 0)."""
    index = day.year * 12 + (day.month - 1) + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(day: datetime.date) -> datetime.date:
    """The last day of `day`'s month."""
    return add_months(day, 1) - datetime.timedelta(days=1)


def add_years(day: datetime.date, n: int) -> datetime.date:
    """The same day `n` years later (earlier when `n` < 0); 29 February becomes 28 February
    in a year without it."""
    try:
        return day.replace(year=day.year + n)
    except ValueError:  # 29 February
        return day.replace(year=day.year + n, day=28)


def months_between(first: datetime.date, last: datetime.date) -> int:
    """How many months `last`'s month comes after `first`'s (0 for the same month)."""
    return (last.year - first.year) * 12 + last.month - first.month


def month_range(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first day of every month from `first`'s to `last`'s, both included."""
    return [add_months(first, n) for n in range(months_between(first, last) + 1)]

"""core.months: the one month arithmetic, at the ends of months and years."""

from datetime import date

import pytest

from core.months import add_months, add_years, month_end, month_range, month_start, months_between


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 1)),  # never 31 February, nor 3 March
        (date(2024, 2, 29), 12, date(2025, 2, 1)),
        (date(2026, 12, 15), 1, date(2027, 1, 1)),
        (date(2026, 1, 1), -1, date(2025, 12, 1)),
        (date(2026, 3, 31), -13, date(2025, 2, 1)),
        (date(2026, 12, 1), 0, date(2026, 12, 1)),
    ],
)
def test_add_months_lands_on_the_first_of_the_month(day, n, expected):
    assert add_months(day, n) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 1, 31), date(2026, 1, 31)),
        (date(2024, 2, 10), date(2024, 2, 29)),  # a leap year
        (date(2026, 2, 10), date(2026, 2, 28)),
        (date(2100, 2, 1), date(2100, 2, 28)),  # a century that is not a leap year
        (date(2026, 4, 30), date(2026, 4, 30)),
        (date(2026, 12, 31), date(2026, 12, 31)),
    ],
)
def test_month_end_is_the_last_day(day, expected):
    assert month_end(day) == expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2027, 2, 28), -3, date(2024, 2, 28)),
        (date(2026, 12, 31), -3, date(2023, 12, 31)),
    ],
)
def test_add_years_keeps_the_day_but_29_february(day, n, expected):
    assert add_years(day, n) == expected


def test_month_start_and_months_between():
    assert month_start(date(2024, 2, 29)) == date(2024, 2, 1)
    assert months_between(date(2026, 12, 31), date(2027, 1, 1)) == 1
    assert months_between(date(2026, 1, 31), date(2026, 1, 1)) == 0
    assert months_between(date(2027, 3, 1), date(2026, 3, 31)) == -12


def test_month_range_spans_the_new_year_and_is_empty_backwards():
    assert month_range(date(2026, 11, 15), date(2027, 2, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]
    assert month_range(date(2026, 2, 28), date(2026, 2, 1)) == [date(2026, 2, 1)]
    assert month_range(date(2026, 3, 1), date(2026, 2, 1)) == []

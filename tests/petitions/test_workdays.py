"""Working-day arithmetic on the Chinese calendar, without a database."""

import datetime

import pytest

from petitions.workdays import (
    WorkdayCalendar,
    add_working_days,
    add_working_seconds,
    nth_working_day_after,
    working_days_after,
    working_seconds_between,
)
from tests.conftest import at

D = datetime.date
calendar = WorkdayCalendar()


def test_national_day_2025_holidays_and_make_up_days():
    assert calendar(D(2025, 9, 28))  # a Sunday worked in lieu
    assert not any(calendar(D(2025, 10, d)) for d in range(1, 9))  # October 1-8 off
    assert calendar(D(2025, 10, 11))  # a Saturday worked in lieu
    assert not calendar(D(2025, 10, 12))


def test_one_working_day_before_national_day_lands_after_the_holiday():
    due = add_working_days(at(2025, 9, 30, 10, 0), 1, is_workday=calendar)
    assert due == at(2025, 10, 9, 23, 59, 59)


def test_the_make_up_saturday_counts_as_a_working_day():
    # October 9 (Thu), 10 (Fri), 11 (the make-up Saturday).
    assert add_working_days(at(2025, 9, 30, 10, 0), 3, is_workday=calendar) == at(
        2025, 10, 11, 23, 59, 59
    )


def test_the_make_up_sunday_before_national_day_counts():
    # Filed on Saturday 2025-09-27: Sunday the 28th is a working day.
    assert nth_working_day_after(D(2025, 9, 27), 1, is_workday=calendar) == D(2025, 9, 28)


def test_seven_working_days_across_national_day():
    # From Friday 2025-09-26: Sep 28, 29, 30, then Oct 9, 10, 11, 13.
    due = add_working_days(at(2025, 9, 26, 15, 0), 7, is_workday=calendar)
    assert due.date() == D(2025, 10, 13)


def test_spring_festival_2026_with_the_saturday_worked():
    assert calendar(D(2026, 2, 14))  # Saturday before the holiday, worked
    assert not any(calendar(D(2026, 2, d)) for d in range(15, 24))  # February 15-23 off
    # Filed Friday 2026-02-13: Saturday the 14th is the first working day, then the 24th.
    due = add_working_days(at(2026, 2, 13, 9, 0), 2, is_workday=calendar)
    assert due.date() == D(2026, 2, 24)


def test_fallback_after_the_package_years_is_monday_to_friday():
    assert not calendar.covered_by_package(D(2027, 1, 4))
    assert calendar(D(2027, 1, 4))  # a Monday
    assert not calendar(D(2027, 1, 9))  # a Saturday
    # Friday 2027-01-08 + 1 working day → Monday the 11th.
    assert add_working_days(at(2027, 1, 8, 9, 0), 1, is_workday=calendar).date() == D(2027, 1, 11)


def test_holiday_table_overrides_the_fallback_year():
    table = WorkdayCalendar({D(2027, 1, 1): False, D(2027, 2, 6): True, D(2027, 2, 8): False})
    assert not table(D(2027, 1, 1))  # a Friday, New Year's Day
    assert table(D(2027, 2, 6))  # a Saturday worked in lieu
    # Friday 2027-02-05 + 1: Saturday the 6th (worked); + 2: Tuesday the 9th (Monday off).
    assert add_working_days(at(2027, 2, 5, 9), 1, is_workday=table).date() == D(2027, 2, 6)
    assert add_working_days(at(2027, 2, 5, 9), 2, is_workday=table).date() == D(2027, 2, 9)


def test_holiday_table_overrides_the_package_too():
    table = WorkdayCalendar({D(2025, 10, 9): False})  # say the district gave a day off
    assert add_working_days(at(2025, 9, 30, 10), 1, is_workday=table).date() == D(2025, 10, 10)


def test_zero_days_is_the_start():
    start = at(2025, 10, 1, 8)
    assert add_working_days(start, 0, is_workday=calendar) == start


def test_negative_days_refused():
    with pytest.raises(ValueError):
        nth_working_day_after(D(2025, 10, 1), -1, is_workday=calendar)


def test_a_pause_over_the_holiday_costs_only_its_working_time():
    # Paused Tuesday 2025-09-30 12:00, resumed Thursday 2025-10-09 12:00: 12 h + 12 h.
    lost = working_seconds_between(at(2025, 9, 30, 12), at(2025, 10, 9, 12), is_workday=calendar)
    assert lost == 24 * 3600


def test_adding_working_seconds_skips_days_off():
    due = at(2025, 9, 30, 23, 59, 59)
    moved = add_working_seconds(due, 24 * 3600, is_workday=calendar)
    assert moved == at(2025, 10, 9, 23, 59, 59)


def test_reminder_three_working_days_after_keeps_the_clock_time():
    assert working_days_after(at(2026, 2, 12, 15), 3, is_workday=calendar) == at(2026, 2, 24, 15)

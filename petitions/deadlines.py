"""Deadlines of a petition from the staff-kept rules and the working-day calendar.

The arithmetic is in petitions.workdays (pure); this module only reads the two tables it needs:
`Holiday` (the federation's overrides) and `DeadlineRule`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from . import workdays
from .models import DeadlineRule, Holiday

# Used only if the rules table has lost its default row (the data migration creates it).
FALLBACK = {"first_response_hours": 24, "reply_working_days": 7, "complex_reply_working_days": 15}


def current_calendar() -> workdays.WorkdayCalendar:
    """The working-day calendar with every override in the holiday table (a small table)."""
    return workdays.WorkdayCalendar(dict(Holiday.objects.values_list("day", "is_workday")))


@dataclass(frozen=True)
class Limits:
    first_response_hours: int
    reply_working_days: int
    complex_reply_working_days: int
    reply_hours: int | None = None


def limits_for(category: str, urgency: str) -> Limits:
    """The most specific rule: (category, urgency), (category, any), (any, urgency), default."""
    rules = {
        (r.category, r.urgency): r
        for r in DeadlineRule.objects.filter(category__in=[category, ""], urgency__in=[urgency, ""])
    }
    for key in ((category, urgency), (category, ""), ("", urgency), ("", "")):
        rule = rules.get(key)
        if rule is not None:
            return Limits(
                rule.first_response_hours,
                rule.reply_working_days,
                rule.complex_reply_working_days,
                rule.reply_hours,
            )
    return Limits(**FALLBACK)


def first_response_due(filed_at: datetime, limits: Limits) -> datetime:
    return filed_at + timedelta(hours=limits.first_response_hours)


def reply_due(filed_at: datetime, limits: Limits, *, is_complex: bool, calendar) -> datetime:
    if limits.reply_hours and not is_complex:
        return filed_at + timedelta(hours=limits.reply_hours)
    days = limits.complex_reply_working_days if is_complex else limits.reply_working_days
    return workdays.add_working_days(timezone.localtime(filed_at), days, is_workday=calendar)


def extended(due: datetime, working_days: int, *, calendar) -> datetime:
    """An extension (延期) of `working_days` counted from the current deadline."""
    return workdays.add_working_days(timezone.localtime(due), working_days, is_workday=calendar)


def after_pause(due: datetime, paused_at: datetime, resumed_at: datetime, *, calendar) -> datetime:
    """The deadline moved on by the working time the clock was stopped."""
    start, end = timezone.localtime(paused_at), timezone.localtime(resumed_at)
    lost = workdays.working_seconds_between(start, end, is_workday=calendar)
    return workdays.add_working_seconds(timezone.localtime(due), lost, is_workday=calendar)

"""Scheduled duty-roster notices. One beat-driven daily scan; every notice has its key.

Each scan selects what is due on or before today and not yet sent, so a day the job did not
run is made up the next day, and a second run sends nothing twice.
"""

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from core.months import add_months, month_end, month_start
from notices.services import notify, notify_each

from .. import services
from ..models import DutyMonth

User = get_user_model()


def send_duty_reminders(today: date) -> int:
    """Remind the coming month's chair and seconded staff, DUTY_REMINDER_DAYS ahead."""
    horizon = today + timedelta(days=settings.DUTY_REMINDER_DAYS)
    sent = 0
    months = DutyMonth.objects.filter(month__gt=today, month__lte=horizon).select_related("chair")
    for duty_month in months.prefetch_related("secondments__user"):
        people = [duty_month.chair] if duty_month.chair else []
        people += [s.user for s in duty_month.secondments.all() if s.user]
        for person in people:
            sent += bool(
                notify(
                    recipient=person,
                    kind="duty_reminder",
                    key=f"duty_reminder:{duty_month.key}:{person.pk}",
                    context={"duty_month": duty_month},
                    link=services.duty_link(duty_month),
                )
            )
    return sent


def send_handovers(today: date) -> int:
    """On (or after) the first day, the chair gets the previous chair's summary."""
    duty_month = (
        DutyMonth.objects.filter(month=month_start(today), chair__isnull=False)
        .select_related("chair")
        .first()
    )
    if duty_month is None:
        return 0
    previous = DutyMonth.objects.filter(month=add_months(duty_month.month, -1)).first()
    notice = notify(
        recipient=duty_month.chair,
        kind="duty_handover",
        key=f"duty_handover:{duty_month.key}:{duty_month.chair_id}",
        context={"duty_month": duty_month, "previous": previous},
        link=services.duty_link(duty_month),
    )
    return int(notice is not None)


def alert_gaps(today: date) -> int:
    """Staff hear of any of the next two months with no chair."""
    sent = 0
    for ahead in (1, 2):
        month = add_months(month_start(today), ahead)
        if DutyMonth.objects.filter(month=month, chair__isnull=False).exists():
            continue
        sent += notify_each(  # told in the background
            User.objects.active_staff(),
            kind="duty_gap",
            key=f"duty_gap:{month:%Y-%m}",
            context={"month": month},
            link=reverse("roster:index"),
        )
    return sent


def remind_summaries(today: date) -> int:
    """From three days before the month ends, until written (or a month later)."""
    sent = 0
    candidates = DutyMonth.objects.filter(
        chair__isnull=False,
        summary="",
        month__lte=today,
        month__gte=add_months(month_start(today), -1),
    ).select_related("chair")
    for duty_month in candidates:
        if month_end(duty_month.month) - timedelta(days=3) > today:
            continue
        sent += bool(
            notify(
                recipient=duty_month.chair,
                kind="duty_summary_due",
                key=f"duty_summary_due:{duty_month.key}:{duty_month.chair_id}",
                context={"duty_month": duty_month},
                link=services.duty_link(duty_month),
            )
        )
    return sent


def run_duty_scan(today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    return {
        "advanced": services.advance_duty_months(today),
        "reminders": send_duty_reminders(today),
        "handovers": send_handovers(today),
        "gaps": alert_gaps(today),
        "summaries": remind_summaries(today),
    }


# Registered under its former module's name: django-celery-beat's PeriodicTask rows in
# existing databases name the task this way.
@shared_task(name="chambers.tasks.duty_scan", acks_late=True)
def duty_scan() -> dict[str, int]:
    return run_duty_scan()

"""Scheduled petition notices: one beat-driven scan; every notice has its de-duplication key.

Each part selects what is due on or before now and not yet sent (the key says what was sent),
so a run that was missed is made up by the next one, and a second run sends nothing twice.
A reminder or alert is keyed by the deadline's value: when a deadline moves (an extension, a
pause), the new deadline gets its own reminder.
"""

from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from chambers.models import Post
from core.months import add_months
from notices.services import notify

from . import deadlines, metrics, services, workdays
from .models import Petition
from .states import CLOCK_RUNNING, Status

User = get_user_model()

# Lead times, overridable in settings; the rating reminder follows a reply by working days.
FIRST_RESPONSE_LEAD = timedelta(hours=settings.PETITION_FIRST_RESPONSE_LEAD_HOURS)
REPLY_LEAD = timedelta(hours=settings.PETITION_REPLY_LEAD_HOURS)
RATING_REMINDER_WORKING_DAYS = settings.PETITION_RATING_REMINDER_WORKING_DAYS
LEADERSHIP_POSITIONS = [Post.Position.CHAIR, Post.Position.VICE_CHAIR]
DIGEST_LIST_LENGTH = 30


def _stamp(moment: datetime) -> str:
    return f"{int(moment.timestamp())}"


def _handling_people(petition) -> list:
    if petition.handler_id:
        return [petition.handler]
    return list(User.objects.active_staff())


def _send(people, *, kind, key, petition, **context) -> int:
    sent = 0
    for person in people:
        sent += bool(
            notify(
                recipient=person,
                kind=kind,
                key=f"{key}:{person.pk}",
                context={"petition": petition, **context},
                link=services.petition_link(petition),
            )
        )
    return sent


def send_due_reminders(now: datetime) -> int:
    """Before the first-response and the reply deadline, once per deadline value."""
    sent = 0
    unanswered = Petition.objects.filter(
        status=Status.SUBMITTED,
        responded_at__isnull=True,
        first_response_due__gt=now,
        first_response_due__lte=now + FIRST_RESPONSE_LEAD,
    ).select_related("handler")
    for petition in unanswered:
        due = petition.first_response_due
        sent += _send(
            _handling_people(petition),
            kind="petition_due_soon",
            petition=petition,
            key=f"petition_due_soon:first:{petition.pk}:{_stamp(due)}",
            due=due,
            first=True,
        )
    replies = Petition.objects.filter(
        status__in=CLOCK_RUNNING, reply_due__gt=now, reply_due__lte=now + REPLY_LEAD
    ).select_related("handler")
    for petition in replies:
        due = petition.reply_due
        sent += _send(
            _handling_people(petition),
            kind="petition_due_soon",
            petition=petition,
            key=f"petition_due_soon:reply:{petition.pk}:{_stamp(due)}",
            due=due,
            first=False,
        )
    return sent


def send_overdue_alerts(now: datetime) -> int:
    """Past a deadline: the handler and the secretariat's leads, once per deadline value."""
    sent = 0
    leads = list(services.staff_leads())
    unanswered = Petition.objects.filter(
        status=Status.SUBMITTED, responded_at__isnull=True, first_response_due__lte=now
    ).select_related("handler")
    for petition in unanswered:
        due = petition.first_response_due
        people = {p.pk: p for p in [*_handling_people(petition), *leads]}.values()
        sent += _send(
            people,
            kind="petition_overdue",
            petition=petition,
            key=f"petition_overdue:first:{petition.pk}:{_stamp(due)}",
            due=due,
            first=True,
        )
    for petition in Petition.objects.overdue(now).select_related("handler"):
        due = petition.reply_due
        people = {p.pk: p for p in [*_handling_people(petition), *leads]}.values()
        sent += _send(
            people,
            kind="petition_overdue",
            petition=petition,
            key=f"petition_overdue:reply:{petition.pk}:{_stamp(due)}",
            due=due,
            first=False,
        )
    return sent


def send_rating_reminders(now: datetime) -> int:
    """One reminder to rate, some working days after a reply that is still not rated."""
    sent = 0
    calendar = deadlines.current_calendar()
    waiting = Petition.objects.filter(
        status=Status.REPLIED,
        replied_at__lte=now - timedelta(days=RATING_REMINDER_WORKING_DAYS),
    ).select_related("filed_by")
    for petition in waiting:
        remind_at = workdays.working_days_after(
            timezone.localtime(petition.replied_at),
            RATING_REMINDER_WORKING_DAYS,
            is_workday=calendar,
        )
        if remind_at > now:
            continue
        sent += _send(
            services.enterprise_recipients(petition),
            kind="petition_rate_reminder",
            petition=petition,
            key=f"petition_rate_reminder:{petition.pk}:{_stamp(petition.replied_at)}",
        )
    return sent


def leadership(day) -> list:
    """The federation's chair and vice-chairs holding their posts on `day`."""
    posts = (
        Post.objects.current(day)
        .filter(term__organization__kind="federation", position__in=LEADERSHIP_POSITIONS)
        .select_related("holder")
    )
    people = {p.holder_id: p.holder for p in posts if p.holder.is_active}
    return list(people.values())


def send_weekly_digest(now: datetime) -> int:
    """Once per ISO week (the first scan of the week): the overdue petitions, to leadership."""
    local = timezone.localtime(now)
    year, week, _ = local.isocalendar()
    overdue = Petition.objects.overdue(now)
    count = overdue.count()
    oldest = list(
        overdue.select_related("department", "enterprise").order_by("reply_due")[
            :DIGEST_LIST_LENGTH
        ]
    )
    sent = 0
    for person in leadership(local.date()):
        sent += bool(
            notify(
                recipient=person,
                kind="petition_overdue_digest",
                key=f"petition_overdue_digest:{year}-W{week:02d}:{person.pk}",
                context={"count": count, "oldest": oldest, "week": f"{year}-W{week:02d}"},
                link=reverse("petitions:ledger") + "?overdue=on",
            )
        )
    return sent


def run_petition_scan(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    previous_month = add_months(timezone.localtime(now).date(), -1)
    return {
        "reminders": send_due_reminders(now),
        "overdue": send_overdue_alerts(now),
        "rating_reminders": send_rating_reminders(now),
        "digest": send_weekly_digest(now),
        # Self-healing: a tally refresh lost with a worker is redone within the hour.
        "tallies": metrics.rebuild_tallies(since=previous_month),
    }


@shared_task(acks_late=True)
def petition_scan() -> dict[str, int]:
    return run_petition_scan()

"""The periodic tasks beat runs, in one list.

After `migrate` (post_migrate) each exists in the database, named and described in the
portal's language, and beat reads only the database: staff change a schedule in the admin
(*周期任务*) and it stays as they set it. A task already in the database is left alone, so
migrating again neither duplicates nor resets it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import jobs
from notices.services import SWEEP_EVERY


@dataclass(frozen=True)
class Schedule:
    task: str
    seconds: int
    name: str | Promise
    description: str | Promise


def default_schedules() -> list[Schedule]:
    schedules = [
        Schedule(
            "notices.tasks.deliver_pending_emails",
            # notices.services.SWEEP_EVERY: a delivery a crashed worker left resumes within 90 s.
            int(SWEEP_EVERY.total_seconds()),
            _("Send the e-mails held back"),
            _(
                "Queues the e-mails of notices that are waiting: held back by a broker outage, "
                "failed and due again after their back-off, or left by a worker that stopped."
            ),
        ),
        Schedule(
            "chambers.tasks.duty_scan",
            # Hourly: a scan is cheap, and a missed day is made up at once.
            3600,
            _("Duty roster reminders"),
            _(
                "Reminds the coming month's chair and seconded staff, hands over on the first "
                "day, tells staff of months without a chair, asks for the month's summary."
            ),
        ),
        Schedule(
            "events.tasks.event_scan",
            900,
            _("Event notices"),
            _(
                "Sends invitations at their planned time, the day-before reminders, reminders "
                "to those who have not answered, and the thank-you after an event."
            ),
        ),
        Schedule(
            "petitions.tasks.petition_scan",
            3600,
            _("Petition deadlines"),
            _(
                "Reminds handlers of deadlines coming and passed, enterprises of replies to "
                "rate, and sends the weekly digest."
            ),
        ),
        Schedule(
            "policies.announcements.tasks.announcement_sweep",
            # A minute: an announcement set for 9:00 goes out by 9:01.
            60,
            _("Scheduled announcements"),
            _(
                "Sends the announcements whose set time has come, and any whose sending "
                "was interrupted."
            ),
        ),
        Schedule(
            "policies.tasks.policy_scan",
            # Hourly, like the petitions' scan: a reminder is due by the day, and once each.
            3600,
            _("Policy reminders"),
            _(
                "Tells the enterprises an open policy is for that have not heard of it yet, and "
                "reminds those that have not marked it handled that its applications close "
                "within the set number of days."
            ),
        ),
        Schedule(
            "core.tasks.sweep_jobs",
            # core.jobs.SWEEP_EVERY: a job a broker outage held starts within about 4 minutes.
            int(jobs.SWEEP_EVERY.total_seconds()),
            _("Background jobs"),
            _(
                "Queues again the background jobs still waiting (held back by a broker "
                "outage), fails those stopped by the time limit or a worker that died and "
                "tells their owners, and deletes jobs and their files older than the kept time."
            ),
        ),
    ]
    if settings.REPORT_FIGURES_SECONDS:
        schedules.append(
            Schedule(
                "reports.tasks.keep_report_figures",
                settings.REPORT_FIGURES_SECONDS,
                _("Yearly report figures"),
                _(
                    "Computes this year's work-report figures so far and keeps them, and last "
                    "year's final figures once the year is over; older years are computed when "
                    "staff first open them."
                ),
            )
        )
    if settings.DASHBOARD_CACHE_SECONDS:
        schedules.append(
            Schedule(
                "ylqgsl.tasks.refresh_dashboard",
                settings.DASHBOARD_CACHE_SECONDS,
                _("Dashboard figures"),
                _("Computes this year's and last year's dashboard figures ahead."),
            )
        )
    return schedules


# The names these tasks had when the settings held the schedules. Beat wrote those rows from
# the settings each time it started, so they hold nothing staff set: they give way to the
# list above (an old e-mail sweep every 5 minutes would break the 2-minute promise).
FORMER_NAMES = [
    "notices-deliver-pending-emails",
    "chambers-duty-scan",
    "events-scan",
    "petitions-scan",
    "dashboard-refresh",
]


def install_schedules(**kwargs) -> None:
    """Create each periodic task that is not in the database yet (a post_migrate receiver)."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    PeriodicTask.objects.filter(name__in=FORMER_NAMES).delete()
    existing = set(PeriodicTask.objects.values_list("task", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        for schedule in default_schedules():
            if schedule.task in existing:
                continue
            interval, _created = IntervalSchedule.objects.get_or_create(
                every=schedule.seconds, period=IntervalSchedule.SECONDS
            )
            PeriodicTask.objects.create(
                name=str(schedule.name),
                task=schedule.task,
                interval=interval,
                description=str(schedule.description),
            )

"""Pure helpers behind the pages: the month grid, the iCal feed, QR codes, the attendee sheet."""

import calendar as stdlib_calendar
import datetime
import io
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as ICalEvent

from core import excel
from core.jobs import Outcome
from core.months import add_months

from .models import Event, Registration


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    events: list = field(default_factory=list)


def month_grid(year: int, month: int, events) -> list[list[Day]]:
    """Weeks (Monday first) of the month, each day with the events on it.

    An event spanning several days (a study visit, a campaign) shows on each of its days
    inside the grid.
    """
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    days = {d: Day(d, d.month == month) for week in weeks for d in week}
    for event in events:
        day = timezone.localtime(event.starts_at).date()
        last = timezone.localtime(event.ends_at).date()
        while day <= last:
            if day in days:
                days[day].events.append(event)
            day += datetime.timedelta(days=1)
    return [[days[d] for d in week] for week in weeks]


def grid_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1] + datetime.timedelta(days=1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time(), tz),
        datetime.datetime.combine(last, datetime.time(), tz),
    )


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    shifted = add_months(datetime.date(year, month, 1), delta)
    return shifted.year, shifted.month


def build_ical(events) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//ylqgsl//events//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    with translation.override(settings.LANGUAGE_CODE):
        cal.add("x-wr-calname", _("Events") + f" · {settings.PORTAL_NAME}")
        for event in events:
            item = ICalEvent()
            item.add("uid", f"event-{event.public_id}@ylqgsl")
            item.add("dtstamp", timezone.now())
            item.add("dtstart", event.starts_at)
            item.add("dtend", event.ends_at)
            item.add("summary", event.title)
            item.add("location", event.venue)
            item.add(
                "description", f"{event.get_kind_display()} · {event.organizer or ''}".strip(" ·")
            )
            item.add("url", settings.SITE_URL + reverse("events:detail", args=[event.public_id]))
            item.add(
                "status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED"
            )
            cal.add_component(item)
    return cal.to_ical()


def checkin_url(registration: Registration) -> str:
    """What the QR code holds: the staff check-in page for this registration."""
    return settings.SITE_URL + reverse("events:checkin_scan", args=[registration.checkin_token])


def qr_svg(text: str) -> bytes:
    """The code as SVG, with one fixed mask pattern: every mask gives a valid code the phones
    read, and trying all eight for the best one took 4.1 of the 5.6 ms of CPU the code cost
    (most of the QR pages' time, bench/README.md)."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False, mask=0).save(out, kind="svg", scale=6, border=2)
    return out.getvalue()


def attendees_workbook(event: Event, registrations, progress=None) -> Outcome:
    """The attendee list as Excel (台账), in the reader's language, written row by row
    (`progress`, a background job's, counts them)."""
    header = [
        _("Name"),
        _("Enterprise or organisation"),
        _("Mobile phone"),
        _("People"),
        _("Status"),
        _("Invited"),
        _("Walk-in"),
        _("Registered"),
        _("Checked in"),
    ]
    rows = (
        [
            r.person_name,
            r.attendee_organisation,
            r.mobile,
            r.seats,
            r.get_status_display(),
            _("yes") if r.invitation_id else "",
            _("yes") if r.walk_in else "",
            r.created_at,
            r.checked_in_at,
        ]
        for r in (
            progress.counted(registrations.iterator(chunk_size=2000), registrations.count())
            if progress is not None
            else registrations.iterator(chunk_size=2000)
        )
    )
    book = excel.Workbook()
    sheet = book.sheet(
        _("Attendees"),
        above=[[event.title, event.starts_at]],
        header=header,
        widths=[12, 30, 14, 6, 10, 6, 6, 17, 17],
    )
    for row in rows:
        sheet.append(row)
    title = _("Attendees of %(event)s") % {"event": event.title}
    return Outcome(file=book.save(), title=title)

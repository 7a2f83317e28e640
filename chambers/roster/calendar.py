"""The roster as iCalendar (RFC 5545), for phone calendar apps, behind revocable secret links."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core.labels import with_labels
from core.months import add_months

from ..models import CalendarToken, DutyMonth


def user_for_token(token: str):
    found = (
        CalendarToken.objects.select_related("user")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        raise Http404
    return found.user


def revoke_tokens(user) -> None:
    CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def build_calendar(months, *, language: str, own) -> bytes:
    """The months as an iCalendar feed in `language`; those whose pk is in `own` are the
    reader's ("my month"). Made only of what it is given: the whole roster's feed is kept in
    the page cache under the language and `own`."""
    cal = Calendar()
    cal.add("prodid", "-//ylqgsl//duty roster//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    with translation.override(language):
        cal.add("x-wr-calname", _("Duty roster") + f" · {settings.PORTAL_NAME}")
        nobody = _("(nobody yet)")
        for duty_month in with_labels(list(months), status=DutyMonth.Status):
            event = Event()
            event.add("uid", f"duty-{duty_month.key}-{duty_month.pk}@ylqgsl")
            event.add("dtstamp", timezone.now())
            # An all-day event over the whole month (DTEND is exclusive).
            event.add("dtstart", duty_month.month)
            event.add("dtend", add_months(duty_month.month, 1))
            chair = str(duty_month.chair or nobody)
            if duty_month.pk in own:
                event.add("summary", _("My month as executive chair"))
            else:
                event.add("summary", _("Executive chair: %(name)s") % {"name": chair})
            event.add("description", duty_month.status_label)
            event.add("url", f"{settings.SITE_URL}/roster/{duty_month.key}/")
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return cal.to_ical()


def ical_response(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="roster.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response

"""The events' background jobs: sending the invitations now, a large attendee list."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.jobs import Outcome, register

from . import calendar, services
from .models import Event, Registration

SEND_INVITATIONS = "event_invitations"
ATTENDEES_EXPORT = "attendees_export"


@register(SEND_INVITATIONS, gettext_lazy("Sending invitations"))
def send_invitations(job, progress) -> Outcome:
    """Every invitation of the event not sent yet, each once (safe to run again)."""
    event = Event.objects.get(pk=job.params["event"])
    sent = services.send_due_invitations(timezone.now(), event=event, progress=progress)
    return Outcome(
        summary=_("%(count)d invitations sent.") % {"count": sent}, figures={"sent": sent}
    )


def attendees(event: Event):
    registrations = event.registrations.exclude(status=Registration.Status.CANCELLED)
    return registrations.select_related("enterprise")


@register(ATTENDEES_EXPORT, gettext_lazy("Attendee list export"))
def export_attendees(job, progress) -> Outcome:
    event = Event.objects.get(pk=job.params["event"])
    outcome = calendar.attendees_workbook(event, attendees(event), progress)
    outcome.summary = _("%(count)s rows exported.") % {"count": job.done}
    return outcome

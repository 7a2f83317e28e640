"""The events' background jobs: sending the invitations or the reminders now, telling the
invitees without an account of a cancellation, a large attendee list."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.jobs import JobError, Outcome, register

from . import calendar, services
from .models import Event, Registration

SEND_INVITATIONS = "event_invitations"
ATTENDEES_EXPORT = "attendees_export"
SEND_REMINDERS = "event_reminders"
TELL_CANCELLED = "event_cancelled_guests"


@register(SEND_INVITATIONS, gettext_lazy("Sending invitations"))
def send_invitations(job, progress) -> Outcome:
    """Every invitation of the event not sent yet, each once (safe to run again)."""
    event = Event.objects.get(pk=job.params["event"])
    sent = services.send_due_invitations(timezone.now(), event=event, progress=progress)
    return Outcome(
        summary=_("%(count)d invitations sent.") % {"count": sent}, figures={"sent": sent}
    )


@register(SEND_REMINDERS, gettext_lazy("Reminding invitees"))
def send_reminders(job, progress) -> Outcome:
    """Every invitee who has not answered, reminded once (safe to run again)."""
    event = Event.objects.get(pk=job.params["event"])
    try:
        sent = services.remind_non_responders(event=event, progress=progress)
    except services.TransitionError as error:  # the event began or was cancelled meanwhile
        raise JobError(str(error)) from error
    return Outcome(
        summary=_("%(count)d invitees reminded.") % {"count": sent}, figures={"sent": sent}
    )


@register(TELL_CANCELLED, gettext_lazy("Telling invitees of a cancellation"))
def tell_cancelled(job, progress) -> Outcome:
    """Every invitee without an account e-mailed that the event is cancelled, once each."""
    event = Event.objects.get(pk=job.params["event"])
    sent = services.email_guests_cancelled(event, progress=progress)
    return Outcome(
        summary=_("%(count)d invitees without an account e-mailed of the cancellation.")
        % {"count": sent},
        figures={"sent": sent},
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

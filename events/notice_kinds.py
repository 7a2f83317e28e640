from django.utils.translation import gettext_lazy as _

from notices.kinds import register

register("event_invitation", _("You are invited to an event"))
register("event_invitation_reminder", _("An invitation still waits for your answer"))
register("event_reminder", _("An event you attend is tomorrow"))
register("event_thanks", _("Thank you for coming, with a feedback form"))
register("event_promoted", _("You have a seat: promoted from the waiting list"))
register("event_cancelled", _("An event you registered for was cancelled"))
register("event_registration_decided", _("Your event registration was decided"))

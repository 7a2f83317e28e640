from django.utils.translation import gettext_lazy as _

from notices.kinds import register

register("duty_reminder", _("Your month as executive chair or seconded staff is coming"))
register("duty_handover", _("Your duty month begins: the handover"))
register("duty_gap", _("A coming month has no executive chair"))
register("duty_summary_due", _("Time to write the month's summary"))
register("swap_requested", _("A leader asks you to swap duty months"))
register("swap_answered", _("Your swap request was answered"))
register("swap_to_approve", _("A duty swap awaits approval"))
register("swap_decided", _("A duty swap was decided"))

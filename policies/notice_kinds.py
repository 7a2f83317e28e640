from django.utils.translation import gettext_lazy as _

from notices.kinds import register

register("policy_for_you", _("A policy your enterprise matches"))
register("policy_followed", _("A new policy in a topic or department you follow"))
register("policy_closing", _("Reminder: applications for a policy close soon"))

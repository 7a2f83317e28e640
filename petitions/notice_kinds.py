from django.utils.translation import gettext_lazy as _

from notices.kinds import register

register("petition_received", _("Your petition was received"))
register("petition_new", _("A new petition was filed"))
register("petition_assigned", _("A petition was given to you to handle"))
register("petition_update", _("News about a petition"))
register("petition_rate_request", _("A petition was answered: please rate the reply"))
register("petition_rate_reminder", _("Reminder: please rate the reply to your petition"))
register("petition_due_soon", _("A petition's deadline is near"))
register("petition_overdue", _("A petition is past its deadline"))
register("petition_escalated", _("A petition was escalated"))
register("petition_overdue_digest", _("Weekly digest of overdue petitions"))

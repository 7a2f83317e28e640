from django.utils.translation import gettext_lazy as _

from notices.kinds import register

register("application_received", _("Your membership application was received"))
register("application_new", _("A new membership application awaits review"))
register("application_approved", _("Your membership application was approved"))
register("application_rejected", _("Your membership application was rejected"))
register("account_exists", _("Someone tried to register with your e-mail address"), optional=False)
register("membership_changed", _("Your membership status changed"))
register("password_reset", _("A link to reset your password"), optional=False)
register("federation_message", _("A message from the federation"))
register("qualification_rejected", _("A qualification you declared was not verified"))

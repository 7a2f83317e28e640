from django.utils.translation import gettext_lazy as _

from notices.kinds import register

APPLICATION_RECEIVED = register(
    "application_received", _("Your membership application was received")
)
APPLICATION_NEW = register("application_new", _("A new membership application awaits review"))
APPLICATION_APPROVED = register(
    "application_approved", _("Your membership application was approved")
)
APPLICATION_REJECTED = register(
    "application_rejected", _("Your membership application was rejected")
)
ACCOUNT_EXISTS = register(
    "account_exists", _("Someone tried to register with your e-mail address"), optional=False
)
MEMBERSHIP_CHANGED = register("membership_changed", _("Your membership status changed"))
FEDERATION_MESSAGE = register("federation_message", _("A message from the federation"))

from django.utils.translation import gettext_lazy as _

from notices.kinds import register

from .admin_errors import KIND

register(KIND, _("An error report for the site's administrators"), optional=False)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies and announcements")

    def ready(self):
        from . import notice_kinds, push  # noqa: F401  (notice kinds; profile-change receivers)

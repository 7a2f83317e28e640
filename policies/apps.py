from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies and announcements")

    def ready(self):
        from .announcements import jobs, notice_kinds, tasks  # noqa: F401  (kinds, jobs, tasks)

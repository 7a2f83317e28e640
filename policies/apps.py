from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies and announcements")

    def ready(self):
        # Notice kinds, jobs and tasks; the profile-change receivers; the funnel's export job.
        from . import funnel, notice_kinds, push  # noqa: F401
        from .announcements import jobs, tasks  # noqa: F401
        from .announcements import notice_kinds as announcement_kinds  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from . import (
            jobs,  # noqa: F401  (registers the import and the export as background jobs)
            notice_kinds,  # noqa: F401  (registers this app's notice kinds)
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChambersConfig(AppConfig):
    name = "chambers"
    verbose_name = _("Chambers and the duty roster")

    def ready(self):
        from . import notice_kinds  # noqa: F401  (registers this app's notice kinds)
        from .roster import tasks  # noqa: F401  (Celery's autodiscovery looks in chambers.tasks only)

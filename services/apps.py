from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Services to members")

    def ready(self):
        from . import notice_kinds  # noqa: F401  (registers this app's notice kinds)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Infrastructure")

    def ready(self):
        from . import stamps  # noqa: F401  (renews stamps after each write, from the start)

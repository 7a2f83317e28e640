from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from . import (
            jobs,  # noqa: F401  (registers the invitations' send and the attendees' export)
            notice_kinds,  # noqa: F401  (registers this app's notice kinds)
        )

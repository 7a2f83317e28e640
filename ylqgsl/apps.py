from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ylqgsl"

    def ready(self):
        from . import (
            checks,  # noqa: F401 — registers the portal's system checks
            jobs,  # noqa: F401 — a job's owner is told when it is over
        )

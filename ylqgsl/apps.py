from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "ylqgsl"

    def ready(self):
        from core.secretariat import install_group

        from . import (
            checks,  # noqa: F401 — registers the portal's system checks
            jobs,  # noqa: F401 — a job's owner is told when it is over
        )
        from .schedules import install_schedules

        # Sent once per app with models after `migrate`; this package has none, so the
        # schedules are installed with the app whose tables hold them.
        post_migrate.connect(install_schedules, sender=apps.get_app_config("django_celery_beat"))
        # The secretariat's permissions exist once the last app with models has had its
        # post_migrate (Django's receiver that makes them runs for each app, before this one).
        last = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(install_group, sender=last)

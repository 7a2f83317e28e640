from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import notice_kinds  # noqa: F401  (registers this app's notice kinds)
        from .counts import renew_generation

        enterprise = self.get_model("Enterprise")
        post_save.connect(renew_generation, sender=enterprise, dispatch_uid="enterprise_count")
        post_delete.connect(renew_generation, sender=enterprise, dispatch_uid="enterprise_count")

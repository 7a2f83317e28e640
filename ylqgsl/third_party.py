"""Other packages' apps as the portal names them (their own names are untranslated)."""

from axes.apps import AppConfig as BaseAxesConfig
from django.contrib.admin.apps import AdminConfig as BaseAdminConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(BaseAxesConfig):
    verbose_name = _("Login protection")


class AdminConfig(BaseAdminConfig):
    default_site = "core.admin.PortalAdminSite"  # every add page adds once

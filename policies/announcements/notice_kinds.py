from django.utils.translation import gettext_lazy as _

from notices.kinds import register

register("announcement", _("An announcement from the federation"))
register("announcement_reminder", _("A reminder of an announcement you have not read"))

from django.utils.translation import gettext_lazy as _

from notices.kinds import register

register("service_recorded", _("A service to your enterprise was recorded: please rate it"))

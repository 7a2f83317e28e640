"""Other packages' admin pages with the labels they leave untranslated (the names of their
fields and columns written in English in their code, not through gettext)."""

import copy

from axes.admin import AccessAttemptAdmin as BaseAccessAttemptAdmin
from axes.models import AccessAttempt
from cron_descriptor import Options, get_description
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import CrontabScheduleAdmin as BaseCrontabScheduleAdmin
from django_celery_beat.admin import PeriodicTaskAdmin as BasePeriodicTaskAdmin
from django_celery_beat.admin import PeriodicTaskInline as BasePeriodicTaskInline
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from core.admin import PermissionsOfAdminPages


def in_words(crontab) -> str:
    """A cron schedule described in the page's language (django-celery-beat's is English)."""
    if crontab is None:
        return ""
    options = Options()
    options.use_24hour_time_format = True
    options.locale_code = "zh_CN" if translation.get_language() == "zh-hans" else "en_US"
    expression = " ".join(str(crontab).split()[:5])
    return f"{get_description(expression, options)} {crontab.timezone}"


class TaskNameFilter(admin.AllValuesFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("task name")


class AccessAttemptAdmin(BaseAccessAttemptAdmin):
    @admin.display(description=_("status"))
    def status(self, obj):
        return super().status(obj)


class PeriodicTaskAdmin(BasePeriodicTaskAdmin):
    list_filter = [
        ("task", TaskNameFilter) if name == "task" else name
        for name in BasePeriodicTaskAdmin.list_filter
    ]
    # What a task runs, with what and where: the administrators'. Staff (the secretariat)
    # change when a task runs, whether it is on, and its description.
    SCHEDULE_ONLY = ("enabled", "description", "interval", "crontab", "start_time")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser:
            for name, field in form.base_fields.items():
                if name not in self.SCHEDULE_ONLY:
                    # A copy: a declared field is the same object in every form class.
                    form.base_fields[name] = copy.copy(field)
                    form.base_fields[name].disabled = True
        return form

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("run_tasks", None)  # runs any task now
        return actions

    @admin.display(description=_("schedule in words"))
    def crontab_translation(self, obj):
        return in_words(obj.crontab if obj else None)

    @admin.display(description=_("schedule"))
    def scheduler(self, obj):
        return obj.scheduler


class PeriodicTaskInline(BasePeriodicTaskInline):
    fields = ("name", "task_name", "args", "kwargs")
    readonly_fields = fields

    @admin.display(description=_("task name"))
    def task_name(self, obj):
        return obj.task


class CrontabScheduleAdmin(BaseCrontabScheduleAdmin):
    inlines = [PeriodicTaskInline]

    @admin.display(description=_("schedule in words"))
    def human_readable(self, obj):
        return in_words(obj)

    list_display = ("__str__", "human_readable")
    readonly_fields = ("human_readable",)


for model, model_admin in [
    (AccessAttempt, AccessAttemptAdmin),
    (PeriodicTask, PeriodicTaskAdmin),
    (CrontabSchedule, CrontabScheduleAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
# The other schedules' pages list their tasks with the same inline.
for model in (ClockedSchedule, IntervalSchedule, SolarSchedule):
    model_admin = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(
        model,
        type(
            model_admin.__name__,
            (model_admin,),
            {"__module__": __name__, "inlines": [PeriodicTaskInline]},
        ),
    )


class GroupAdmin(PermissionsOfAdminPages, BaseGroupAdmin):
    pass


admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)

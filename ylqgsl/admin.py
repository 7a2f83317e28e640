"""Other packages' admin pages with the labels they leave untranslated (the names of their
fields and columns written in English in their code, not through gettext)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import CrontabScheduleAdmin as BaseCrontabScheduleAdmin
from django_celery_beat.admin import PeriodicTaskAdmin as BasePeriodicTaskAdmin
from django_celery_beat.models import CrontabSchedule, PeriodicTask


class TaskNameFilter(admin.AllValuesFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("task name")


class PeriodicTaskAdmin(BasePeriodicTaskAdmin):
    list_filter = [
        ("task", TaskNameFilter) if name == "task" else name
        for name in BasePeriodicTaskAdmin.list_filter
    ]

    @admin.display(description=_("schedule in words"))
    def crontab_translation(self, obj):
        return super().crontab_translation(obj)


class CrontabScheduleAdmin(BaseCrontabScheduleAdmin):
    @admin.display(description=_("schedule in words"))
    def human_readable(self, obj):
        return obj.human_readable

    list_display = ("__str__", "human_readable")
    readonly_fields = ("human_readable",)


for model, model_admin in [
    (PeriodicTask, PeriodicTaskAdmin),
    (CrontabSchedule, CrontabScheduleAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)

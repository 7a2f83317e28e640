"""Schedules beat wrote from the settings before they lived in ylqgsl/schedules.py."""

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from notices.services import SWEEP_EVERY
from ylqgsl.schedules import install_schedules

pytestmark = pytest.mark.django_db


def test_a_schedule_the_settings_used_to_write_gives_way_to_the_list():
    PeriodicTask.objects.filter(task="notices.tasks.deliver_pending_emails").delete()
    five_minutes, _ = IntervalSchedule.objects.get_or_create(
        every=300, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.create(
        name="notices-deliver-pending-emails",
        task="notices.tasks.deliver_pending_emails",
        interval=five_minutes,
    )

    install_schedules()

    [sweep] = PeriodicTask.objects.filter(task="notices.tasks.deliver_pending_emails")
    assert sweep.interval.every == SWEEP_EVERY.total_seconds() == 30
    assert sweep.name != "notices-deliver-pending-emails"

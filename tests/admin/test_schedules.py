"""The periodic tasks exist after `migrate`, named and described in Chinese, and beat reads
them from the database only: what staff set in the admin stays."""

import re

import pytest
from django.core.management import call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from ylqgsl.celery import app
from ylqgsl.schedules import default_schedules

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.django_db
def test_every_schedule_exists_after_migrate_named_in_chinese():
    """The test database was built by `migrate`; nothing else made these rows."""
    for schedule in default_schedules():
        task = PeriodicTask.objects.get(task=schedule.task)
        assert task.enabled
        assert task.interval.every == schedule.seconds
        assert task.interval.period == IntervalSchedule.SECONDS
        assert HAN.search(task.name) and not re.search(r"[A-Za-z]", task.name)
        assert HAN.search(task.description)
    assert PeriodicTask.objects.count() == len(default_schedules())


@pytest.mark.django_db
def test_migrating_again_keeps_what_staff_changed():
    task = PeriodicTask.objects.get(task="petitions.tasks.petition_scan")
    task.interval = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.HOURS)
    task.enabled = False
    task.save()
    call_command("migrate", verbosity=0)
    task.refresh_from_db()
    assert (task.interval.every, task.interval.period, task.enabled) == (2, "hours", False)
    assert PeriodicTask.objects.count() == len(default_schedules())


def test_beat_starting_writes_nothing_over_the_database():
    """On start beat writes its configured schedule (and, with results kept, a clean-up
    task) over the rows of the same name: the portal gives it neither."""
    assert app.conf.beat_schedule == {}
    assert not app.conf.result_expires
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"

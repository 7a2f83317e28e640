from datetime import date

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from chambers.models import (
    DutyLogEntry,
    DutyMonth,
    FourGoodEvaluation,
    Organization,
    Secondment,
    Unavailability,
)
from events.models import Donation, Event
from members.models import PublicPost, RepresentativePerson, RepresentativeTag, TrainingRecord
from notices.models import EmailOptOut
from petitions.models import Department, Holiday
from services.models import Partner


@pytest.fixture
def every_kind_of_row(cast):
    """The permission matrix's cast, and a row of each model it leaves empty."""
    every_day = CrontabSchedule.objects.create(minute="0", hour="8")
    PeriodicTask.objects.create(
        name="morning", task="notices.tasks.deliver_pending_emails", crontab=every_day
    )
    IntervalSchedule.objects.get_or_create(every=5, period=IntervalSchedule.MINUTES)
    ClockedSchedule.objects.create(clocked_time="2030-01-01T08:00:00+08:00")
    SolarSchedule.objects.create(event="sunrise", latitude=40.46, longitude=115.97)
    AccessAttempt.objects.create(
        username="someone@ylqgsl.test", ip_address="10.0.0.1", failures_since_start=2
    )
    AccessLog.objects.create(username="someone@ylqgsl.test", ip_address="10.0.0.1")
    AccessFailureLog.objects.create(username="someone@ylqgsl.test", ip_address="10.0.0.1")
    _args, users = cast
    user_a, leader = users["enterprise_a"], users["leader"]
    enterprise = user_a.enterprise
    Group.objects.create(name="理事会")
    person = RepresentativePerson.objects.create(name="刘强", gender="m", enterprise=enterprise)
    person.tags.add(RepresentativeTag.objects.create(name="新生代"))
    PublicPost.objects.create(person=person, kind="npc", level="district", term="第十届")
    TrainingRecord.objects.create(person=person, name="理想信念教育", attended_on=date(2025, 5, 1))
    EmailOptOut.objects.create(user=user_a, kind="event_thanks")
    chamber = Organization.objects.get(slug="ice")
    FourGoodEvaluation.objects.create(
        organization=chamber, year=2025, level="district", political_guidance="good",
        team_building="good", service="good", self_discipline="fair",
    )  # fmt: skip
    month = DutyMonth.objects.get(month=date(2030, 1, 1))
    DutyLogEntry.objects.create(
        duty_month=month, author=leader, day=date(2030, 1, 2), kind="visit", text="走访会员"
    )
    Secondment.objects.create(
        duty_month=month, person_name="王挂职", enterprise=enterprise, starts_on=date(2030, 1, 2),
        ends_on=date(2030, 1, 31),
    )  # fmt: skip
    Unavailability.objects.create(user=leader, month=date(2030, 3, 1), reason="出差")
    Donation.objects.create(
        event=Event.objects.first(), enterprise=enterprise, cash_yuan=1000,
        received_on=date(2025, 6, 1),
    )  # fmt: skip
    Department.objects.create(name="区发展改革委", code="fgw")
    Holiday.objects.create(day=date(2030, 10, 12), name="国庆调休", is_workday=True)
    Partner.objects.create(name="北京延庆律师事务所", kind="law_firm")
    return cast

"""Every admin page in the page's language: each registered model's changelist, add form and
the change form of one of its rows, in Chinese and in English, walked with the same reader of
shown text as the portal's pages (tests/test_languages.py)."""

from datetime import date

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
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
    Unavailability,
)
from events.models import Donation, Event
from members.models import PublicPost, RepresentativePerson, RepresentativeTag, TrainingRecord
from notices.models import EmailOptOut
from petitions.models import Department, Holiday
from tests.conftest import client_for
from tests.test_languages import stored_texts, walk
from tests.test_permissions import cast  # noqa: F401 (a fixture)


def admin_pages(superuser, site=admin.site):
    """The index, each app's index, and per model its changelist, add form (where records
    are added here) and the change form and history of its first row. A model without a row
    fails: every form is walked."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    pages, empty = [reverse("admin:index")], []
    for app_label in sorted({m._meta.app_label for m in site._registry}):
        pages.append(reverse("admin:app_list", args=[app_label]))
    for model, model_admin in site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model._default_manager.first()
        if obj is None:
            empty.append(model._meta.label)
            continue
        pages.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        pages.append(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
    return pages, empty


@pytest.fixture
def every_kind_of_row(cast):  # noqa: F811
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
    Group.objects.create(name="秘书处")
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
    Unavailability.objects.create(user=leader, month=date(2030, 3, 1), reason="出差")
    Donation.objects.create(
        event=Event.objects.first(), enterprise=enterprise, cash_yuan=1000,
        received_on=date(2025, 6, 1),
    )  # fmt: skip
    Department.objects.create(name="区发展改革委", code="fgw")
    Holiday.objects.create(day=date(2030, 10, 12), name="国庆调休", is_workday=True)
    return cast


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_admin_page_is_in_the_pages_language(every_kind_of_row, language):
    _args, users = every_kind_of_row
    superuser = users["staff"]
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    pages, empty = admin_pages(superuser)
    client = client_for(superuser)
    failed = [p for p in pages if client.get(p).status_code != 200]
    findings = walk(client, pages, language, stored_texts())
    assert not findings, "\n".join(f"{path}: {sorted(words)}" for path, words in findings.items())
    assert not failed, f"admin pages that do not open: {failed}"
    assert not empty, f"models without a row to open: {empty}"

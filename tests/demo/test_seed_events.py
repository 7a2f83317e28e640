"""`manage.py seed_events` (part of seed_demo): eighteen months of a federation's events."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from events.models import Donation, Event, Invitation, RaisedProblem, Registration
from members.models import User
from tests.conftest import TZ

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loaded_on_a_fixed_day():
    """Events are dated from the day the demo is loaded; tests/test_demo.py tries other days."""
    moment = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def seeded():
    out = StringIO()
    call_command("seed_members", quiet=True, stdout=out)
    call_command("seed_chambers", quiet=True, stdout=out)
    call_command("seed_events", stdout=out)
    return out


def test_needs_the_members_demo_first():
    with pytest.raises(CommandError):
        call_command("seed_events", stdout=StringIO())
    assert not Event.objects.exists()


def test_a_year_and_a_half_of_events_and_a_second_run_changes_nothing(seeded):
    counts = (
        Event.objects.count(),
        Registration.objects.count(),
        Invitation.objects.count(),
        Donation.objects.count(),
        RaisedProblem.objects.count(),
    )
    call_command("seed_events", stdout=StringIO())
    assert (
        Event.objects.count(),
        Registration.objects.count(),
        Invitation.objects.count(),
        Donation.objects.count(),
        RaisedProblem.objects.count(),
    ) == counts

    breakfasts = Event.objects.filter(kind=Event.Kind.BREAKFAST, status="finished")
    months = {e.starts_at.strftime("%Y-%m") for e in breakfasts}
    assert len(months) == breakfasts.count() == 18  # one a month, 2025-06 … 2026-11
    officials = Invitation.objects.filter(
        event__in=breakfasts, user__isnull=True, enterprise__isnull=True
    )
    assert officials.count() == 36 and all("区" in i.guest_title for i in officials)
    assert RaisedProblem.objects.filter(event__in=breakfasts).count() >= 36

    education = Event.objects.filter(
        kind__in=["lecture", "training", "study_visit"], status="finished"
    )
    reached = Registration.objects.filter(event__in=education, checked_in_at__isnull=False)
    assert reached.count() > 1000
    assert Event.objects.filter(kind="financing_fair").count() == 4
    assert Event.objects.filter(kind="recruitment_fair", starts_at__month=4).count() == 4

    flood = Event.objects.get(kind=Event.Kind.CHARITY)
    totals = flood.donations.totals()
    assert (totals["cash"], totals["goods"]) == (Decimal("2889700"), Decimal("301160"))
    assert flood.donations.filter(organization__isnull=False).count() == 4


def test_one_event_open_for_registration_and_one_meeting_awaiting_answers(seeded):
    open_now = [e for e in Event.objects.filter(status="published") if e.is_open_for_registration]
    assert len(open_now) == 1
    assert open_now[0].registrations.count() < open_now[0].capacity
    meeting = Event.objects.get(status="published", audience="invitation")
    assert meeting.invitations.filter(response="pending").count() >= 5
    member = User.objects.get(email="member@ylqgsl.demo")
    assert meeting.invitations.get(enterprise=member.enterprise).user == member


def test_a_run_after_the_coming_events_finishes_them_and_adds_no_meeting(seeded):
    coming = set(Event.objects.filter(status="published").values_list("pk", flat=True))
    assert len(coming) == 2
    counts = (Event.objects.count(), Registration.objects.count(), Invitation.objects.count())
    later = datetime.datetime(2027, 1, 10, 10, 0, tzinfo=TZ)
    with time_machine.travel(later, tick=False):
        out = StringIO()
        call_command("seed_events", stdout=out)
    assert (Event.objects.count(), Registration.objects.count(), Invitation.objects.count()) == (
        counts
    )
    for event in Event.objects.filter(pk__in=coming):
        assert event.status == Event.Status.FINISHED
        # Finished as the hourly scan finishes an event: its history says so.
        assert event.history.first().history_change_reason == "ended"
    assert "已结束 2 个" in out.getvalue()
    breakfasts = Event.objects.filter(kind=Event.Kind.BREAKFAST)
    months = [e.starts_at.strftime("%Y-%m") for e in breakfasts]
    assert len(months) == len(set(months))  # never two breakfast meetings in a month

"""`manage.py seed_events` (part of seed_demo): eighteen months of a federation's events."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from events.models import Donation, Event, Invitation, RaisedProblem, Registration
from members.models import User
from notices.models import Notice
from tests.conftest import TZ

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loaded_on_a_fixed_day():
    """Events are dated from the day the demo is loaded (tests/demo/test_demo.py: other days)."""
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


def test_the_records_are_what_the_services_leave_each_at_its_moment(seeded):
    staff = User.objects.get(email="staff@ylqgsl.demo")
    now = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)

    # Staff created and published each event ahead of it; the hourly scan finished the past ones.
    for event in Event.objects.all():
        created, published = event.history.order_by("history_id")[:2]
        assert (created.history_type, created.status, created.history_user) == ("+", "draft", staff)
        assert (published.status, published.history_user) == ("published", staff)
        assert created.history_date == event.created_at < event.starts_at
        if event.status == Event.Status.FINISHED:
            ended = event.history.filter(status="finished").earliest("history_id")
            assert ended.history_change_reason == "ended" and ended.history_user is None
            assert ended.history_date == event.ends_at

    # Invitations went out at the planned time, were answered through their link, and an
    # accepted one holds the registration the answer made.
    invitations = Invitation.objects.select_related("event")
    assert all(i.sent_at == i.event.invitations_send_at for i in invitations)
    assert all(i.history.earliest("history_id").history_user == staff for i in invitations)
    answered = invitations.exclude(response="pending")
    assert answered.count() > 200
    assert all(i.sent_at < i.responded_at < i.event.starts_at for i in answered)
    for invitation in answered.filter(response="accepted"):
        registration = Registration.objects.get(invitation=invitation)
        assert registration.created_at == invitation.responded_at
        assert registration.status == Registration.Status.CONFIRMED
    assert not Registration.objects.filter(invitation__response="declined").exists()

    # Enterprises with an account registered themselves; those without came as walk-ins.
    by_account = Registration.objects.filter(user__isnull=False, invitation__isnull=True)
    assert by_account.exists()
    for registration in by_account.select_related("event"):
        assert registration.history.earliest("history_id").history_user == registration.user
        assert registration.created_at < registration.event.starts_at
    walk_ins = Registration.objects.filter(walk_in=True)
    assert walk_ins.count() > 1000
    assert not walk_ins.exclude(checked_in_at=models.F("created_at")).exists()
    assert not walk_ins.filter(user__isnull=False).exists()

    # Staff checked people in at the door, before the start and after they registered.
    checked = Registration.objects.filter(checked_in_at__isnull=False).select_related("event")
    assert not checked.exclude(checked_in_by=staff).exists()
    assert all(r.created_at <= r.checked_in_at < r.event.starts_at for r in checked)
    assert not Registration.objects.filter(checked_in_at__gt=now).exists()

    # Problems were recorded as the meeting ended; gifts the day they came in.
    for problem in RaisedProblem.objects.select_related("event"):
        assert (problem.recorded_by, problem.created_at) == (staff, problem.event.ends_at)
        assert problem.history.get().history_user == staff
    for donation in Donation.objects.all():
        record = donation.history.get()
        assert (record.history_user, record.history_date.date()) == (staff, donation.received_on)

    # The invitations' notices are the past's: in the inboxes, none e-mailed now.
    notices = Notice.objects.filter(kind="event_invitation")
    assert notices.filter(recipient__isnull=False).exists()
    assert not notices.exclude(email_state=Notice.EmailState.SKIPPED).exists()

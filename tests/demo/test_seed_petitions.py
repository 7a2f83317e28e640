"""The demo petitions: every status, some overdue, some reopened; a second run adds nothing.

They are filed and handled through petitions.services, each step at its moment: every
petition's summary, history, tracking number and notices are what the services leave.
"""

import datetime
from collections import defaultdict
from io import StringIO
from itertools import pairwise

import pytest
import time_machine
from django.core.management import call_command

from members.models import Application, User
from notices.models import Notice
from petitions.metrics import SUMMARY_FIELDS, summary_from_timeline
from petitions.models import Department, Petition, PetitionEvent, Suggestion, TrackingCounter
from petitions.states import TRANSITIONS, Action, Status
from petitions.suggestions import yearly_figures
from tests.conftest import TZ, at


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ))
def test_seed_petitions(settings):
    call_command("seed_members", quiet=True)
    call_command("seed_chambers", quiet=True)
    call_command("seed_petitions", quiet=True)
    count, events = Petition.objects.count(), PetitionEvent.objects.count()
    assert count >= 300
    assert set(Petition.objects.values_list("status", flat=True)) == set(Status.values)
    assert Petition.objects.overdue(at(2026, 11, 20, 10)).exists()
    assert Petition.objects.filter(reopen_count__gt=0).count() >= 5
    assert Department.objects.filter(name="区金融办").exists()
    # Entered through the service by the demo staff account, before the first petition.
    first_filed = Petition.objects.earliest("created_at").created_at
    for department in Department.objects.all():
        record = department.history.get()
        assert record.history_user.email == "staff@ylqgsl.demo"
        assert record.history_date < first_filed
    for petition in Petition.objects.all():
        summary = summary_from_timeline(petition)
        assert {f: getattr(petition, f) for f in SUMMARY_FIELDS} == summary, petition
    # Over the twelve months before the demo was loaded: across two calendar years.
    figures = [yearly_figures(year) for year in (2025, 2026)]
    assert sum(f["forwarded"] for f in figures) == 22
    assert sum(f["adopted_national"] for f in figures) == 17
    assert Suggestion.objects.count() == 110
    call_command("seed_petitions", quiet=True)
    assert (Petition.objects.count(), PetitionEvent.objects.count()) == (count, events)


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ))
def test_every_petition_is_built_through_the_services():
    call_command("seed_demo", quiet=True, stdout=StringIO())
    petitions = Petition.objects.prefetch_related("events")
    history = defaultdict(list)
    for h in Petition.history.order_by("history_date", "history_id"):
        history[h.id].append((h.history_date, h.status, h.history_user_id))
    assert petitions.filter(raised_problem__isnull=False).count() >= 30
    for petition in petitions:
        events = sorted(petition.events.all(), key=lambda e: (e.at, e.pk))
        # One history record per step, at the step's moment, by the step's actor, in the
        # step's status; the version counts the steps (it starts at 1 when filed).
        assert history[petition.pk] == [(e.at, e.to_status, e.actor_id) for e in events], petition
        assert events[0].action == Action.FILE and events[0].at == petition.created_at
        assert petition.version == len(events)
        for before, after in pairwise(events):
            assert after.from_status == before.to_status, petition
            target = TRANSITIONS[after.action].target or before.to_status
            assert after.to_status == target, petition
    # The tracking numbers come from the year's counter, one after another.
    for counter in TrackingCounter.objects.all():
        numbers = sorted(
            Petition.objects.filter(tracking_number__startswith=f"YQ-{counter.year}-").values_list(
                "tracking_number", flat=True
            )
        )
        assert numbers == [f"YQ-{counter.year}-{n:06d}" for n in range(1, counter.last + 1)]
    # The enterprise heard of each of its filings as the services tell it; the past was
    # recorded in the inbox, and none of it is e-mailed now.
    member = User.objects.get(email="member@ylqgsl.demo")
    for petition in Petition.objects.filter(filed_by=member):
        assert Notice.objects.filter(
            recipient=member, key=f"petition_received:{petition.pk}:{member.pk}"
        ).exists()
    assert not Notice.objects.filter(email_state=Notice.EmailState.PENDING).exists()
    # Applications: filed by the applicant, and the rejected ones decided by staff, on record.
    for application in Application.objects.all():
        records = list(application.history.order_by("history_date"))
        assert records[0].history_user == application.applicant
        assert records[0].history_date == application.submitted_at
        if application.status == Application.Status.REJECTED:
            assert records[-1].history_user == application.decided_by
            assert records[-1].history_date == application.decided_at
    # Suggestions: submitted by their authors, their routing recorded by staff.
    for suggestion in Suggestion.objects.filter(sent_to__gt=""):
        records = list(suggestion.history.order_by("history_date"))
        assert records[0].history_user == suggestion.author
        assert records[-1].history_user.is_staff

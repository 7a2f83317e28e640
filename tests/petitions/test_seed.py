"""The demo petitions: every status, some overdue, some reopened; a second run adds nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from petitions.metrics import SUMMARY_FIELDS, summary_from_timeline
from petitions.models import Department, Petition, PetitionEvent, Suggestion
from petitions.states import Status
from petitions.suggestions import yearly_figures
from tests.conftest import at


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
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
    for petition in Petition.objects.order_by("?")[:40]:
        summary = summary_from_timeline(petition)
        assert {f: getattr(petition, f) for f in SUMMARY_FIELDS} == summary, petition
    # Over the twelve months before the demo was loaded: across two calendar years.
    figures = [yearly_figures(year) for year in (2025, 2026)]
    assert sum(f["forwarded"] for f in figures) == 22
    assert sum(f["adopted_national"] for f in figures) == 17
    assert Suggestion.objects.count() == 110
    call_command("seed_petitions", quiet=True)
    assert (Petition.objects.count(), PetitionEvent.objects.count()) == (count, events)

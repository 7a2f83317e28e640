"""The demo services and visits: a year of each up to the day the demo is loaded, built
through the services; the demo member has services to rate; a second run adds nothing."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from members.models import User
from notices.models import Notice
from petitions.models import Channel
from services.models import ServiceField, ServiceRecipient, ServiceRecord
from tests.conftest import TZ, client_for
from visits.models import Finding, Visit

NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_seed_services_builds_a_year_of_services_and_visits_once():
    call_command("seed_demo", quiet=True, stdout=StringIO())
    today, year_ago = NOW.date(), NOW.date() - datetime.timedelta(days=365)
    records = ServiceRecord.objects.all()
    assert 190 <= records.count() <= 210
    # Every field, dated within the year before the demo was loaded, recorded at that moment.
    assert set(records.values_list("field__code", flat=True)) == set(
        ServiceField.objects.values_list("code", flat=True)
    )
    assert not records.filter(given_on__gt=today).exists()
    assert not records.filter(given_on__lt=year_ago).exists()
    for record in records:
        assert record.created_at.astimezone(TZ).date() == record.given_on
        assert record.history.earliest().history_user == record.recorded_by
    # Outcomes in each field's terms; chambers and partners give some.
    assert not records.filter(field__code="finance", loan_yuan__isnull=True).exists()
    assert not records.filter(field__code="legal", legal_hours__isnull=True).exists()
    assert not records.filter(field__code="talent", people_placed__isnull=True).exists()
    assert records.filter(organization__isnull=False).count() >= 20
    assert records.filter(organization__isnull=False, recorded_by__is_staff=False).exists()
    assert records.filter(partner__isnull=False).count() >= 20
    rated = ServiceRecipient.objects.exclude(rating=ServiceRecipient.Rating.UNRATED)
    assert rated.count() >= 10
    for recipient in rated:
        assert recipient.rated_by.enterprise_id == recipient.enterprise_id
        assert recipient.record.given_on <= recipient.rated_at.astimezone(TZ).date()
        assert recipient.rated_at <= NOW
    # Sixty visits: most made, a few cancelled, a few ahead; a third found problems, some
    # filed as petitions on the enterprise's behalf.
    assert Visit.objects.count() == 60
    assert Visit.objects.filter(status=Visit.Status.PLANNED, planned_on__gt=today).count() == 4
    assert not Visit.objects.filter(status=Visit.Status.PLANNED, planned_on__lte=today).exists()
    assert Visit.objects.filter(status=Visit.Status.CANCELLED).count() == 4
    done = Visit.objects.filter(status=Visit.Status.DONE)
    assert not done.filter(done_on__gt=today).exists()
    assert not done.filter(done_on__lt=year_ago).exists()
    with_findings = done.filter(findings__isnull=False).distinct().count()
    assert 8 <= with_findings <= 30
    filed = Finding.objects.filter(petition__isnull=False)
    assert filed.exists()
    assert not filed.exclude(petition__channel=Channel.SURVEY_VISIT).exists()
    assert Visit.objects.filter(organizations__isnull=False).exists()
    assert not Notice.objects.filter(email_state=Notice.EmailState.PENDING).exists()
    counts = (
        ServiceRecord.objects.count(),
        ServiceRecipient.objects.count(),
        Visit.objects.count(),
    )
    call_command("seed_demo", quiet=True, stdout=StringIO())
    assert (
        ServiceRecord.objects.count(),
        ServiceRecipient.objects.count(),
        Visit.objects.count(),
    ) == counts


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_demo_logins_see_the_services_and_visits():
    call_command("seed_demo", quiet=True, stdout=StringIO())
    member = User.objects.get(email="member@ylqgsl.demo")
    received = ServiceRecipient.objects.filter(enterprise=member.enterprise)
    assert received.count() >= 4
    assert received.filter(rating=ServiceRecipient.Rating.UNRATED).count() >= 2
    response = client_for(member).get(reverse("services:mine"))
    assert response.status_code == 200
    content = response.content.decode()
    for recipient in received.select_related("record"):
        assert recipient.record.what in content
    # The latest it received waits for its rating.
    latest = received.order_by("-record__given_on").first()
    assert latest.rating == ServiceRecipient.Rating.UNRATED
    staff = client_for(User.objects.get(email="staff@ylqgsl.demo"))
    assert staff.get("/services/").status_code == 200
    assert staff.get("/visits/").status_code == 200

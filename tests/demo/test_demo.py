"""`manage.py seed_demo` builds the demo relative to the day it is loaded.

Loaded on any day (a month's first morning, a month's last evening, New Year's Day, today), the
vice-chair is the executive chair serving that month with seconded staff and a log under way,
events lie just past and ahead, petitions run up to now with every timeline in order, and
nothing is dated after now. Each demo login sees its own work on its pages.

The demo is loaded once per day tried (a module-wide fixture), and every test reads it.
"""

import datetime
from io import StringIO
from itertools import pairwise
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from chambers.models import (
    Affiliation,
    DutyLogEntry,
    DutyMonth,
    FourGoodEvaluation,
    Secondment,
    SwapRequest,
)
from core.months import month_start
from core.secretariat import GROUP_NAME
from events.models import Donation, Event, Invitation, Registration
from members.models import (
    Application,
    Enterprise,
    PublicPost,
    RepresentativePerson,
    TrainingRecord,
    User,
)
from notices.models import Notice
from petitions.models import Petition, PetitionEvent, Suggestion
from petitions.states import Action
from policies import eligibility
from policies.models import FollowUp, Policy
from services.models import ServiceRecipient, ServiceRecord
from tests.conftest import TZ, client_for
from visits.models import Finding, Visit

pytestmark = pytest.mark.django_db

BEIJING = TZ
MOMENTS = {
    "month-start": datetime.datetime(2027, 3, 1, 8, 30, tzinfo=BEIJING),
    "month-end": datetime.datetime(2027, 4, 30, 18, 0, tzinfo=BEIJING),
    "new-year": datetime.datetime(2028, 1, 1, 10, 0, tzinfo=BEIJING),  # a Saturday
    "today": None,
}
DOMAIN = "ylqgsl.demo"


@pytest.fixture(scope="module", params=list(MOMENTS), ids=list(MOMENTS))
def demo(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded at one moment, with the clock held there; rolled back afterwards."""
    moment = MOMENTS[request.param] or timezone.now().replace(microsecond=0)
    media = tmp_path_factory.mktemp("private")
    with (
        time_machine.travel(moment, tick=False),
        override_settings(PRIVATE_MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield SimpleNamespace(now=timezone.now(), output=out.getvalue())
        transaction.set_rollback(True)


@pytest.fixture
def now(demo):
    return demo.now


def login(email: str):
    return client_for(User.objects.get(email=f"{email}@{DOMAIN}"))


def test_seed_demo_seeds_every_app_and_prints_the_logins(demo):
    assert Enterprise.objects.count() == 700
    assert DutyMonth.objects.count() == 25
    assert Event.objects.exists()
    assert Petition.objects.count() >= 300
    assert Policy.objects.count() == 60
    for login_name in ("staff", "member", "applicant", "chair", "vicechair", "secondee"):
        assert f"{login_name}@{DOMAIN}" in demo.output


def test_the_vice_chair_serves_this_month_with_seconded_staff_and_a_log_under_way(now):
    today = timezone.localdate()
    serving = DutyMonth.objects.get(status=DutyMonth.Status.SERVING)
    assert serving.month == month_start(today)
    assert serving.chair.email == f"vicechair@{DOMAIN}"
    assert serving.secondments.filter(user__email=f"secondee@{DOMAIN}").exists()
    log = list(serving.log.all())
    assert log
    assert all(serving.month <= entry.day <= today for entry in log)
    # The months before are completed with their summaries; the next ones are planned.
    earlier = DutyMonth.objects.filter(month__lt=serving.month)
    assert earlier.count() == 12
    assert not earlier.exclude(status=DutyMonth.Status.COMPLETED).exists()
    assert not earlier.filter(summary="").exists()
    assert DutyMonth.objects.filter(month__gt=serving.month).count() == 12


def test_the_staffs_home_page_has_work_waiting_and_the_dashboard_opens(now):
    client = login("staff")
    queues = {q.key: q.count for q in client.get("/").context["queues"]}
    assert queues["applications"] == 6
    assert queues["petitions_new"] > 0
    assert queues["invitations"] > 0
    assert client.get("/dashboard/").status_code == 200


def test_the_demos_staff_who_are_not_superusers_use_the_admin_as_the_secretariat(now):
    staff = User.objects.filter(is_staff=True, is_superuser=False)
    assert sorted(staff.values_list("email", flat=True)) == [
        f"handler{i}@{DOMAIN}" for i in (1, 2, 3)
    ]
    assert not staff.exclude(groups__name=GROUP_NAME).exists()
    client = login("handler1")
    assert client.get(reverse("admin:members_enterprise_changelist")).status_code == 200
    assert client.get(reverse("admin:petitions_petition_changelist")).status_code == 200


def test_the_applicants_home_page_shows_the_application_under_review(now):
    applications = login("applicant").get("/").context["applications"]
    assert [a.status for a in applications] == [Application.Status.PENDING]


def test_the_roster_shows_the_vice_chair_serving(now):
    response = login("staff").get("/roster/")
    assert response.status_code == 200
    first = response.context["coming"][0]
    assert (first.month, first.status) == (response.context["this_month"], "serving")
    assert first.chair.email == f"vicechair@{DOMAIN}"
    assert first.chair.real_name in response.content.decode()


def test_the_serving_chair_sees_this_months_petitions(now):
    response = login("vicechair").get("/petitions/duty/")
    assert response.status_code == 200
    petitions = list(response.context["petitions"])
    assert petitions
    began = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0)
    assert all(began <= p.created_at <= now for p in petitions)


def test_the_vice_chairs_home_page_shows_the_month_serving(now):
    response = login("vicechair").get("/")
    assert response.context["next_duty"].month == month_start(timezone.localdate())
    assert b'id="next-duty"' in response.content


def test_the_chairs_home_page_shows_a_coming_month_and_a_swap_to_answer(now):
    client = login("chair")
    response = client.get("/")
    assert response.context["next_duty"].month > timezone.localdate()
    # (and, a member's user too, the federation's announcements of the last days)
    kinds = [n.kind for n in response.context["notices"]]
    assert [kind for kind in kinds if kind != "announcement"] == ["swap_requested"]
    swaps = list(client.get("/roster/mine/").context["swaps"])
    assert [(s.counterpart.email, s.status) for s in swaps] == [
        (f"chair@{DOMAIN}", SwapRequest.Status.REQUESTED)
    ]
    assert swaps[0].month.month > timezone.localdate()


def test_the_secondees_home_page_shows_the_secondment_and_the_log(now):
    client = login("secondee")
    response = client.get("/")
    secondment = response.context["secondment"]
    assert secondment.duty_month.month == month_start(timezone.localdate())
    assert b'id="secondment"' in response.content
    month_page = client.get(f"/roster/{secondment.duty_month.key}/")
    assert month_page.status_code == 200
    assert month_page.context["can_log"]
    assert list(month_page.context["log"])


def test_the_members_home_page_shows_its_petitions_and_an_invitation(now):
    response = login("member").get("/")
    statuses = {p.status for p in response.context["open_petitions"]}
    assert {"in_progress", "replied"} <= statuses
    assert response.context["pending_invitations"]


def test_the_member_matches_policies_open_today_and_has_marked_some(now):
    enterprise = User.objects.get(email=f"member@{DOMAIN}").enterprise
    today = timezone.localdate()
    found = eligibility.policies_for(enterprise, day=today)
    assert sum(policy.is_open(today) for policy, _match in found) >= 5
    assert FollowUp.objects.filter(enterprise=enterprise).exclude(state="").count() == 5


def test_events_lie_just_past_and_ahead(now):
    finished = Event.objects.filter(status=Event.Status.FINISHED)
    assert not finished.filter(ends_at__gt=now).exists()
    assert finished.filter(ends_at__gte=now - datetime.timedelta(days=45)).exists()
    coming = Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gt=now)
    assert coming.count() == 2
    assert any(event.is_open_for_registration for event in coming)
    # Breakfast meetings every month of the last year and a half, none to come that was held.
    breakfasts = finished.filter(kind=Event.Kind.BREAKFAST)
    assert 17 <= breakfasts.count() <= 18


def test_nothing_is_dated_after_now(now):
    today = timezone.localdate()
    assert not Registration.objects.filter(created_at__gt=now).exists()
    assert not Registration.objects.filter(checked_in_at__gt=now).exists()
    assert not Invitation.objects.filter(sent_at__gt=now).exists()
    assert not Invitation.objects.filter(responded_at__gt=now).exists()
    # An invitation "will be sent" only when its time is still to come.
    assert not Invitation.objects.filter(
        sent_at__isnull=True, event__invitations_send_at__lte=now
    ).exists()
    assert not Petition.objects.filter(created_at__gt=now).exists()
    assert not PetitionEvent.objects.filter(at__gt=now).exists()
    assert not DutyLogEntry.objects.filter(day__gt=today).exists()
    assert not DutyLogEntry.objects.filter(created_at__gt=now).exists()
    assert not Application.objects.filter(submitted_at__gt=now).exists()
    assert not Enterprise.objects.filter(joined_on__gt=today).exists()
    assert not Enterprise.objects.filter(founded_on__gt=today).exists()
    assert not Secondment.objects.filter(duty_month__month__gt=today, user__isnull=False).exists()
    for field in ("sent_on", "forwarded_on", "adopted_on", "instruction_on"):
        assert not Suggestion.objects.filter(**{f"{field}__gt": today}).exists()
    assert not Suggestion.objects.filter(created_at__gt=now).exists()
    assert not Affiliation.objects.filter(joined_on__gt=today).exists()
    assert not Donation.objects.filter(received_on__gt=today).exists()
    assert not DutyMonth.objects.filter(summary_written_at__gt=now).exists()
    assert not Application.objects.filter(decided_at__gt=now).exists()
    assert not ServiceRecord.objects.filter(given_on__gt=today).exists()
    assert not ServiceRecord.objects.filter(created_at__gt=now).exists()
    assert not ServiceRecipient.objects.filter(rated_at__gt=now).exists()
    assert not Visit.objects.filter(done_on__gt=today).exists()
    assert not Visit.objects.filter(created_at__gt=now).exists()
    assert not Finding.objects.filter(created_at__gt=now).exists()
    assert not Policy.objects.filter(issued_on__gt=today).exists()
    assert not Policy.objects.filter(published_at__gt=now).exists()
    assert not FollowUp.objects.filter(marked_at__gt=now).exists()
    # What the services stamp as they run: history records and notices.
    for model in (
        Petition, Application, DutyMonth, Suggestion, Enterprise, RepresentativePerson,
        PublicPost, TrainingRecord, FourGoodEvaluation, Secondment, ServiceRecord,
        ServiceRecipient, Visit, Finding, Policy, FollowUp,
    ):  # fmt: skip
        assert not model.history.filter(history_date__gt=now).exists(), model
    assert not Notice.objects.filter(created_at__gt=now).exists()


def test_services_and_visits_fill_the_year_before_today(now):
    today = timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    services = ServiceRecord.objects.all()
    assert 190 <= services.count() <= 210
    assert not services.filter(given_on__lt=year_ago).exists()
    assert services.filter(given_on__gte=today - datetime.timedelta(days=30)).exists()
    assert Visit.objects.count() == 60
    assert Visit.objects.filter(status=Visit.Status.PLANNED, planned_on__gt=today).count() == 4
    assert not Visit.objects.filter(planned_on__lt=year_ago).exists()
    assert not Visit.objects.filter(status=Visit.Status.PLANNED, planned_on__lte=today).exists()


def test_what_staff_keep_in_the_admin_was_entered_through_the_services_by_the_demo_staff(now):
    """Representative figures and their rows, four-good evaluations, secondments: each made by
    its service, recorded in history as the demo's staff user's."""
    staff = User.objects.get(email=f"staff@{DOMAIN}")
    models = (RepresentativePerson, PublicPost, TrainingRecord, FourGoodEvaluation, Secondment)
    for model in models:
        assert model.objects.exists(), model
        made = model.history.filter(history_type="+")
        assert made.count() == model.objects.count(), model
        assert set(model.history.values_list("history_user", flat=True)) == {staff.pk}, model
    # Serving now, and the month before, with a seconded demo account.
    this_month = month_start(timezone.localdate())
    assert Secondment.objects.filter(duty_month__month=this_month, user__isnull=False).exists()


def test_each_month_served_went_through_the_roster_as_a_real_one_does(now):
    """Confirmed by staff the month before, begun and ended by the scan, summed up by its chair."""
    today = timezone.localdate()
    for duty_month in DutyMonth.objects.filter(month__lte=today):
        history = list(duty_month.history.order_by("history_date", "history_id"))
        reasons = [h.history_change_reason for h in history]
        expected = ["confirmed", "month began"]
        if duty_month.status == DutyMonth.Status.COMPLETED:
            expected += ["summary", "month ended"]
        assert reasons == expected, duty_month
        assert history[0].history_user.is_staff
        assert history[0].history_date < timezone.make_aware(
            datetime.datetime.combine(duty_month.month, datetime.time())
        )
        assert [h.status for h in history][-1] == duty_month.status


def test_every_other_timeline_is_in_order(now):
    """Registered before checking in, invited before answering, answered before registering."""
    assert not Registration.objects.filter(checked_in_at__lt=F("created_at")).exists()
    assert not Registration.objects.filter(created_at__lt=F("invitation__responded_at")).exists()
    assert not Invitation.objects.filter(responded_at__lt=F("sent_at")).exists()
    assert not Application.objects.filter(decided_at__lt=F("submitted_at")).exists()
    assert not Enterprise.objects.filter(joined_on__lt=F("founded_on")).exists()
    assert not Enterprise.objects.filter(left_on__lt=F("joined_on")).exists()
    assert not DutyLogEntry.objects.filter(created_at__date__lt=F("day")).exists()


def test_every_petition_timeline_is_in_order(now):
    rows = PetitionEvent.objects.order_by("petition_id", "id").values_list(
        "petition_id", "action", "at", "petition__created_at"
    )
    timelines: dict[int, list] = {}
    for petition, action, at, filed in rows:
        timelines.setdefault(petition, []).append((action, at, filed))
    assert len(timelines) == Petition.objects.count()
    for events in timelines.values():
        action, at, filed = events[0]
        assert (action, at) == (Action.FILE, filed)
        assert all(a[1] <= b[1] for a, b in pairwise(events))


def test_the_recent_petitions_are_recent(now):
    """Petitions run up to now: some filed in the last weeks, the year's oldest a year ago."""
    filed = Petition.objects.values_list("created_at", flat=True)
    assert max(filed) >= now - datetime.timedelta(days=2)
    assert min(filed) >= now - datetime.timedelta(days=600)

"""The demo policies: sixty of the district's departments, dated from the day the demo is
loaded, with qualifications, subscriptions and the follow-through partly filled; the demo
member matches open policies on whatever day the demo is loaded; a second run adds nothing.

The demo is loaded once per day tried (a module-wide fixture), and every test reads it.
"""

import datetime
from collections import Counter
from io import StringIO
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from demo.data import policies as data
from members.models import EnterpriseQualification, User
from notices.models import Notice
from petitions.models import Department
from policies import eligibility
from policies.models import FollowUp, Policy, Subscription
from tests.conftest import TZ

pytestmark = pytest.mark.django_db

MOMENTS = {
    "winter": datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ),
    "summer": datetime.datetime(2027, 6, 30, 18, 30, tzinfo=TZ),
}
DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module", params=list(MOMENTS), ids=list(MOMENTS))
def demo(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded at one moment, with the clock held there; rolled back afterwards."""
    media = tmp_path_factory.mktemp("private")
    with (
        time_machine.travel(MOMENTS[request.param], tick=False),
        override_settings(PRIVATE_MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield SimpleNamespace(now=timezone.now(), today=timezone.localdate(), out=out.getvalue())
        transaction.set_rollback(True)


def member_enterprise():
    return User.objects.get(email="member@ylqgsl.demo").enterprise


def test_sixty_policies_of_the_departments_lie_around_the_day_the_demo_is_loaded(demo):
    today = demo.today
    policies = Policy.objects.all()
    assert policies.count() == len(data.POLICIES) == 60
    assert "政策 60 项" in demo.out
    assert Counter(policies.values_list("status", flat=True)) == {
        Policy.Status.PUBLISHED: 54,
        Policy.Status.DRAFT: 4,
        Policy.Status.WITHDRAWN: 2,
    }
    # About a third open today, some of them closing within the week; others coming, closed,
    # open all year or expired.
    open_now = Policy.objects.open_now(today)
    assert open_now.count() == 20
    assert open_now.filter(window_closes__lte=today + 7 * DAY).count() == 5
    published = Policy.objects.published()
    assert published.filter(window_opens__gt=today).count() == 4
    assert Policy.objects.current(today).filter(window_closes__lt=today).count() == 12
    assert Policy.objects.current(today).filter(window_opens__isnull=True).count() == 9
    expired = published.filter(valid_until__lt=today)
    assert expired.count() == 9
    assert {p.status_label(today) for p in expired} == {"已失效"}
    # Issued by the demo's departments, every one of the fifteen; numbered in the year issued.
    assert Department.objects.filter(policies__isnull=False).distinct().count() == 15
    numbers = list(published.values_list("document_number", "issued_on"))
    assert len({n for n, _ in numbers}) == len(numbers)
    assert all(f"〔{issued.year}〕" in number for number, issued in numbers)
    assert not Policy.objects.filter(status=Policy.Status.DRAFT).exclude(document_number="")
    for policy in policies:
        policy.full_clean()  # each would pass the staff's form
        assert policy.departments.exists() and policy.topics.exists()
        assert policy.body.startswith("第一条")
    # Eligibility in the portal's terms: divisions, sizes, townships, years, qualifications.
    assert published.filter(industries__contains=["C13"]).exists()
    assert published.exclude(sizes=[]).exists()
    assert published.filter(townships__isnull=False).distinct().count() >= 4
    assert published.filter(min_years_founded__isnull=False).exists()
    assert published.filter(max_years_founded__isnull=False).exists()
    assert published.filter(members_only=True).exists()
    assert published.filter(qualifications__contains=["high_tech"]).exists()
    assert published.exclude(unchecked_conditions="").count() >= 15


def test_nothing_of_the_policies_is_dated_after_now(demo):
    now, today = demo.now, demo.today
    assert not Policy.objects.filter(issued_on__gt=today).exists()
    assert not Policy.objects.filter(created_at__gt=now).exists()
    assert not Policy.objects.filter(published_at__gt=now).exists()
    assert not Policy.objects.filter(published_at__date__lt=F("issued_on")).exists()
    assert not Policy.objects.filter(window_opens__lt=F("issued_on")).exists()
    assert not FollowUp.objects.filter(read_at__gt=now).exists()
    assert not FollowUp.objects.filter(marked_at__gt=now).exists()
    assert not FollowUp.objects.filter(read_at__lt=F("policy__published_at")).exists()
    assert not FollowUp.objects.filter(marked_at__lt=F("read_at")).exists()
    assert not EnterpriseQualification.objects.filter(declared_at__gt=now).exists()
    assert not EnterpriseQualification.objects.filter(verified_at__gt=now).exists()
    assert not EnterpriseQualification.objects.filter(verified_at__lt=F("declared_at")).exists()
    assert not Subscription.objects.filter(created_at__gt=now).exists()
    for model in (Policy, FollowUp, EnterpriseQualification):
        assert not model.history.filter(history_date__gt=now).exists(), model
    assert not Notice.objects.filter(email_state=Notice.EmailState.PENDING).exists()


def test_the_follow_through_is_partly_filled_by_the_enterprises_own_users(demo):
    follow_ups = FollowUp.objects.select_related("policy", "marked_by")
    states = Counter(follow_ups.values_list("state", flat=True))
    assert follow_ups.count() >= 60
    for state in FollowUp.State.values:
        assert states[state] > 0, state
    for follow_up in follow_ups:
        policy = follow_up.policy
        assert policy.status == Policy.Status.PUBLISHED
        assert follow_up.read_at is not None
        if follow_up.state:
            assert follow_up.marked_by.enterprise_id == follow_up.enterprise_id
        # Decided only once the window had closed (or, without one, some weeks on).
        if follow_up.state in (FollowUp.State.GRANTED, FollowUp.State.REFUSED):
            assert policy.window_closes is None or policy.window_closes < demo.today
    granted = follow_ups.filter(state=FollowUp.State.GRANTED)
    assert not granted.filter(amount__isnull=True).exists()
    assert not follow_ups.exclude(state=FollowUp.State.GRANTED).filter(amount__isnull=False)
    # Every enterprise that read a policy matched it when it was published.
    for follow_up in follow_ups.select_related("enterprise")[:40]:
        facts = eligibility.facts_of(follow_up.enterprise, follow_up.policy.issued_on)
        assert eligibility.match(follow_up.policy, facts, follow_up.policy.issued_on)


def test_qualifications_are_verified_by_staff_some_expired_some_waiting(demo):
    qualifications = EnterpriseQualification.objects.all()
    valid = qualifications.valid(demo.today)
    assert valid.count() >= 150
    assert 120 <= valid.values("enterprise").distinct().count() <= 150  # about 130 (README)
    assert not valid.exclude(verified_by__is_staff=True).exists()
    assert qualifications.filter(verified_at__isnull=False, valid_until__lt=demo.today).count() == 3
    assert qualifications.filter(verified_at__isnull=True).count() >= 3
    kinds = set(valid.values_list("kind", flat=True))
    assert {"high_tech", "specialised", "little_giant", "small_low_profit"} <= kinds


def test_the_demo_member_sees_open_policies_for_it_and_its_own_marks(demo):
    enterprise = member_enterprise()
    found = eligibility.policies_for(enterprise, day=demo.today)
    open_ones = [(policy, match) for policy, match in found if policy.is_open(demo.today)]
    assert len(open_ones) >= 5
    # Open windows first, with the reasons it matches.
    assert [p.is_open(demo.today) for p, _ in found[: len(open_ones)]] == [True] * len(open_ones)
    assert any("R90" in match.reason_line() for _policy, match in open_ones)
    # The rule's SQL side agrees: each is among the policy's enterprises.
    for policy, _match in open_ones:
        assert eligibility.enterprises_for(policy, demo.today).filter(pk=enterprise.pk).exists()
    marks = dict(
        FollowUp.objects.filter(enterprise=enterprise).values_list("policy__title", "state")
    )
    assert len(marks) == 6  # read six, marked five
    assert sum(1 for state in marks.values() if state) == 5
    assert set(marks.values()) == {"", "will_apply", "applied", "granted", "not_applicable"}
    subscribed = Subscription.objects.filter(enterprise=enterprise)
    assert set(subscribed.values_list("topic__code", flat=True)) >= {"culture_tourism", "finance"}
    assert subscribed.filter(department__code="whlyj").exists()
    # Its small low-profit qualification is verified; another waits for staff.
    own = EnterpriseQualification.objects.filter(enterprise=enterprise)
    assert own.valid(demo.today).filter(kind="small_low_profit").exists()
    assert own.filter(verified_at__isnull=True).exists()


def test_a_second_run_adds_no_policy(demo):
    counts = (
        Policy.objects.count(),
        FollowUp.objects.count(),
        Subscription.objects.count(),
        EnterpriseQualification.objects.count(),
    )
    out = StringIO()
    call_command("seed_policies", stdout=out)
    assert "none added" in out.getvalue()
    assert (
        Policy.objects.count(),
        FollowUp.objects.count(),
        Subscription.objects.count(),
        EnterpriseQualification.objects.count(),
    ) == counts


def test_every_timing_places_its_dates_in_order():
    """demo.data.policies.dates: issued on or before today, the window after the issue, a
    closing one within the week, validity after its start — on any day of the year."""
    for today in (
        datetime.date(2027, 1, 1),
        datetime.date(2028, 2, 29),
        datetime.date(2026, 12, 31),
    ):
        for timing in data.TIMINGS:
            for n in range(6):
                when = data.dates(timing, today, n)
                assert when.issued_on <= today
                assert when.valid_from <= (when.valid_until or when.valid_from)
                if when.window_opens:
                    assert when.issued_on <= when.window_opens <= when.window_closes
                if timing in ("open", "closing"):
                    assert when.window_opens <= today <= when.window_closes
                if timing == "closing":
                    assert when.window_closes <= today + 7 * DAY
                if timing == "expired":
                    assert when.valid_until < today
                if timing == "withdrawn":
                    assert when.issued_on < when.withdrawn_on < today


def test_announcements_were_sent_in_the_past_and_the_public_ones_are_on_the_home_page(demo):
    from django.test import Client

    from policies.announcements.models import Announcement, Receipt

    by_status = Counter(Announcement.objects.values_list("status", flat=True))
    assert by_status == {"sent": 7, "scheduled": 1, "draft": 1}
    assert not Announcement.objects.filter(sent_at__gt=demo.now).exists()
    assert Announcement.objects.get(status="scheduled").send_at > demo.now
    receipts = Receipt.objects.filter(announcement__status="sent")
    assert 0.4 < receipts.filter(read_at__isnull=False).count() / receipts.count() < 0.9
    assert not receipts.filter(read_at__gt=demo.now).exists()
    home = Client().get("/").content.decode()
    newest = Announcement.objects.public().order_by("-sent_at").first()
    assert newest.title in home
    assert "关于征集企业用工需求的通知" not in home  # the draft


def test_the_notices_of_the_demos_fan_outs_are_dated_when_sent_and_not_e_mailed(demo):
    """A policy published or an announcement sent tells many through a fan-out: its notices
    are written at that moment, the past's like every demo notice."""
    from policies.announcements.models import Announcement

    oldest = Announcement.objects.filter(status="sent").order_by("sent_at").first()
    told = Notice.objects.filter(kind="announcement", key__startswith=f"announcement:{oldest.pk}:")
    assert told.exists()
    assert {n.created_at for n in told} == {oldest.sent_at}
    for kind in ("announcement", "policy_for_you"):
        notices = Notice.objects.filter(kind=kind)
        assert notices.exists(), kind
        e_mailed = [Notice.EmailState.PENDING, Notice.EmailState.SENT]
        assert not notices.filter(email_state__in=e_mailed).exists(), kind
        assert not notices.filter(created_at__gt=demo.now).exists(), kind

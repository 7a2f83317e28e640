"""`manage.py seed_chambers` (part of seed_demo): the "1+2+6+7+N" structure and the roster."""

import datetime
import itertools
import re
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from chambers.models import (
    Affiliation,
    DutyLogEntry,
    DutyMonth,
    FourGoodEvaluation,
    Organization,
    Post,
    Secondment,
    SwapRequest,
    Term,
    Unavailability,
)
from chambers.services import eligible_posts
from core.months import add_months, month_end
from demo.data import chambers as demo_data
from members.models import Enterprise, User
from tests.conftest import TZ

pytestmark = pytest.mark.django_db

Kind, Status = Organization.Kind, DutyMonth.Status
WORKING_GROUPS = {
    "房地产与建材专项工作组",
    "冰雪产业与休闲旅游专项工作组",
    "涉农专项工作组",
    "互联网与电子商务专项工作组",
    "商贸营销与社会服务专项工作组",
    "文化创意专项工作组",
}
FRIENDLY = {"雄安新区工商联", "张家口市工商联", "赤峰市工商联", "宣化区工商联", "兴和县工商联"}
# The roster is counted from the day the demo is loaded: these tests load it on this day (see
# tests/demo/test_demo.py for other days).
TODAY = datetime.date(2026, 11, 20)
THIS_MONTH = datetime.date(2026, 11, 1)
BEIJING = TZ
PAST = [add_months(THIS_MONTH, -n) for n in range(12, 0, -1)]
COMING = [add_months(THIS_MONTH, n) for n in range(1, 13)]
LOGINS = ["chair@ylqgsl.demo", "vicechair@ylqgsl.demo", "secondee@ylqgsl.demo"]
# Every table the command writes, with the history of those that keep one.
MODELS = [
    Organization,
    Organization.history.model,
    Affiliation,
    Affiliation.history.model,
    Term,
    Term.history.model,
    Post,
    Post.history.model,
    FourGoodEvaluation,
    FourGoodEvaluation.history.model,
    DutyMonth,
    DutyMonth.history.model,
    DutyLogEntry,
    Secondment,
    Secondment.history.model,
    Unavailability,
    SwapRequest,
    SwapRequest.history.model,
    User,
]


@pytest.fixture(autouse=True)
def _loaded_on_today():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING), tick=False):
        yield


def seed_members():
    call_command("seed_members", quiet=True, stdout=StringIO())


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_chambers", stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "counts": {model: model.objects.count() for model in MODELS},
        "months": list(
            DutyMonth.objects.values_list("month", "chair", "post", "status", "summary")
        ),
        "passwords": dict(User.objects.values_list("email", "password")),
        "swaps": list(SwapRequest.objects.values_list("month", "other_month", "status")),
    }


@pytest.fixture
def seeded():
    seed_members()
    return seed()


def test_refuses_to_run_before_seed_members():
    with pytest.raises(CommandError, match="seed_members"):
        seed()
    assert not Organization.objects.exists()


def test_the_structure_is_yanqings(seeded):
    orgs = Organization.objects.all()
    kinds = Counter(orgs.values_list("kind", flat=True))
    assert kinds[Kind.FEDERATION] == 1
    assert kinds[Kind.INDUSTRY] >= 3
    assert kinds[Kind.TOWNSHIP] >= 4
    assert kinds[Kind.OUT_OF_TOWN] >= 1
    federation = orgs.get(kind=Kind.FEDERATION)
    assert federation.name == "延庆区工商联（总商会）"

    groups = orgs.filter(kind=Kind.WORKING_GROUP)
    assert set(groups.values_list("name", flat=True)) == WORKING_GROUPS
    assert not groups.exclude(parent=federation).exists()
    associations = orgs.filter(kind=Kind.ASSOCIATION)
    assert associations.count() == 7
    assert associations.filter(name="延庆区女企业家协会").exists()
    friendly = orgs.filter(kind=Kind.FRIENDLY)
    assert set(friendly.values_list("name", flat=True)) == FRIENDLY
    for org in friendly:
        assert datetime.date(2020, 1, 1) <= org.tie_signed_on <= datetime.date(2022, 12, 31)
    kangzhuang = orgs.get(name="康庄镇兴隆街商会")
    assert kangzhuang.kind == Kind.TOWNSHIP
    assert kangzhuang.township.code == "110119101"
    assert not orgs.filter(kind=Kind.TOWNSHIP, township__isnull=True).exists()
    assert not orgs.filter(kind=Kind.OUT_OF_TOWN, home_region="").exists()
    assert orgs.filter(group_member_since__isnull=False).count() >= 5
    assert all(re.fullmatch(r"[a-z0-9-]+", slug) for slug in orgs.values_list("slug", flat=True))
    assert FourGoodEvaluation.objects.filter(level="municipal", awarded=True).exists()
    assert FourGoodEvaluation.objects.filter(level="district").count() >= 3

    # The federation's current term and the one before, which has its own leaders.
    current, past = federation.terms.order_by("-number")[:2]
    assert (current.number, current.starts_on, current.ends_on) == (
        3,
        datetime.date(2021, 12, 1),
        None,
    )
    assert (past.number, past.ends_on) == (2, datetime.date(2021, 11, 30))
    assert past.posts.filter(position=Post.Position.CHAIR).count() == 1
    assert past.posts.count() >= 3
    assert not Post.objects.current(TODAY).filter(term=past).exists()


def test_the_structure_and_members_are_made_through_the_services_by_staff_at_their_moments(seeded):
    staff = User.objects.get(email="staff@ylqgsl.demo")
    for model in (Organization, Term, Post, Affiliation):
        records = model.history.all()
        assert records.exists(), model
        assert set(records.values_list("history_user", flat=True)) == {staff.pk}, model
    # A term is recorded once it began; a post on the day its holder took it (the previous
    # term's posts were recorded with their end dates, so nothing else changed them).
    for term in Term.objects.all():
        first = term.history.earliest("history_date")
        assert first.history_date.astimezone(BEIJING).date() >= term.starts_on
    for post in Post.objects.select_related("term"):
        first = post.history.earliest("history_date")
        assert first.history_date.astimezone(BEIJING).date() == post.started_on
        assert post.history.count() == 1
    for affiliation in Affiliation.objects.all()[:50]:
        first = affiliation.history.get()
        assert first.history_date.astimezone(BEIJING).date() == affiliation.joined_on


def test_evaluations_and_secondments_are_recorded_through_the_services_at_their_moments(seeded):
    """Evaluations in the December of their year; each month's seconded staff on the 25th of
    the month before (or by now, for the months to come); by the demo staff account."""
    staff = User.objects.get(email="staff@ylqgsl.demo")
    evaluations = FourGoodEvaluation.objects.select_related("organization")
    assert evaluations.count() == len(demo_data.EVALUATIONS)
    for evaluation in evaluations:
        record = evaluation.history.get()
        assert (record.history_type, record.history_user) == ("+", staff)
        day = record.history_date.astimezone(BEIJING).date()
        assert day == min(datetime.date(evaluation.year, 12, 15), TODAY)
    now = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=BEIJING)
    for secondment in Secondment.objects.select_related("duty_month"):
        record = secondment.history.get()
        assert (record.history_type, record.history_user) == ("+", staff)
        month = secondment.duty_month.month
        expected = datetime.datetime.combine(add_months(month, -1).replace(day=25),
                                             datetime.time(10), tzinfo=BEIJING)  # fmt: skip
        assert record.history_date == min(expected, now)
        began = secondment.duty_month.history.filter(history_change_reason="month began")
        if began.exists():  # recorded before the month began, after it was confirmed
            assert record.history_date < began.get().history_date
            confirmed = secondment.duty_month.history.get(history_change_reason="confirmed")
            assert confirmed.history_date < record.history_date


def test_chambers_have_member_enterprises(seeded):
    demo_members = set(Enterprise.objects.filter(status="member").values_list("pk"))
    for org in Organization.objects.chambers():
        affiliations = list(org.affiliations.select_related("enterprise__township"))
        assert 15 <= len(affiliations) <= 60, org
        roles = Counter(a.role for a in affiliations)
        assert roles["president"] == 1, org
        assert 2 <= roles["vice_president"] <= 6, org
        assert roles["council"] >= 3, org
        assert roles["member"] > roles["council"], org
        assert {(a.enterprise_id,) for a in affiliations} <= demo_members
        for a in affiliations:
            assert a.left_on is None
            assert a.joined_on <= TODAY
            assert org.founded_on is None or a.joined_on >= org.founded_on
        if org.kind == Kind.TOWNSHIP:
            local = [a for a in affiliations if a.enterprise.township_id == org.township_id]
            assert len(local) >= len(affiliations) - 1, org  # the president's firm may be outside
    women = Organization.objects.get(name="延庆区女企业家协会")
    for affiliation in women.affiliations.select_related("enterprise"):
        assert demo_data.is_female_name(affiliation.enterprise.legal_representative)
    assert not Affiliation.objects.filter(organization__kind=Kind.FRIENDLY).exists()


def test_leaders_and_their_posts(seeded):
    current = Post.objects.current(TODAY).select_related("holder", "enterprise", "term")
    holders = {post.holder for post in current}
    assert 18 <= len(holders) <= 24
    assert all(h.email.endswith("@ylqgsl.demo") for h in holders)
    fed = current.filter(term__organization__kind=Kind.FEDERATION)
    chair = User.objects.get(email="chair@ylqgsl.demo")
    assert fed.get(position=Post.Position.CHAIR).holder == chair
    vice = fed.filter(position=Post.Position.VICE_CHAIR)
    assert vice.filter(full_time=False).count() == 9
    assert vice.filter(holder__email="vicechair@ylqgsl.demo", full_time=False).exists()
    full_time = vice.get(full_time=True)
    assert full_time.enterprise is None
    presidents = current.filter(position=Post.Position.PRESIDENT)
    assert presidents.values("term__organization").distinct().count() >= 6
    assert presidents.filter(term__organization__name="康庄镇兴隆街商会").exists()
    assert presidents.filter(term__organization__name="延庆区女企业家协会").exists()
    assert current.filter(position=Post.Position.SECRETARY_GENERAL).count() >= 2
    for post in current:
        if not post.full_time:
            assert post.enterprise is not None, post
            assert post.enterprise.status == "member"
            assert post.holder.enterprise_id == post.enterprise_id, post
            # A president's firm is the president unit of the chamber.
            if post.position == Post.Position.PRESIDENT:
                assert Affiliation.objects.filter(
                    organization=post.term.organization,
                    enterprise=post.enterprise,
                    role="president",
                ).exists(), post
    women_president = presidents.get(term__organization__name="延庆区女企业家协会").holder
    assert demo_data.is_female_name(women_president.real_name)
    pool = eligible_posts(TODAY)
    assert 14 <= len(pool) <= 18
    assert chair.pk in pool
    assert full_time.holder_id not in pool
    for email in LOGINS:
        assert email in seeded
        assert User.objects.get(email=email).check_password("ylqgsl-demo-2026")


def test_two_years_of_the_roster(seeded):
    months = {dm.month: dm for dm in DutyMonth.objects.select_related("chair", "post")}
    assert sorted(months) == [*PAST, THIS_MONTH, *COMING]
    statuses = [months[m].status for m in sorted(months)]
    assert statuses == (
        [Status.COMPLETED] * 12 + [Status.SERVING] + [Status.CONFIRMED] * 2 + [Status.PLANNED] * 10
    )
    pool = eligible_posts(TODAY)
    chairs = [months[m].chair_id for m in sorted(months)]
    assert all(chair in pool for chair in chairs)
    assert all(a != b for a, b in itertools.pairwise(chairs))  # never twice in a row
    for dm in months.values():
        assert dm.post.holder_id == dm.chair_id
    assert months[THIS_MONTH].chair.email == "vicechair@ylqgsl.demo"
    assert Unavailability.objects.count() >= 2
    for absence in Unavailability.objects.all():
        assert months[absence.month].chair_id != absence.user_id
        assert absence.month in COMING[2:]

    for month in [*PAST, THIS_MONTH]:
        dm = months[month]
        secondments = list(dm.secondments.all())
        assert 1 <= len(secondments) <= 2, month
        for s in secondments:
            assert month <= s.starts_on <= s.ends_on <= month_end(month)
            assert s.enterprise_id == dm.post.enterprise_id
            assert s.role
        authors = {dm.chair_id} | {s.user_id for s in secondments if s.user_id}
        log = list(dm.log.all())
        assert len(log) >= 3, month
        assert len(log) <= 6, month
        for entry in log:
            assert month <= entry.day <= min(month_end(month), TODAY)
            assert entry.author_id in authors
            assert entry.text
            assert (entry.members_recruited > 0) == (entry.kind == "recruitment")
        if month == THIS_MONTH:
            assert dm.summary == ""
        else:
            assert dm.summary_written_at is not None
            assert re.search(r"走访会员企业\d+家", dm.summary), dm.summary
    assert sum(DutyLogEntry.objects.values_list("members_recruited", flat=True)) > 0
    assert len({dm.summary for dm in months.values() if dm.summary}) == 12
    serving = months[THIS_MONTH].secondments.get(user__isnull=False)
    assert serving.user.email == "secondee@ylqgsl.demo"
    assert serving.person_name == serving.user.real_name
    for month in COMING[:2]:
        assert months[month].secondments.exists()

    swap = SwapRequest.objects.get()
    assert swap.status == SwapRequest.Status.REQUESTED
    assert swap.month.status == swap.other_month.status == Status.PLANNED
    assert swap.month.month < swap.other_month.month
    assert swap.requested_by_id == swap.month.chair_id
    assert swap.counterpart_id == swap.other_month.chair_id
    assert swap.counterpart.email == "chair@ylqgsl.demo"
    assert swap.reason


def test_second_run_changes_nothing(seeded):
    before = snapshot()
    output = seed()
    assert snapshot() == before
    assert "本次新建 0" in output
    assert "新建账号 0 个" in output
    assert "chair@ylqgsl.demo" in output


def test_quiet_leaves_out_the_logins():
    seed_members()
    output = seed(quiet=True)
    assert "轮值月份 25 个" in output
    assert not any(email in output for email in LOGINS)
    assert "ylqgsl-demo-2026" not in output


def test_a_second_run_months_later_changes_nothing(seeded):
    """What a first run made stays as staff left it: a later run adds no month of its own."""
    before = snapshot()
    later = datetime.datetime(2027, 2, 10, 10, 0, tzinfo=BEIJING)
    with time_machine.travel(later, tick=False):
        seed(quiet=True)
        output = seed()
    assert snapshot() == before
    # The printout no longer calls the vice-chair this month's chair, and says how to reload.
    assert "vice-chair serving this month" not in output
    assert "delete .data/ and run make run" in output

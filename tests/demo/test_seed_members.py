"""`manage.py seed_members` (part of seed_demo): a Yanqing-like demo federation, idempotent."""

import datetime
import random
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demo.data import members as demo_data
from demo.models import Load
from members.choices import INDUSTRY_DIVISIONS
from members.models import (
    Application,
    Enterprise,
    MemberNumberCounter,
    PublicPost,
    RepresentativePerson,
    RepresentativeTag,
    TrainingRecord,
    User,
    name_pinyin,
)
from members.services import next_member_number
from members.validators import LANDLINE_RE, MOBILE_RE, credit_code_checksum_ok
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = [
    "staff@ylqgsl.demo",
    "member@ylqgsl.demo",
    "member2@ylqgsl.demo",
    "applicant@ylqgsl.demo",
]


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_members", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded():
    return seed()


def inner_check_ok(code: str) -> bool:
    """GB 11714 over characters 9-16 must give character 17 (docs/domain.md)."""
    values = [int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in code[8:16]]
    c = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return {10: "X", 11: "0"}.get(c, str(c)) == code[16]


def test_credit_code_generator_reproduces_the_domain_examples():
    assert demo_data.make_credit_code("MA01K7Q3") == "91110119MA01K7Q36E"
    assert (
        demo_data.make_credit_code("MA04R2T8", category="92", district="110107")
        == "92110107MA04R2T838"
    )
    assert demo_data.make_credit_code("MJ0W5C2D", category="51") == "51110119MJ0W5C2D84"
    with pytest.raises(ValueError):
        demo_data.make_credit_code("MAO4R2T8")  # O is not in the alphabet


def test_licence_pdf_is_a_pdf():
    pdf = demo_data.licence_pdf(["DEMO (not real)", "Name: yanqing"])
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    # Every cross-reference entry points at its object.
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert pdf[xref:].startswith(b"xref\n0 6\n")
    entries = pdf[xref:].split(b"\n")[3:8]
    for number, entry in enumerate(entries, 1):
        assert pdf[int(entry[:10]) :].startswith(b"%d 0 obj" % number)


def test_federation_counts(seeded):
    enterprises = Enterprise.objects.all()
    assert enterprises.count() == demo_data.MEMBERS_TOTAL == 700
    statuses = Counter(enterprises.values_list("status", flat=True))
    assert statuses["member"] >= 650
    assert statuses["suspended"] > 0
    assert statuses["withdrawn"] > 0

    with_party = enterprises.filter(party_organisation__in=["own", "joint"])
    assert with_party.count() == 62
    assert not with_party.exclude(status="member").exists()
    assert not enterprises.filter(party_organisation="own", party_members__lt=3).exists()
    joint = enterprises.filter(party_organisation="joint")
    assert joint.exists()
    assert not joint.filter(party_members__gt=2).exists()
    assert not enterprises.filter(party_organisation="own", employees__lt=3).exists()
    assert not with_party.filter(party_organisation_since__isnull=True).exists()
    instructed = enterprises.filter(party_organisation="instructor")
    assert instructed.count() >= 50
    assert not instructed.filter(party_instructor="").exists()
    assert not enterprises.filter(party_organisation="none", party_members__gt=0).exists()

    pending = Application.objects.pending()
    assert pending.count() >= 5
    assert pending.values("applicant").distinct().count() == pending.count()
    assert not pending.filter(applicant__enterprise__isnull=False).exists()
    rejected = Application.objects.filter(status="rejected")
    assert rejected.count() == 2
    assert not rejected.filter(rejection_reason="").exists()
    assert not rejected.filter(decided_by__isnull=True).exists()
    # No pending code is a member already (services.credit_code_taken would refuse it).
    assert not Enterprise.objects.filter(
        credit_code__in=pending.values_list("credit_code", flat=True)
    ).exists()


def test_demo_accounts_can_sign_in(seeded):
    assert demo_data.DEMO_PASSWORD in seeded
    for email in DEMO_ACCOUNTS:
        assert email in seeded
        user = User.objects.get(email=email)
        assert user.check_password("ylqgsl-demo-2026")
        client = Client()
        response = client.post(
            reverse("login"), {"username": email, "password": "ylqgsl-demo-2026"}
        )
        assert response.status_code == 302, email
        assert client.session[SESSION_KEY] == str(user.pk)

    staff = User.objects.get(email="staff@ylqgsl.demo")
    assert staff.is_staff
    assert staff.is_superuser
    member = User.objects.get(email="member@ylqgsl.demo")
    member2 = User.objects.get(email="member2@ylqgsl.demo")
    assert member.is_member_user
    assert member2.is_member_user
    assert member.enterprise != member2.enterprise
    assert not member.is_staff
    assert MOBILE_RE.match(member.mobile)
    applicant = User.objects.get(email="applicant@ylqgsl.demo")
    assert applicant.enterprise is None
    assert applicant.applications.pending().count() == 1


def test_quiet_leaves_out_the_accounts():
    output = seed(quiet=True)
    assert "700" in output
    assert demo_data.DEMO_PASSWORD not in output
    assert "staff@ylqgsl.demo" not in output


def test_credit_codes_are_valid_distinct_and_from_yanqing(seeded):
    codes = list(Enterprise.objects.values_list("credit_code", "legal_form"))
    assert len({code for code, _form in codes}) == 700
    category = {"cooperative": "93", "individual": "92"}
    for code, legal_form in codes:
        assert credit_code_checksum_ok(code), code
        assert inner_check_ok(code), code
        assert code[2:8] == "110119", code
        # 91 enterprise, 92 individual business, 93 farmers' cooperative (docs/domain.md).
        assert code[:2] == category.get(legal_form, "91"), (code, legal_form)
    ordinary = sum(code.startswith("91110119") for code, _form in codes)
    assert ordinary >= 0.85 * len(codes)
    for application in Application.objects.all():
        assert credit_code_checksum_ok(application.credit_code)
        assert inner_check_ok(application.credit_code)


def test_membership_grows_year_by_year(seeded):
    today = timezone.localdate()
    start, end = demo_data.period(today)
    joined = list(Enterprise.objects.values_list("joined_on", flat=True))
    assert sum(day < start for day in joined) == 349
    assert today - datetime.timedelta(days=7) < max(joined) <= end <= today
    per_year = Counter(day.year for day in joined)
    years = range(min(per_year), max(per_year) + 1)
    assert all(per_year[year] > 0 for year in years)
    # Each full year of the period takes in more new members than the year before.
    period = [per_year[y] for y in range(start.year + 1, end.year)]
    assert period == sorted(period)
    assert len(set(period)) == len(period)
    # Joining happens on workdays.
    assert all(day.weekday() < 5 for day in joined)


def test_member_numbers_follow_the_join_year_and_order(seeded):
    rows = list(
        Enterprise.objects.order_by("joined_on", "member_number").values_list(
            "member_number", "joined_on", "founded_on"
        )
    )
    numbers = [number for number, _joined, _founded in rows]
    assert len(set(numbers)) == len(numbers)
    seen = Counter()
    for number, joined, founded in rows:
        seen[joined.year] += 1
        assert number == f"{joined.year}-{seen[joined.year]:04d}"
        assert founded <= joined
    # The counters continue after the demo numbers, so approvals and imports get free ones.
    last_year = max(seen)
    assert MemberNumberCounter.objects.get(year=last_year).last == seen[last_year]
    with transaction.atomic():
        assert next_member_number(last_year) == f"{last_year}-{seen[last_year] + 1:04d}"


def test_enterprise_details_look_right(seeded):
    enterprises = list(Enterprise.objects.select_related("township"))
    names = [e.name for e in enterprises]
    assert len(set(names)) == len(names)
    mobiles = [e.contact_mobile for e in enterprises]
    assert len(set(mobiles)) == len(mobiles)
    for e in enterprises:
        assert e.township.district_code == "110119"
        assert e.address.startswith(f"北京市延庆区{e.township.name}"), e.address
        assert MOBILE_RE.match(e.contact_mobile)
        assert "0119" in e.contact_mobile
        if e.contact_phone:
            assert LANDLINE_RE.match(e.contact_phone)
            assert e.contact_phone.startswith("010-6914")
        if e.industry_division:
            low, high = INDUSTRY_DIVISIONS[e.industry]
            assert low <= int(e.industry_division) <= high, (e.industry, e.industry_division)
        assert (e.name_pinyin, e.name_initials, e.name_pinyin_pairs) == name_pinyin(e.name)
        assert e.legal_representative
        assert e.contact_name
        assert e.registered_capital is None or e.registered_capital > 0
    assert len({e.township_id for e in enterprises}) == 18
    assert sum(bool(e.contact_phone) for e in enterprises) >= 100
    assert sum(bool(e.email) for e in enterprises) >= 100

    industries = Counter(e.industry for e in enterprises)
    for section in "ACEFHILR":
        assert industries[section] >= 35, (section, industries)
    assert industries["B"] == 0
    sizes = Counter(e.size for e in enterprises)
    assert sizes["micro"] + sizes["small"] >= 0.85 * len(enterprises)
    assert sizes["micro"] > sizes["small"] > sizes["medium"] >= sizes["large"]
    assert any(e.name.endswith("专业合作社") for e in enterprises)


def test_enterprises_pass_model_validation(seeded):
    sample = random.Random(7).sample(list(Enterprise.objects.all()), 50)
    for enterprise in sample:
        enterprise.full_clean()
    for application in Application.objects.all():
        application.full_clean()
    for person in RepresentativePerson.objects.all():
        person.full_clean()


def test_history_records_the_creation(seeded):
    staff = User.objects.get(email="staff@ylqgsl.demo")
    history = Enterprise.history.all()
    assert history.count() == 700
    assert not history.exclude(history_type="+").exists()
    assert not history.exclude(history_user=staff).exists()


def test_pending_applications_carry_a_pdf_licence(seeded):
    for application in Application.objects.all():
        assert application.licence.name.endswith(".pdf")
        with application.licence.open("rb") as licence:
            content = licence.read()
        assert content.startswith(b"%PDF-")
        assert application.credit_code.encode() in content
        assert application.consent_version
        assert application.consent_at == application.submitted_at


def test_representative_figures(seeded):
    people = RepresentativePerson.objects.select_related("enterprise")
    assert people.count() == 30
    assert not people.exclude(enterprise__status="member").exists()
    assert people.values("name").distinct().count() == 30
    for person in people:
        assert person.name == person.enterprise.legal_representative
    women = RepresentativeTag.objects.get(name="女企业家")
    assert women.people.count() >= 5
    assert not women.people.exclude(gender="f").exists()
    young = RepresentativeTag.objects.get(name="年轻一代")
    assert young.people.exists()
    assert not young.people.filter(birth_year__lt=demo_data.YOUNG_FROM).exists()
    assert RepresentativeTag.objects.get(name="新的社会阶层").people.exists()
    posts = PublicPost.objects.all()
    assert posts.filter(kind="npc", level="district").count() >= 3
    assert posts.filter(kind="cppcc").count() >= 3
    assert TrainingRecord.objects.count() >= 30


def test_representative_figures_are_entered_through_the_services_at_their_moments(seeded):
    """By the demo staff account: a figure a week after its firm joined (by now at the
    latest), its labels just before the first figure, its public posts and trainings once
    they began or took place, never before the figure; no training still to come."""
    staff = User.objects.get(email="staff@ylqgsl.demo")
    now = timezone.now()
    for model in (RepresentativePerson, RepresentativeTag, PublicPost, TrainingRecord):
        records = model.history.all()
        assert records.exists(), model
        assert set(records.values_list("history_user", flat=True)) == {staff.pk}, model
        assert not records.filter(history_date__gt=now).exists(), model
    first_figure = RepresentativePerson.history.earliest("history_date").history_date
    assert RepresentativeTag.history.latest("history_date").history_date < first_figure
    for person in RepresentativePerson.objects.select_related("enterprise"):
        # The first record (its tags, set in the same moment, are a change at the same time).
        entered = person.history.order_by("history_date", "history_id").first()
        assert entered.history_type == "+"
        day = timezone.localtime(entered.history_date).date()
        assert day == min(person.enterprise.joined_on + datetime.timedelta(days=7), now.date())
        for post in person.posts.all():
            recorded = post.history.get().history_date
            assert recorded >= entered.history_date
            assert timezone.localtime(recorded).date() >= min(post.started_on, now.date())
        for training in person.trainings.all():
            recorded = training.history.get().history_date
            assert recorded >= entered.history_date
            assert timezone.localtime(recorded).date() >= training.attended_on
            assert training.attended_on <= now.date()


def test_second_run_changes_nothing(seeded):
    models = [
        Enterprise,
        Enterprise.history.model,
        Application,
        Application.history.model,
        User,
        RepresentativePerson,
        RepresentativeTag,
        PublicPost,
        TrainingRecord,
        RepresentativePerson.history.model,
        RepresentativeTag.history.model,
        PublicPost.history.model,
        TrainingRecord.history.model,
        MemberNumberCounter,
    ]
    counts = {model: model.objects.count() for model in models}
    stamps = dict(Enterprise.objects.values_list("id", "updated_at"))
    passwords = dict(User.objects.values_list("email", "password"))
    licences = list(Application.objects.order_by("id").values_list("licence", flat=True))
    counters = dict(MemberNumberCounter.objects.values_list("year", "last"))

    output = seed()

    assert {model: model.objects.count() for model in models} == counts
    assert dict(Enterprise.objects.values_list("id", "updated_at")) == stamps
    assert dict(User.objects.values_list("email", "password")) == passwords
    assert list(Application.objects.order_by("id").values_list("licence", flat=True)) == licences
    assert dict(MemberNumberCounter.objects.values_list("year", "last")) == counters
    assert "本次新建 0" in output
    assert "staff@ylqgsl.demo" in output


def clear():
    Enterprise.history.all().delete()
    RepresentativePerson.objects.all().delete()
    Application.objects.all().delete()
    User.objects.update(enterprise=None)
    Enterprise.objects.all().delete()


def test_the_plan_is_the_same_every_time(seeded):
    """A fresh database gets the same federation: same codes, names and member numbers."""
    rows = set(Enterprise.objects.values_list("credit_code", "name", "member_number"))
    clear()
    seed(quiet=True)
    assert set(Enterprise.objects.values_list("credit_code", "name", "member_number")) == rows


def test_a_later_day_gets_the_same_enterprises_joined_up_to_that_day(seeded):
    """The same enterprises whatever the day; their membership dates move to end by then."""
    rows = dict(Enterprise.objects.values_list("credit_code", "joined_on"))
    names = set(Enterprise.objects.values_list("credit_code", "name"))
    clear()
    later = timezone.localtime() + datetime.timedelta(days=400)
    with time_machine.travel(later, tick=False):
        seed(quiet=True)
        moved = dict(Enterprise.objects.values_list("credit_code", "joined_on"))
        assert set(Enterprise.objects.values_list("credit_code", "name")) == names
        assert max(moved.values()) <= later.date()
        shifts = {moved[code] - day for code, day in rows.items()}
        assert shifts == {datetime.timedelta(weeks=57)} or shifts == {datetime.timedelta(weeks=58)}
        assert all(day.weekday() < 5 for day in moved.values())


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("command", ["seed_demo", "seed_members"])
def test_refuses_a_database_with_an_enterprise_it_did_not_make(settings, debug, command):
    settings.DEBUG = debug
    real = EnterpriseFactory()
    with pytest.raises(CommandError) as refused:
        call_command(command, stdout=StringIO())
    message = str(refused.value)
    assert "不是演示数据生成的企业或账号" in message
    assert "The database holds enterprises or accounts that the demo did not make" in message
    assert list(Enterprise.objects.all()) == [real]
    assert not User.objects.exists()
    assert not Load.objects.exists()


@pytest.mark.parametrize(
    "command", ["seed_chambers", "seed_events", "seed_petitions", "seed_policies"]
)
def test_every_part_of_the_demo_refuses_a_database_with_an_account_it_did_not_make(command):
    # `manage.py createsuperuser` on a fresh database: real data, though no enterprise yet.
    User.objects.create_superuser(email="admin@example.org", password="x", real_name="管理员")
    with pytest.raises(CommandError, match="不是演示数据生成"):
        call_command(command, stdout=StringIO())
    assert User.objects.count() == 1
    assert not Enterprise.objects.exists()
    assert not Load.objects.exists()


def test_runs_again_on_a_database_it_filled_where_someone_has_registered_since(seeded):
    count = Enterprise.objects.count()
    User.objects.create_user(email="newcomer@example.org", password="x", real_name="新用户")
    EnterpriseFactory()
    seed(quiet=True)
    assert Enterprise.objects.count() == count + 1
    assert Load.objects.count() == 2

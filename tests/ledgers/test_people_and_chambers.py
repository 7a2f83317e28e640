"""Representative figures, chambers, four-good evaluations and the duty months."""

import datetime

import pytest

from chambers.models import DutyLogEntry, DutyMonth, Organization, Post, Secondment
from members.models import PublicPost, RepresentativePerson, RepresentativeTag, TrainingRecord
from tests.chambers.factories import (
    AffiliationFactory,
    FourGoodEvaluationFactory,
    OrganizationFactory,
    PostFactory,
    TermFactory,
)
from tests.conftest import at
from tests.factories import UserFactory, township
from tests.ledgers.conftest import column, sheet_column, sheet_rows, table

pytestmark = pytest.mark.django_db

D = datetime.date


# --- Representative figures -------------------------------------------------------------------


@pytest.fixture
def figures(enterprise_a):
    young = RepresentativeTag.objects.create(name="青年一代")
    women = RepresentativeTag.objects.create(name="女企业家")
    zhang = RepresentativePerson.objects.create(
        name="张三", gender="m", birth_year=1985, enterprise=enterprise_a, position="总经理",
        mobile="13800001111",
    )  # fmt: skip
    zhang.tags.add(young)
    PublicPost.objects.create(person=zhang, kind="cppcc", level="district", term="第十届")
    TrainingRecord.objects.create(person=zhang, name="青年企业家培训", attended_on=D(2025, 5, 1))
    TrainingRecord.objects.create(person=zhang, name="理想信念教育", attended_on=D(2025, 9, 1))
    li = RepresentativePerson.objects.create(name="李四", gender="f", mobile="13800002222")
    li.tags.add(women)
    PublicPost.objects.create(person=li, kind="npc", level="municipal")
    wang = RepresentativePerson.objects.create(name="王五", gender="m")
    PublicPost.objects.create(
        person=wang, kind="npc", level="district", title="区人大代表", started_on=D(2022, 1, 1)
    )
    return {"zhang": zhang, "li": li, "wang": wang, "young": young, "women": women}


def test_representatives_show_posts_tags_and_trainings(staff_client, figures, enterprise_a):
    response = staff_client.get("/ledgers/representatives/")
    assert response.status_code == 200
    # By name, in the database's collation.
    in_order = list(
        RepresentativePerson.objects.order_by("name", "id").values_list("name", flat=True)
    )
    assert column(response, "Name") == in_order
    rows = {row[0]: row for row in table(response)}
    zhang = rows["张三"]
    assert zhang == [
        "张三", "Male", "1985", enterprise_a.name, "总经理",
        "District CPPCC member (第十届)", "青年一代", "2",
    ]  # fmt: skip
    assert rows["李四"][5] == "Municipal People's Congress deputy"
    assert rows["王五"][5] == "区人大代表"
    assert rows["王五"][6] == "—"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("gender=f", {"李四"}),
        ("post_kind=npc", {"李四", "王五"}),
        ("post_kind=npc&post_level=district", {"王五"}),
        ("post_level=district", {"张三", "王五"}),
        ("post_kind=cppcc&post_level=municipal", set()),  # one post of both, not two posts
    ],
)
def test_representative_filters(staff_client, figures, query, expected):
    response = staff_client.get(f"/ledgers/representatives/?{query}")
    assert set(column(response, "Name")) == expected


def test_representatives_by_tag(staff_client, figures):
    response = staff_client.get(f"/ledgers/representatives/?tag={figures['women'].pk}")
    assert column(response, "Name") == ["李四"]


def test_bad_representative_filters(staff_client, figures):
    response = staff_client.get("/ledgers/representatives/?tag=abc&post_kind=king")
    assert response.status_code == 200
    assert set(response.context["filter"].errors) == {"tag", "post_kind"}


def test_representatives_export_has_no_mobile(staff_client, figures):
    response = staff_client.get("/ledgers/representatives/export.xlsx?post_kind=npc")
    rows = sheet_rows(response)
    assert "Mobile phone" not in rows[0]
    assert set(sheet_column(rows, "Name")) == {"李四", "王五"}
    flat = repr(rows)
    assert "13800002222" not in flat and "13800001111" not in flat


# --- Chambers and evaluations -----------------------------------------------------------------


@pytest.fixture
def chambers(db):
    federation = Organization.objects.create(slug="fed", name="延庆区工商联", kind="federation")
    ice = OrganizationFactory(name="冰雪产业商会", slug="ice", founded_on=D(2018, 6, 1))
    for _ in range(2):
        AffiliationFactory(organization=ice)
    AffiliationFactory(organization=ice, left_on=D(2025, 1, 1))
    # Numbers given: the factory's sequence could reach the past term's.
    PostFactory(
        term=TermFactory(organization=ice, number=2), holder=UserFactory(real_name="会长甲")
    )
    past = TermFactory(organization=ice, number=1, starts_on=D(2015, 1, 1), ends_on=D(2017, 12, 31))
    PostFactory(term=past, holder=UserFactory(real_name="前任会长"))
    FourGoodEvaluationFactory(organization=ice, year=2023, level="district", awarded=True)
    FourGoodEvaluationFactory(organization=ice, year=2024, level="district", awarded=True)
    FourGoodEvaluationFactory(organization=ice, year=2024, level="municipal", awarded=False)
    town = OrganizationFactory(
        name="康庄镇商会", slug="kz", kind=Organization.Kind.TOWNSHIP, township=township()
    )
    FourGoodEvaluationFactory(organization=town, year=2024, level="district", awarded=True,
                              political_guidance="fair")  # fmt: skip
    chair = PostFactory(
        term=TermFactory(organization=federation),
        holder=UserFactory(real_name="主席乙"),
        position=Post.Position.CHAIR,
    )
    return {"federation": federation, "ice": ice, "town": town, "chair": chair}


def test_chambers_show_members_president_and_latest_evaluation(staff_client, chambers):
    response = staff_client.get("/ledgers/chambers/")
    assert response.status_code == 200
    rows = {row[0]: row for row in table(response)}
    assert column(response, "Name") == ["延庆区工商联", "冰雪产业商会", "康庄镇商会"]
    assert rows["冰雪产业商会"] == [
        "冰雪产业商会", "Industry chamber", "—", "1 Jun 2018", "2", "会长甲",
        "2024, Municipal: not named", "yes",
    ]  # fmt: skip
    assert rows["延庆区工商联"][5] == "主席乙"
    assert rows["康庄镇商会"][2] == "康庄镇"
    assert rows["康庄镇商会"][6] == "2024, District: named a four-good chamber"
    assert 'href="/chambers/ice/"' in response.content.decode()


def test_chambers_by_kind(staff_client, chambers):
    response = staff_client.get("/ledgers/chambers/?kind=township")
    assert column(response, "Name") == ["康庄镇商会"]
    response = staff_client.get("/ledgers/chambers/?kind=galaxy")
    assert response.status_code == 200 and "kind" in response.context["filter"].errors


def test_chambers_export(staff_client, chambers):
    rows = sheet_rows(staff_client.get("/ledgers/chambers/export.xlsx?kind=industry"))
    assert rows[0][:2] == ("Name", "Kind")
    assert rows[1:] == [
        ("冰雪产业商会", "Industry chamber", None, datetime.datetime(2018, 6, 1), 2, "会长甲",
         "2024, Municipal: not named", "yes"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {("冰雪产业商会", "2023"), ("冰雪产业商会", "2024"), ("康庄镇商会", "2024")}),
        ("year=2024", {("冰雪产业商会", "2024"), ("康庄镇商会", "2024")}),
        ("level=municipal", {("冰雪产业商会", "2024")}),
        ("kind=township", {("康庄镇商会", "2024")}),
        ("year=2023&level=district", {("冰雪产业商会", "2023")}),
    ],
)
def test_evaluation_filters(staff_client, chambers, query, expected):
    response = staff_client.get(f"/ledgers/evaluations/?{query}")
    pairs = set(zip(column(response, "Organisation"), column(response, "Year"), strict=True))
    assert pairs == expected


def test_evaluations_show_ratings_and_export(staff_client, chambers):
    response = staff_client.get("/ledgers/evaluations/?kind=township")
    assert table(response) == [
        ["2024", "康庄镇商会", "Township or street chamber", "District", "Fair", "Good", "Good",
         "Good", "yes"],
    ]  # fmt: skip
    rows = sheet_rows(staff_client.get("/ledgers/evaluations/export.xlsx?year=2024"))
    assert rows[0][-1] == "Notes"  # in the export only
    assert len(rows) == 4
    assert staff_client.get("/ledgers/evaluations/?year=twenty").status_code == 200


# --- Duty months ------------------------------------------------------------------------------


@pytest.fixture
def duty(chambers):
    chair = chambers["chair"]
    january = DutyMonth.objects.create(
        month=D(2026, 1, 1),
        chair=chair.holder,
        post=chair,
        status=DutyMonth.Status.COMPLETED,
        summary="本月走访会员企业五家。",
        summary_written_at=at(2026, 1, 30, 17, 0),
    )
    for name in ("小陈", "小刘"):
        Secondment.objects.create(
            duty_month=january, person_name=name, starts_on=D(2026, 1, 5), ends_on=D(2026, 1, 30)
        )
    for day in (5, 6, 7):
        DutyLogEntry.objects.create(
            duty_month=january, author=chair.holder, day=D(2026, 1, day), kind="office", text="值班"
        )
    february = DutyMonth.objects.create(month=D(2026, 2, 1))
    december = DutyMonth.objects.create(
        month=D(2025, 12, 1), chair=chair.holder, status=DutyMonth.Status.COMPLETED
    )
    return {"january": january, "february": february, "december": december}


def test_duty_months_show_chair_staff_log_and_summary(staff_client, duty):
    response = staff_client.get("/ledgers/duty/")
    assert response.status_code == 200
    assert column(response, "Month") == ["February 2026", "January 2026", "December 2025"]
    assert table(response)[1] == [
        "January 2026", "主席乙", "Chair, 延庆区工商联", "Completed", "小陈, 小刘", "3",
        "30 Jan 2026 17:00",
    ]  # fmt: skip
    assert table(response)[0][1:] == ["—", "—", "Planned", "—", "0", "—"]
    assert 'href="/roster/2026-01/"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2026", ["February 2026", "January 2026"]),
        ("year=2025", ["December 2025"]),
        ("status=planned", ["February 2026"]),
        ("year=2026&status=completed", ["January 2026"]),
    ],
)
def test_duty_filters(staff_client, duty, query, expected):
    assert column(staff_client.get(f"/ledgers/duty/?{query}"), "Month") == expected


def test_duty_export(staff_client, duty):
    rows = sheet_rows(staff_client.get("/ledgers/duty/export.xlsx?year=2026&status=completed"))
    assert rows[1] == (
        datetime.datetime(2026, 1, 1), "主席乙", "Chair, 延庆区工商联", "Completed",
        "小陈, 小刘", 3, datetime.datetime(2026, 1, 30, 17, 0),
    )  # fmt: skip


def test_bad_duty_filter(staff_client, duty):
    response = staff_client.get("/ledgers/duty/?year=2026-01&status=done")
    assert response.status_code == 200
    assert set(response.context["filter"].errors) == {"year", "status"}
    assert "Some filters are not valid" in response.content.decode()

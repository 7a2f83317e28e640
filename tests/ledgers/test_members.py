"""The member roll and the party-organisation ledger."""

import datetime

import pytest

from members.models import Enterprise
from reports.ledgers.registry import LEDGERS
from tests.factories import EnterpriseFactory, township
from tests.ledgers.conftest import column, sheet_column, sheet_rows, table

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def roll(db):
    """Three members with known facts: one withdrawn in 2024, one suspended."""
    return {
        "ice": EnterpriseFactory(
            name="延庆冰雪运动有限公司",
            member_number="2020-0001",
            industry="C",
            township=township("110119100"),
            size="small",
            ownership="private",
            joined_on=D(2020, 3, 1),
        ),
        "soft": EnterpriseFactory(
            name="康庄软件开发有限公司",
            member_number="2022-0001",
            industry="I",
            size="micro",
            joined_on=D(2022, 5, 10),
            status=Enterprise.Status.WITHDRAWN,
            left_on=D(2024, 6, 30),
        ),
        "steel": EnterpriseFactory(
            name="八达岭机械制造有限公司",
            member_number="2024-0001",
            industry="C",
            size="medium",
            ownership="collective",
            joined_on=D(2024, 1, 15),
            status=Enterprise.Status.SUSPENDED,
        ),
    }


def names(response):
    return set(column(response, "Name"))


def test_staff_see_the_whole_roll_in_member_number_order(staff_client, roll):
    response = staff_client.get("/ledgers/members/")
    assert response.status_code == 200
    assert column(response, "Member number") == ["2020-0001", "2022-0001", "2024-0001"]
    ice = table(response)[0]
    assert ice == [
        "2020-0001",
        "延庆冰雪运动有限公司",
        roll["ice"].credit_code,
        "Manufacturing",
        "延庆镇",
        "Small",
        "Private",
        "1 Mar 2020",
        "Member",
        "—",
        "None",
    ]
    assert column(response, "Date left")[1] == "30 Jun 2024"
    assert response.context["page"].paginator.count == 3
    assert f'href="/members/{roll["ice"].public_id}/"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=withdrawn", {"soft"}),
        ("status=member", {"ice"}),
        ("industry=C", {"ice", "steel"}),
        ("size=medium", {"steel"}),
        ("year=2022", {"soft"}),
        ("member_on=2023-01-01", {"ice", "soft"}),
        ("member_on=2025-01-01", {"ice", "steel"}),
        ("member_on=2019-12-31", set()),
        ("left_year=2024", {"soft"}),
        ("left_year=2023", set()),
        ("q=冰雪", {"ice"}),
        ("q=bdl", {"steel"}),
        ("industry=C&year=2024", {"steel"}),
    ],
)
def test_member_filters(staff_client, roll, query, expected):
    response = staff_client.get(f"/ledgers/members/?{query}")
    assert response.status_code == 200
    assert names(response) == {roll[key].name for key in expected}


def test_member_filter_by_township(staff_client, roll):
    response = staff_client.get(f"/ledgers/members/?township={township('110119100').pk}")
    assert names(response) == {roll["ice"].name}


def test_roll_on_a_day_uses_members_on(staff_client, roll):
    day = D(2024, 7, 1)
    expected = set(Enterprise.objects.members_on(day).values_list("name", flat=True))
    response = staff_client.get(f"/ledgers/members/?member_on={day:%Y-%m-%d}")
    assert names(response) == expected == {roll["ice"].name, roll["steel"].name}


@pytest.mark.parametrize(
    "query",
    [
        "year=abcd",
        "year=20",
        "year=99999",
        "member_on=2024-13-45",
        "status=bogus",
        "township=999999",
        "left_year=x",
        "page=zzz&year=1e3",
    ],
)
def test_bad_member_filters_answer_with_a_message(staff_client, roll, query):
    response = staff_client.get(f"/ledgers/members/?{query}")
    assert response.status_code == 200
    assert not response.context["valid"]
    assert response.context["filter"].errors
    html = response.content.decode()
    assert 'id="filter-errors"' in html and "invalid-feedback" in html
    assert table(response) == []
    assert 'id="export-link"' not in html


def test_a_bad_page_number_shows_a_page(staff_client, roll):
    assert staff_client.get("/ledgers/members/?page=zzz").status_code == 200
    assert staff_client.get("/ledgers/members/?page=9999").status_code == 200


def test_pages_follow_the_member_number_from_either_end(staff_client, db, monkeypatch):
    """Deep pages are read backwards by the mirrored paginator: together they are the roll."""
    for n in range(12):
        EnterpriseFactory(member_number=f"2025-{(n * 7) % 12:04d}")
    monkeypatch.setattr(LEDGERS["members"], "per_page", 5)
    seen = []
    for number in (1, 2, 3):
        seen += column(staff_client.get(f"/ledgers/members/?page={number}"), "Member number")
    assert seen == [f"2025-{n:04d}" for n in range(12)]


def test_members_export_holds_the_header_and_the_filtered_rows(staff_client, roll):
    response = staff_client.get("/ledgers/members/export.xlsx?industry=C")
    assert response.streaming
    today = datetime.date.today()
    assert f'filename="Member enterprises-{today:%Y-%m-%d}.xlsx"' in response["Content-Disposition"]
    rows = sheet_rows(response)
    assert rows[0] == tuple(str(c.label) for c in LEDGERS["members"].columns)
    assert sheet_column(rows, "Name") == ["延庆冰雪运动有限公司", "八达岭机械制造有限公司"]
    steel = dict(zip(rows[0], rows[2], strict=True))
    assert steel["Date joined"] == datetime.datetime(2024, 1, 15)  # a real date cell
    assert steel["Status"] == "Suspended"
    assert steel["Size"] == "Medium"
    assert steel["Ownership"] == "Collective"
    assert steel["Date left"] is None


# --- Party organisations ----------------------------------------------------------------------


@pytest.fixture
def party(db):
    return {
        "own": EnterpriseFactory(
            name="延庆党建示范有限公司",
            member_number="P-1",
            township=township("110119100"),
            party_organisation="own",
            party_members=5,
            party_organisation_since=D(2019, 7, 1),
        ),
        "joint": EnterpriseFactory(
            name="联合支部科技有限公司",
            member_number="P-2",
            industry="I",
            party_organisation="joint",
            party_members=1,
            party_organisation_since=D(2021, 3, 1),
        ),
        "instructor": EnterpriseFactory(
            name="指导员商贸有限公司",
            member_number="P-3",
            party_organisation="instructor",
            party_instructor="王指导员",
        ),
        "none": EnterpriseFactory(name="无组织餐饮有限公司", member_number="P-4"),
        "gone": EnterpriseFactory(
            name="已退会建材有限公司",
            member_number="P-5",
            party_organisation="own",
            party_members=4,
            status=Enterprise.Status.WITHDRAWN,
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"own", "joint", "instructor", "none"}),  # current members by default
        ("status=", {"own", "joint", "instructor", "none", "gone"}),  # "All" chosen
        ("status=withdrawn", {"gone"}),
        ("kind=joint", {"joint"}),
        ("kind=none", {"none"}),
        ("covered=1", {"own", "joint"}),
        ("covered=0", {"instructor", "none"}),
        ("year=2019", {"own"}),
        ("industry=I", {"joint"}),
    ],
)
def test_party_filters(staff_client, party, query, expected):
    response = staff_client.get(f"/ledgers/party/?{query}")
    assert response.status_code == 200
    assert names(response) == {party[key].name for key in expected}


def test_party_ledger_shows_members_instructor_and_coverage(staff_client, party):
    response = staff_client.get(f"/ledgers/party/?township={township('110119100').pk}")
    assert table(response) == [
        [
            "P-1",
            "延庆党建示范有限公司",
            "延庆镇",
            "Manufacturing",
            "Member",
            "Own party organisation",
            "5",
            "—",
            "1 Jul 2019",
        ]
    ]
    response = staff_client.get("/ledgers/party/")
    assert "王指导员" in column(response, "Party-building instructor")
    html = response.content.decode()
    assert 'id="total-enterprises">4<' in html
    assert 'id="total-covered">2<' in html
    assert 'id="total-coverage">50.0%<' in html
    assert 'id="total-party-members">6<' in html


def test_party_export_follows_the_default_status(staff_client, party):
    rows = sheet_rows(staff_client.get("/ledgers/party/export.xlsx"))
    assert set(sheet_column(rows, "Name")) == {
        party[k].name for k in ("own", "joint", "instructor", "none")
    }
    own = dict(zip(rows[0], rows[1], strict=True))
    assert own["Party members"] == 5
    assert own["Party organisation"] == "Own party organisation"


def test_bad_party_filter_answers_with_a_message(staff_client, party):
    response = staff_client.get("/ledgers/party/?covered=maybe&year=nineteen")
    assert response.status_code == 200
    assert set(response.context["filter"].errors) == {"covered", "year"}


def test_the_party_ledgers_coverage_is_rounded_as_the_dashboard_rounds_it():
    from core.numbers import rate
    from reports.ledgers.registry import percent

    assert rate(62, 691) == 9.0  # 8.97…
    assert percent(62, 691) == "9.0%"
    assert percent(0, 0) == "—"

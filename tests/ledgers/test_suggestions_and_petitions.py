"""The suggestions ledger, and the petition ledger's year filter."""

import datetime

import pytest

from petitions import services
from petitions.models import Petition, Suggestion
from tests.conftest import at, client_for
from tests.ledgers.conftest import column, sheet_column, sheet_rows, table

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def suggestions(user_a, enterprise_a):
    adopted = Suggestion.objects.create(
        kind="suggestion", title="优化营商环境的建议", text="……", author=user_a,
        enterprise=enterprise_a, created_at=at(2026, 2, 3, 10),
        sent_to="district_government", sent_on=D(2026, 2, 10),
        forwarded_to="municipal_federation", forwarded_on=D(2026, 3, 1),
        adopted_level="municipal", adopted_by="市工商联", adopted_on=D(2026, 4, 2),
        instruction_by="副市长", points=20,
    )  # fmt: skip
    sent = Suggestion.objects.create(
        kind="report", title="民宿经营情况反映", text="……", author=user_a,
        created_at=at(2026, 5, 6, 10), sent_to="district_committee", sent_on=D(2026, 5, 8),
    )  # fmt: skip
    # 00:30 on New Year's Day in Beijing, still 2025 in UTC.
    new_year = Suggestion.objects.create(
        kind="suggestion", title="新年第一条建议", text="……", author=user_a,
        created_at=at(2026, 1, 1, 0, 30),
    )  # fmt: skip
    old = Suggestion.objects.create(
        kind="suggestion", title="去年的建议", text="……", author=user_a,
        created_at=at(2025, 6, 1, 10),
    )  # fmt: skip
    return {"adopted": adopted, "sent": sent, "new_year": new_year, "old": old}


def titles(response):
    return set(column(response, "Title"))


def test_suggestions_show_their_chain(staff_client, suggestions, enterprise_a, user_a):
    response = staff_client.get("/ledgers/suggestions/")
    assert response.status_code == 200
    rows = {row[1]: row for row in table(response)}
    assert rows["优化营商环境的建议"] == [
        "3 Feb 2026", "优化营商环境的建议", "Suggestion", user_a.real_name,
        enterprise_a.name, "District government", "10 Feb 2026", "Municipal federation",
        "1 Mar 2026", "Municipal", "市工商联", "2 Apr 2026", "20",
    ]  # fmt: skip
    html = response.content.decode()
    assert f"/petitions/suggestions/{suggestions['adopted'].public_id}/" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2026", {"adopted", "sent", "new_year"}),
        ("year=2025", {"old"}),
        ("kind=report", {"sent"}),
        ("state=submitted", {"adopted", "sent", "new_year", "old"}),
        ("state=sent", {"adopted", "sent"}),
        ("state=forwarded", {"adopted"}),
        ("state=adopted", {"adopted"}),
        ("level=municipal", {"adopted"}),
        ("level=national", set()),
        ("year=2026&kind=suggestion&state=sent", {"adopted"}),
    ],
)
def test_suggestion_filters(staff_client, suggestions, query, expected):
    response = staff_client.get(f"/ledgers/suggestions/?{query}")
    assert titles(response) == {suggestions[key].title for key in expected}


def test_bad_suggestion_filters(staff_client, suggestions):
    response = staff_client.get("/ledgers/suggestions/?state=dreamt&level=galactic&year=2o26")
    assert response.status_code == 200
    assert set(response.context["filter"].errors) == {"state", "level", "year"}


def test_suggestions_export(staff_client, suggestions):
    rows = sheet_rows(staff_client.get("/ledgers/suggestions/export.xlsx?state=adopted"))
    assert sheet_column(rows, "Title") == ["优化营商环境的建议"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Instruction by"] == "副市长"
    assert row["Submitted"] == datetime.datetime(2026, 2, 3)
    assert row["Adopted at level"] == "Municipal"


# --- The petition ledger's year ---------------------------------------------------------------


@pytest.fixture
def petitions(user_a, enterprise_a):
    def file(title, now):
        return services.file_petition(
            actor=user_a, enterprise=enterprise_a, category="financing", title=title,
            description="银行要求追加抵押。", now=now,
        )  # fmt: skip

    return {
        "last_year": file("去年年末的诉求", at(2025, 12, 31, 23, 30)),
        "new_year": file("元旦凌晨的诉求", at(2026, 1, 1, 0, 30)),  # 2025 in UTC
        "spring": file("春季的诉求", at(2026, 4, 8, 10)),
    }


def ledger_titles(response):
    html = response.content.decode()
    return {p.title for p in Petition.objects.all() if p.tracking_number in html}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2026", {"new_year", "spring"}),
        ("year=2025", {"last_year"}),
        ("year=2024", set()),
        ("year=2026&month=2026-04", {"spring"}),
        # The month in local time, as every ledger's period (reports.ledgers.filters.period).
        ("month=2025-12", {"last_year"}),
        ("month=2026-01", {"new_year"}),
        ("year=2025&month=2026-01", set()),
        ("", {"last_year", "new_year", "spring"}),
    ],
)
def test_petition_ledger_filters_by_year_filed(staff, petitions, query, expected):
    response = client_for(staff).get(f"/petitions/ledger/?{query}")
    assert response.status_code == 200
    assert ledger_titles(response) == {petitions[key].title for key in expected}


def test_petition_ledger_export_by_year(staff, petitions):
    response = client_for(staff).get("/petitions/ledger/export.xlsx?year=2026")
    rows = sheet_rows(response)
    assert {row[2] for row in rows[1:]} == {"元旦凌晨的诉求", "春季的诉求"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=twenty", "Enter a whole number."),
        ("month=2026-13&category=financing", "Enter a valid date."),
    ],
)
def test_petition_ledger_says_when_a_filter_is_wrong_and_lists_nothing(
    staff, petitions, query, message
):
    """As every other ledger answers an invalid filter: the field says why, no rows, no export."""
    response = client_for(staff).get(f"/petitions/ledger/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "invalid-feedback" in html and message in html
    assert 'id="filter-errors"' in html
    assert 'id="export-link"' not in html
    assert ledger_titles(response) == set()


def test_petition_ledger_export_with_a_bad_filter_sends_back_to_the_page(staff, petitions):
    client = client_for(staff)
    response = client.get("/petitions/ledger/export.xlsx?year=abc&category=financing")
    assert response.status_code == 302
    assert response["Location"] == "/petitions/ledger/?year=abc&category=financing"
    html = client.get(response["Location"]).content.decode()
    assert "Correct the filters, then export again." in html
    assert "Enter a whole number." in html

"""The services ledger and its export."""

import datetime
from decimal import Decimal

import pytest

from services import services
from services.models import ServiceRecipient
from tests.ledgers.conftest import column, sheet_column, sheet_rows, table
from tests.services.conftest import field, record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English source strings."""


@pytest.fixture
def given(staff, user_a, enterprise_a, enterprise_b, chamber):
    loan = record(
        staff, [enterprise_a, enterprise_b], field=field("finance"), what="银企对接会",
        given_on=datetime.date(2025, 9, 10), loan_yuan=Decimal("2000000"), bank="延庆农商银行",
        organization=chamber,
    )  # fmt: skip
    advice = record(
        staff, [enterprise_a], field=field("legal"), what="合同审查",
        given_on=datetime.date(2025, 3, 2), legal_hours=Decimal("3"), legal_matter="购销合同",
    )  # fmt: skip
    old = record(
        staff, [enterprise_b], field=field("talent"), what="春季招聘会",
        given_on=datetime.date(2024, 4, 1), people_placed=5, outcome="签约5人",
    )  # fmt: skip
    services.rate_service(
        actor=user_a,
        recipient=loan.recipients.get(enterprise=enterprise_a),
        rating=ServiceRecipient.Rating.SATISFIED,
    )
    return {"loan": loan, "advice": advice, "old": old}


def test_the_ledger_shows_date_field_enterprises_giver_outcome_amount_and_ratings(
    staff_client, given, staff, enterprise_a, enterprise_b
):
    response = staff_client.get("/ledgers/services/?year=2025")

    assert response.status_code == 200
    assert table(response) == [
        ["10 Sep 2025", "Finance", "银企对接会", f"{enterprise_a.name}, {enterprise_b.name}",
         f"{staff.real_name}, 冰雪产业商会", "Bank: 延庆农商银行", "2,000,000.00",
         "Satisfied: 1, Not rated yet: 1"],
        ["2 Mar 2025", "Legal", "合同审查", enterprise_a.name, staff.real_name,
         "3 hours of legal advice; 购销合同", "—", "Not rated yet: 1"],
    ]  # fmt: skip
    html = response.content.decode()
    assert 'id="total-services">2<' in html
    assert 'id="total-enterprises">2<' in html
    assert 'id="total-loans">2,000,000.00<' in html
    assert 'id="total-hours">3.0<' in html
    assert 'id="total-placed">0<' in html
    assert 'id="total-satisfied">100.0%<' in html


def test_the_ledger_filters_by_field_chamber_enterprise_and_outcome(
    staff_client, given, chamber, enterprise_b
):
    def what(query):
        return set(column(staff_client.get(f"/ledgers/services/?{query}"), "What was done"))

    assert what("field=talent") == {"春季招聘会"}
    assert what("terms=legal") == {"合同审查"}
    assert what("terms=finance&year=2025") == {"银企对接会"}
    refused = staff_client.get("/ledgers/services/?terms=loans")
    assert table(refused) == [] and "terms" in refused.context["filter"].errors
    assert what(f"organization={chamber.pk}") == {"银企对接会"}
    assert what(f"enterprise={enterprise_b.name}") == {"银企对接会", "春季招聘会"}


def test_the_export_has_every_column(staff_client, given, enterprise_a, enterprise_b):
    rows = sheet_rows(staff_client.get("/ledgers/services/export.xlsx?year=2025"))

    assert rows[0] == (
        "Date", "Field", "What was done", "Enterprises served", "Given by", "Outcome",
        "Loan amount (yuan)", "Ratings",
    )  # fmt: skip
    assert sheet_column(rows, "Date") == [
        datetime.datetime(2025, 9, 10),
        datetime.datetime(2025, 3, 2),
    ]
    assert sheet_column(rows, "Loan amount (yuan)") == [2000000, None]
    assert (
        sheet_column(rows, "Enterprises served")[0] == f"{enterprise_a.name}, {enterprise_b.name}"
    )


def test_staff_see_the_field_in_english_too_and_a_new_field_without_one_in_chinese(
    staff_client, staff, enterprise_a
):
    tax = type(field("policy")).objects.create(code="tax", name="财税服务", order=90)
    record(staff, [enterprise_a], field=tax, what="税收政策辅导")
    assert column(staff_client.get("/ledgers/services/"), "Field") == ["财税服务"]

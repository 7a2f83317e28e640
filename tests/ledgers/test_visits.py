"""The visit ledger: each visit's day, who was visited and who went, the problems found and
the petitions they became, filtered by year, month, status and enterprise, and its export."""

import datetime
import re

import pytest
from django.utils.formats import date_format

from tests.chambers.factories import OrganizationFactory
from tests.factories import EnterpriseFactory, UserFactory
from tests.ledgers.conftest import column, sheet_column, sheet_rows, table
from tests.visits.factories import DoneVisitFactory, FindingFactory, VisitFactory, days
from visits import services
from visits.models import Visit

pytestmark = pytest.mark.django_db


def as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


@pytest.fixture
def visits(staff):
    bank = EnterpriseFactory(name="延庆农商银行")
    farm = EnterpriseFactory(name="康庄有机农场")
    visitor = UserFactory(real_name="秘书处老刘")
    made = DoneVisitFactory(
        planned_on=days(-3),
        enterprises=[farm, bank],
        organizations=[OrganizationFactory(name="延庆区农业商会")],
        visitors=[visitor],
        other_visitors="钱副主席",
        met="场长",
    )
    filed = FindingFactory(visit=made, enterprise=farm, text="冷库用电增容难。")
    FindingFactory(visit=made, enterprise=bank, text="网点用工难。")
    petition, _ = services.finding_to_petition(actor=staff, finding=filed, category="utilities")
    planned = VisitFactory(planned_on=days(20), enterprises=[EnterpriseFactory(name="香营民宿")])
    return made, planned, petition


def test_the_ledger_lists_who_was_visited_what_was_found_and_the_petitions(staff_client, visits):
    made, _, petition = visits
    response = staff_client.get("/ledgers/visits/?status=done")
    assert len(table(response)) == 1
    assert column(response, "Enterprises visited") == ["康庄有机农场, 延庆农商银行"]
    assert column(response, "Chambers visited") == ["延庆区农业商会"]
    assert column(response, "Visitors") == ["秘书处老刘, 钱副主席"]
    assert column(response, "Problems found") == ["2"]
    assert column(response, "Petitions") == [petition.tracking_number]
    html = response.content.decode()
    assert f'href="/visits/{made.public_id}/"' in html
    assert 'id="total-findings"' in html and 'id="total-petitions"' in html
    assert 'id="total-enterprises">2<' in html  # the two enterprises of the visit made


def test_the_ledger_filters_by_year_and_enterprise(staff_client, visits):
    made, planned, _ = visits
    assert len(table(staff_client.get(f"/ledgers/visits/?year={made.done_on.year}"))) >= 1
    assert len(table(staff_client.get(f"/ledgers/visits/?year={made.done_on.year - 5}"))) == 0
    response = staff_client.get("/ledgers/visits/?enterprise=香营民宿")
    assert column(response, "Status") == ["Planned"]
    assert column(response, "Date") == [date_format(planned.planned_on, "DATE_FORMAT")]


def test_the_export_has_the_date_the_visited_the_visitors_findings_and_petitions(
    staff_client, visits
):
    made, planned, petition = visits
    rows = sheet_rows(staff_client.get("/ledgers/visits/export.xlsx"))
    assert len(rows) == 3
    dates = [as_date(value) for value in sheet_column(rows, "Date")]
    assert dates == [planned.planned_on, made.done_on]
    assert sheet_column(rows, "Problems found (text)")[1] == "冷库用电增容难。, 网点用工难。"
    assert sheet_column(rows, "Petitions")[1] == petition.tracking_number
    assert sheet_column(rows, "Whom they met")[1] == "场长"


def total(response, key: str) -> str:
    match = re.search(rf'id="{key}">([^<]+)<', response.content.decode())
    assert match, key
    return match.group(1)


def test_without_a_status_filter_only_the_visits_made_count_their_enterprises(staff_client):
    """A year's ledger lists visits planned and cancelled too; the enterprises visited and the
    problems found are those of the visits made."""
    made = DoneVisitFactory(
        planned_on=datetime.date(2025, 4, 8), enterprises=[EnterpriseFactory(name="走访过的企业")]
    )
    FindingFactory(visit=made, enterprise=made.enterprises.get(), text="融资难。")
    VisitFactory(
        planned_on=datetime.date(2025, 5, 8), enterprises=[EnterpriseFactory(name="计划中的企业")]
    )
    VisitFactory(
        planned_on=datetime.date(2025, 6, 8),
        status=Visit.Status.CANCELLED,
        cancel_reason="企业停产",
        enterprises=[EnterpriseFactory(name="取消走访的企业")],
    )
    response = staff_client.get("/ledgers/visits/", {"year": 2025})
    assert len(table(response)) == 3
    assert total(response, "total-visits") == "3"
    assert total(response, "total-visits-done") == "1"
    assert total(response, "total-enterprises") == "1"
    assert total(response, "total-findings") == "1"


def test_the_ledger_filters_by_month_of_the_visits_day(staff_client):
    march = DoneVisitFactory(planned_on=datetime.date(2025, 3, 31))
    DoneVisitFactory(planned_on=datetime.date(2025, 4, 1))
    VisitFactory(planned_on=datetime.date(2025, 3, 2))  # planned for March: its day is March
    response = staff_client.get("/ledgers/visits/", {"year": 2025, "month": 3, "status": "done"})
    assert column(response, "Date") == [date_format(march.done_on, "DATE_FORMAT")]
    assert len(table(staff_client.get("/ledgers/visits/", {"year": 2025, "month": 3}))) == 2
    refused = staff_client.get("/ledgers/visits/", {"year": 2025, "month": 13})
    assert table(refused) == []
    assert "month" in refused.context["filter"].errors

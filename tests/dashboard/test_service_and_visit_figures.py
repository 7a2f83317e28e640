"""Services to members and visits on the dashboard and in the yearly report, on known data
for 2025: one definition of each figure (reports.dashboard.figures), the same number in every
place, each linked to its ledger."""

import datetime
import re
from decimal import Decimal

import pytest

from reports.dashboard import figures, report
from reports.services import keep_report_figures
from services import services
from services.models import ServiceRecipient
from tests.conftest import client_for
from tests.factories import EnterpriseFactory
from tests.services.conftest import field, record
from tests.visits.factories import DoneVisitFactory, FindingFactory, VisitFactory
from visits import services as visit_services

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = figures.Period.year(2025, today=D(2026, 3, 1))
Rating = ServiceRecipient.Rating


@pytest.fixture
def given(staff, user_a, user_b, enterprise_a, enterprise_b):
    """Four services in 2025 to two enterprises, one in 2024; three ratings given."""
    loan = record(
        staff, [enterprise_a, enterprise_b], field=field("finance"), what="银企对接会",
        given_on=D(2025, 9, 10), loan_yuan=Decimal("2000000"), bank="延庆农商银行",
    )  # fmt: skip
    advice = record(
        staff, [enterprise_a], field=field("legal"), what="合同审查",
        given_on=D(2025, 3, 2), legal_hours=Decimal("3"), legal_matter="购销合同",
    )  # fmt: skip
    record(
        staff, [enterprise_b], field=field("legal"), what="劳动争议咨询",
        given_on=D(2025, 3, 5), legal_hours=Decimal("1.5"),
    )  # fmt: skip
    record(
        staff, [enterprise_b], field=field("talent"), what="春季招聘会",
        given_on=D(2025, 4, 1), people_placed=5,
    )  # fmt: skip
    record(
        staff, [enterprise_a], field=field("talent"), what="去年的招聘会",
        given_on=D(2024, 4, 1), people_placed=7,
    )  # fmt: skip
    for user, service, rating in (
        (user_a, loan, Rating.SATISFIED),
        (user_b, loan, Rating.NOT_SATISFIED),
        (user_a, advice, Rating.BASICALLY),
    ):
        services.rate_service(
            actor=user,
            recipient=service.recipients.get(enterprise=user.enterprise),
            rating=rating,
        )


@pytest.fixture
def visited(staff, enterprise_a, enterprise_b):
    """Three visits made in 2025 (enterprise A visited twice), one planned, one made in 2024;
    three problems found in 2025, one filed as a petition."""
    third = EnterpriseFactory(name="香营民宿")
    first = DoneVisitFactory(planned_on=D(2025, 2, 10), enterprises=[enterprise_a, enterprise_b])
    DoneVisitFactory(planned_on=D(2025, 2, 20), enterprises=[enterprise_a])
    last = DoneVisitFactory(planned_on=D(2025, 11, 3), enterprises=[third])
    VisitFactory(planned_on=D(2025, 12, 1), enterprises=[third])  # planned only
    old = DoneVisitFactory(planned_on=D(2024, 6, 1), enterprises=[third])
    filed = FindingFactory(visit=first, enterprise=enterprise_a, text="用电增容难。")
    FindingFactory(visit=first, enterprise=enterprise_b, text="招工难。")
    FindingFactory(visit=last, enterprise=third, text="停车位不足。")
    FindingFactory(visit=old, enterprise=third, text="去年的问题。")
    visit_services.finding_to_petition(actor=staff, finding=filed, category="utilities")


def test_services_by_field_and_outcome(given):
    counted = figures.services(YEAR)
    assert counted.services == 4
    assert counted.enterprises == 2
    assert (counted.financing, counted.loans) == (1, Decimal("2000000"))
    assert (counted.legal, counted.legal_hours) == (2, Decimal("4.5"))
    assert counted.placed == 5
    assert (counted.rated, counted.satisfied, counted.satisfaction_rate) == (3, 2, 66.7)
    by_field = {row.code: (row.services, row.enterprises) for row in counted.by_field}
    assert by_field["finance"] == (1, 2)
    assert by_field["legal"] == (2, 2)
    assert by_field["talent"] == (1, 1)
    assert by_field["policy"] == (0, 0)  # every field, those without a service too


def test_visits_made_enterprises_visited_problems_and_petitions(visited):
    counted = figures.visits(YEAR)
    assert counted.total.visits == 3
    assert counted.enterprises == 3
    assert (counted.total.findings, counted.total.petitions) == (3, 1)
    assert counted.by_month[2].visits == 2
    assert (counted.by_month[2].findings, counted.by_month[2].petitions) == (2, 1)
    assert counted.by_month[11].visits == 1


def test_a_year_without_services_or_visits_counts_nothing(db):
    counted = figures.services(YEAR)
    assert (counted.services, counted.enterprises, counted.loans) == (0, 0, 0)
    assert counted.satisfaction_rate is None
    assert figures.visits(YEAR).total == figures.VisitRow()


def test_the_report_has_a_section_for_services_and_one_for_visits(given, visited):
    built = report.build(2025, today=D(2026, 3, 1))
    sections = {section.key: section for section in built.sections}
    services_items = {str(i.label): i for i in sections["services"].items}
    assert services_items["Services given"].value == 4
    assert services_items["Enterprises served"].value == 2
    assert services_items["Financing matches"].value == 1
    assert services_items["Loans obtained"].value == Decimal("2000000")
    assert services_items["Legal consultations"].value == 2
    assert services_items["Legal advice given"].value == Decimal("4.5")
    assert services_items["People placed"].value == 5
    assert services_items["Ratings: satisfied or basically satisfied"].value == 66.7
    assert services_items["Legal: services (enterprises served: 2)"].value == 2
    assert "Policy: services (enterprises served: 0)" not in services_items
    assert services_items["Services given"].link == "/ledgers/services/?year=2025"
    assert services_items["Financing matches"].link == "/ledgers/services/?year=2025&terms=finance"
    assert services_items["People placed"].link == "/ledgers/services/?year=2025&terms=talent"
    visit_items = {str(i.label): i for i in sections["visits"].items}
    assert visit_items["Visits made"].value == 3
    assert visit_items["Enterprises visited"].value == 3
    assert visit_items["Problems found"].value == 3
    assert visit_items["turned into petitions"].value == 1
    assert visit_items["Visits made"].link == "/ledgers/visits/?year=2025&status=done"


def test_the_dashboard_shows_the_figures_and_links_them_to_the_ledgers(staff, given, visited):
    page = client_for(staff).get("/dashboard/?year=2025").content.decode()
    assert 'id="figure-services">4<' in page
    assert 'id="figure-financing">1<' in page
    assert 'id="figure-loans">2,000,000.00<' in page  # as the ledger shows it
    assert 'id="figure-legal">2<' in page
    assert 'id="figure-legal-hours">4.5<' in page
    assert 'id="figure-placed">5<' in page
    assert 'id="figure-services-satisfied">66.7%<' in page
    assert 'id="figure-visits">3<' in page
    assert 'href="/ledgers/services/?year=2025&amp;terms=finance"' in page
    assert 'href="/ledgers/services/?year=2025&amp;terms=legal"' in page
    assert 'href="/ledgers/services/?year=2025&amp;terms=talent"' in page
    assert 'href="/ledgers/visits/?year=2025&amp;status=done"' in page
    assert 'id="chart-services_field"' in page and 'id="chart-visits_month"' in page


def test_the_printed_report_and_its_workbook_include_them(staff, given, visited):
    import io

    from openpyxl import load_workbook

    keep_report_figures(year=2025)
    client = client_for(staff)
    printed = client.get("/dashboard/report/print/?year=2025").content.decode()
    assert 'id="report-services"' in printed and 'id="report-visits"' in printed
    response = client.get("/dashboard/report/export.xlsx?year=2025")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = {row[0]: row[1:] for row in book.worksheets[0].iter_rows(values_only=True) if row}
    assert rows["Services given"][0] == 4
    assert rows["    Loans obtained"] == (2000000, "yuan")
    assert rows["    Legal advice given"] == (4.5, "hours")
    assert rows["Visits made"][0] == 3
    assert rows["    turned into petitions"][0] == 1


def test_the_figures_cost_the_same_queries_for_one_or_ten_services_and_visits(
    staff, enterprise_a, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for i in range(n):
            record(
                staff, [enterprise_a], field=field("finance"), what=f"对接{i}",
                given_on=D(2025, 5, 1 + i), loan_yuan=Decimal(1000),
            )  # fmt: skip
            FindingFactory(
                visit=DoneVisitFactory(planned_on=D(2025, 6, 1 + i), enterprises=[enterprise_a]),
                enterprise=enterprise_a,
            )

    add(1)
    with CaptureQueriesContext(connection) as one:
        figures.services(YEAR), figures.visits(YEAR)
    add(9)
    with django_assert_num_queries(len(one.captured_queries)):
        figures.services(YEAR), figures.visits(YEAR)


def test_each_month_of_the_visits_chart_links_to_its_visits_made(staff, visited):
    from reports.dashboard import charts

    chart = charts.visit_chart(2025, figures.visits(YEAR))
    assert chart.links[1] == "/ledgers/visits/?year=2025&month=2&status=done"
    assert len(chart.links) == 12 and all(chart.links)
    client = client_for(staff)
    page = client.get("/dashboard/?year=2025").content.decode()
    assert 'href="/ledgers/visits/?year=2025&amp;month=2&amp;status=done"' in page
    february = client.get(chart.links[1])
    assert february.context["page"].paginator.count == chart.series[0].values[1] == 2


def test_the_visit_figures_read_in_the_singular_for_one(staff, enterprise_a, english):
    made = DoneVisitFactory(planned_on=D(2025, 2, 10), enterprises=[enterprise_a])
    FindingFactory(visit=made, enterprise=enterprise_a, text="用电难。")
    page = client_for(staff).get("/dashboard/?year=2025").content.decode()
    assert ">1 problem found<" in page
    assert ">0 filed as petitions<" in page


def test_the_report_names_each_unit_once(staff, given):
    keep_report_figures(year=2025)
    client = client_for(staff)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/dashboard/report/?year=2025").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "提供法律咨询 4.50 小时" in text
    assert "获得贷款 2,000,000.00 元" in text
    assert "（小时） 4.50 小时" not in text

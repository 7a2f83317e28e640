"""Policies on the dashboard and in the yearly report: the year's published policies and
their funnel, as policies.funnel counts them, each figure linked to the funnel page or the
funnel's list of enterprises for that year and stage."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from petitions.models import Department
from policies import funnel
from policies.models import FollowUp, Policy
from reports.dashboard import charts, figures, report
from reports.services import keep_report_figures, kept_figures
from tests.conftest import client_for, empty_caches
from tests.factories import EnterpriseFactory
from tests.policies.factories import PolicyFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English source strings."""


@pytest.fixture
def world():
    """Two published policies issued in YEAR (a draft and one of the year before are not
    counted): five manufacturers match the first — one read it, one will apply, one applied,
    one was granted 300,000 yuan — and a farm that does not match it was granted 5,000 yuan
    (followed without matching: not in the figures)."""
    science = Department.objects.create(name="区科委", code="kewei")
    firms = EnterpriseFactory.create_batch(5, industry="C")
    farm = EnterpriseFactory(industry="A")
    issued = datetime.date(YEAR, 3, 2)
    first = PolicyFactory(industries=["C"], departments=[science], issued_on=issued)
    PolicyFactory(industries=["A"], departments=[science], issued_on=issued)
    PolicyFactory(issued_on=issued, status=Policy.Status.DRAFT)
    PolicyFactory(issued_on=datetime.date(YEAR - 1, 6, 1))
    read = {"matched": True, "read_at": timezone.now()}
    FollowUp.objects.create(policy=first, enterprise=firms[0], **read)
    FollowUp.objects.create(policy=first, enterprise=firms[1], state="will_apply", **read)
    FollowUp.objects.create(policy=first, enterprise=firms[2], state="applied", **read)
    FollowUp.objects.create(
        policy=first, enterprise=firms[3], state="granted", amount=Decimal("300000"), **read
    )
    FollowUp.objects.create(
        policy=first, enterprise=farm, state="granted", amount=Decimal("5000"), matched=False
    )
    return first


EXPECTED = {"matched": 6, "read": 4, "will_apply": 3, "applied": 2, "granted": 1}


def test_the_years_policy_figures_are_the_funnels_totals(world):
    counted = figures.policies(YEAR)
    assert counted.published == 2
    assert counted.funnel == funnel.for_year(YEAR)
    assert {stage: getattr(counted.funnel, stage) for stage in EXPECTED} == EXPECTED
    assert counted.funnel.amount == Decimal("300000")


def test_a_year_without_policies_counts_nothing(db):
    counted = figures.policies(YEAR)
    assert (counted.published, counted.funnel) == (0, funnel.Funnel())


def test_the_report_has_a_policy_section_linked_to_the_funnel(world):
    built = report.build(YEAR)
    section = next(s for s in built.sections if s.key == "policies")
    items = {str(i.label): i for i in section.items}
    published = items["Policies published"]
    assert (published.value, published.link) == (2, f"/policies/funnel/?year={YEAR}")
    matched = items["Enterprises matched (counted under each policy they match)"]
    assert matched.value == 6
    assert matched.link == f"/policies/funnel/enterprises/?stage=matched&year={YEAR}"
    for label, stage in [
        ("read them", "read"),
        ("will apply", "will_apply"),
        ("applied", "applied"),
        ("granted", "granted"),
    ]:
        assert items[label].value == EXPECTED[stage], label
        assert items[label].link == f"/policies/funnel/enterprises/?stage={stage}&year={YEAR}"
        assert items[label].indent
    amount = items["Amount granted"]
    assert (amount.value, amount.unit, amount.link) == (
        Decimal("300000"),
        "yuan",
        f"/policies/funnel/?year={YEAR}",
    )


def test_the_dashboard_shows_the_policy_figures_with_their_links(staff, world):
    page = client_for(staff).get(f"/dashboard/?year={YEAR}").content.decode()
    assert 'id="figure-policies">2<' in page
    assert 'id="figure-policy-amount">300,000.00<' in page
    assert 'id="figure-policy-granted">1<' in page
    assert f'href="/policies/funnel/?year={YEAR}"' in page
    for stage in EXPECTED:
        assert f'href="/policies/funnel/enterprises/?stage={stage}&amp;year={YEAR}"' in page
    chart = charts.policy_chart(YEAR, figures.policies(YEAR))
    assert chart.series[0].values == list(EXPECTED.values())
    assert 'id="chart-section-policy_funnel"' in page


def test_the_printed_report_and_its_workbook_include_them(staff, world):
    keep_report_figures(year=YEAR)
    client = client_for(staff)
    printed = client.get(f"/dashboard/report/print/?year={YEAR}").content.decode()
    assert 'id="report-policies"' in printed and 'id="report-policies-rule"' in printed
    response = client.get(f"/dashboard/report/export.xlsx?year={YEAR}")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = {row[0]: row[1:] for row in book.worksheets[0].iter_rows(values_only=True) if row}
    assert rows["Policies published"][0] == 2
    assert rows["    applied"][0] == 2
    assert rows["    Amount granted"] == (300000, "yuan")


def test_kept_figures_of_the_release_before_policies_are_computed_again(staff, world):
    kept = keep_report_figures(year=YEAR)
    assert kept_figures(YEAR) is not None
    kept.figures = {**kept.figures, "version": 3}
    del kept.figures["policies"]
    kept.save(update_fields=["figures"])
    empty_caches()
    assert kept_figures(YEAR) is None


def test_the_policy_figures_cost_the_same_queries_for_one_or_ten_policies(
    django_assert_num_queries,
):
    firm = EnterpriseFactory(industry="C")

    def add(n):
        for _i in range(n):
            policy = PolicyFactory(industries=["C"], issued_on=datetime.date(YEAR, 5, 1))
            FollowUp.objects.create(
                policy=policy, enterprise=firm, matched=True, read_at=timezone.now()
            )

    add(1)
    with CaptureQueriesContext(connection) as one:
        figures.policies(YEAR)
    add(9)
    with django_assert_num_queries(len(one.captured_queries)):
        assert figures.policies(YEAR).funnel.read == 10


def test_the_dashboard_names_the_departments_that_granted_most(staff, world):
    finance = Department.objects.create(name="区金融办", code="jinrong")
    PolicyFactory(departments=[finance], issued_on=datetime.date(YEAR, 4, 1))  # granted nothing
    rows = figures.top_departments(YEAR)
    assert [department.name for department, _row in rows] == ["区科委", "区金融办"]
    assert rows == [row for row in funnel.by_department(YEAR) if row[0].name == "区科委"] + [
        row for row in funnel.by_department(YEAR) if row[0].name == "区金融办"
    ]
    chart = charts.policy_department_chart(YEAR, rows)
    assert chart.series[2].values == [1, 0]  # granted
    assert chart.extra_columns[0][1] == [Decimal("300000"), Decimal(0)]
    science = rows[0][0]
    page = client_for(staff).get(f"/dashboard/?year={YEAR}").content.decode()
    link = (
        f"/policies/funnel/enterprises/?stage=granted&amp;year={YEAR}&amp;department={science.pk}"
    )
    assert f'href="{link}"' in page
    listed = client_for(staff).get(chart.links[0])
    assert listed.context["page"].paginator.count == 1


def test_at_most_five_departments_at_the_same_cost(django_assert_num_queries):
    def add(n):
        for _i in range(n):
            n = Department.objects.count()
            department = Department.objects.create(name=f"部门{n}", code=f"d{n}")
            PolicyFactory(departments=[department], issued_on=datetime.date(YEAR, 5, 1))

    add(1)
    with CaptureQueriesContext(connection) as one:
        figures.top_departments(YEAR)
    add(7)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(figures.top_departments(YEAR)) == figures.TOP_DEPARTMENTS

"""The dashboard and the yearly report as staff see them; nobody else sees them."""

import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from events.models import Event
from members.choices import PartyOrganisation
from reports.services import keep_report_figures
from tests.conftest import at, client_for, empty_caches
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import EnterpriseFactory, UserFactory
from ylqgsl.schedules import default_schedules

pytestmark = pytest.mark.django_db

CHARTS = [
    "growth",
    "industry",
    "township",
    "size",
    "party",
    "events_month",
    "events_kind",
    "petition_category",
    "petition_status",
    "petition_rates",
    "suggestions",
    "donations",
    "duty",
    "services_field",
    "visits_month",
]


def make_year(n: int, year: int = 2025):
    """n members who joined in `year`, n events held in it with one enterprise at each."""
    enterprises = [
        EnterpriseFactory(
            joined_on=datetime.date(year, 3, 1),
            party_organisation=PartyOrganisation.OWN_BRANCH if i % 2 else PartyOrganisation.NONE,
        )
        for i in range(n)
    ]
    for i, enterprise in enumerate(enterprises):
        event = EventFactory(
            kind=Event.Kind.TRAINING, status=Event.Status.FINISHED, starts_at=at(year, 4, 1 + i)
        )
        RegistrationFactory(event=event, enterprise=enterprise, checked_in_at=at(year, 4, 1 + i))
    return enterprises


def chart_data(page: str, key: str) -> dict:
    match = re.search(
        rf'<script id="chart-data-{key}" type="application/json">(.*?)</script>', page
    )
    assert match, f"no data for chart {key}"
    return json.loads(match.group(1))


def test_staff_see_every_chart_with_its_table_and_numbers(staff, file_for):
    make_year(3)
    file_for(now=at(2025, 5, 6, 9))
    response = client_for(staff).get("/dashboard/?year=2025")
    assert response.status_code == 200
    page = response.content.decode()
    for key in ("growth", "industry", "township", "size", "party", "events_month", "events_kind"):
        assert f'id="chart-{key}"' in page
        assert f'id="table-{key}"' in page
    for key in CHARTS:
        assert f'id="chart-section-{key}"' in page
    growth = chart_data(page, "growth")
    assert growth["labels"][-1] == "2025"
    assert growth["series"][0]["values"][-1] == 3
    events = chart_data(page, "events_month")
    assert events["series"][0]["values"][3] == 3  # April
    assert 'id="figure-members">3<' in page
    assert 'id="figure-coverage">33.3%<' in page
    assert "vendor/chartjs/chart.umd.min.js" in page


def test_each_table_row_links_to_the_list_behind_it(staff):
    make_year(2)
    page = client_for(staff).get("/dashboard/?year=2025").content.decode()
    assert "/ledgers/members/?member_on=2025-12-31&amp;industry=C" in page
    assert "/ledgers/events/?year=2025&amp;month=4" in page
    assert "/ledgers/party/?kind=own" in page


def test_the_year_selector_and_bad_years(staff):
    client = client_for(staff)
    this_year = timezone.localdate().year
    for bad in ("abc", "1800", "99999", "", "2025.5"):
        response = client.get("/dashboard/", {"year": bad})
        assert response.status_code == 200
        assert response.context["year"] == this_year
    assert client.get("/dashboard/?year=2024").context["year"] == 2024
    page = client.get("/dashboard/?year=2024").content.decode()
    assert '<option value="2024" selected>' in page


def test_nobody_but_staff(user_a, applicant):
    leader = UserFactory()
    for user in (user_a, applicant, leader):
        for url in ("/dashboard/", "/dashboard/report/", "/dashboard/report/export.xlsx"):
            assert client_for(user).get(url).status_code == 403
    assert client_for(None).get("/dashboard/").status_code == 302


def test_the_dashboard_costs_the_same_queries_for_3_or_30(staff, django_assert_num_queries):
    client = client_for(staff)
    make_year(3)
    client.get("/dashboard/?year=2025")
    empty_caches()  # both measured in full: no part or count from the cache
    with CaptureQueriesContext(connection) as small:
        client.get("/dashboard/?year=2025")
    make_year(27)
    empty_caches()
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/dashboard/?year=2025")


def test_the_report_page_print_and_workbook_agree(staff):
    make_year(4)
    keep_report_figures(year=2025)
    client = client_for(staff)
    page = client.get("/dashboard/report/?year=2025").content.decode()
    assert 'id="report-members"' in page
    assert "/ledgers/members/?member_on=2025-12-31" in page
    printed = client.get("/dashboard/report/print/?year=2025").content.decode()
    assert "navbar" not in printed
    assert "/ledgers/" not in printed  # no links on paper
    response = client.get("/dashboard/report/export.xlsx?year=2025")
    assert '"2025 work report-' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row}
    assert rows["Members at the end of the year"] == 4
    assert rows["New members"] == 4
    assert rows["Events held"] == 4
    assert rows["Party-organisation coverage"] == 50.0
    growth = list(book.worksheets[1].iter_rows(values_only=True))
    assert growth[-1] == (2025, 4, 4, 0)


def test_the_dashboard_in_chinese(staff):
    client = client_for(staff)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "会员" in page


def test_the_figures_are_kept_for_the_configured_seconds(staff, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    client = client_for(staff)
    make_year(2)
    first = client.get("/dashboard/?year=2025").content.decode()
    assert 'id="figure-members">2<' in first
    make_year(1)
    assert 'id="figure-members">2<' in client.get("/dashboard/?year=2025").content.decode()
    assert 'id="figure-members">3<' not in client.get("/dashboard/?year=2025").content.decode()
    settings.DASHBOARD_CACHE_SECONDS = 0
    assert 'id="figure-members">3<' in client.get("/dashboard/?year=2025").content.decode()
    cache.clear()


def test_beat_renders_this_and_last_year_ahead(staff, settings):
    from django.core.cache import cache

    from reports.tasks import refresh_dashboard

    settings.DASHBOARD_CACHE_SECONDS = 60
    assert "ylqgsl.tasks.refresh_dashboard" in {s.task for s in default_schedules()}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    this_year = timezone.localdate().year
    EnterpriseFactory(joined_on=datetime.date(this_year, 1, 2))
    done = refresh_dashboard.delay().get()
    assert sorted(map(tuple, done)) == sorted(
        (year, language) for year in (this_year, this_year - 1) for language in ("zh-hans", "en")
    )
    EnterpriseFactory(joined_on=datetime.date(this_year, 1, 3))  # after the refresh
    page = client_for(staff).get("/dashboard/").content.decode()
    assert 'id="figure-members">1<' in page  # read from what beat rendered
    cache.clear()

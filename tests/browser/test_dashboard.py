"""Staff open the dashboard, change the year, and follow a chart's numbers to the list behind."""

import datetime

import pytest

from events.models import Event
from tests.browser.conftest import log_in
from tests.conftest import at
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_year_and_a_charts_link(new_page, staff):
    firm = EnterpriseFactory(name="延庆冰雪装备有限公司", joined_on=datetime.date(2025, 3, 3))
    training = EventFactory(
        kind=Event.Kind.TRAINING,
        title="民营企业财税培训",
        status=Event.Status.FINISHED,
        starts_at=at(2025, 4, 8, 9),
    )
    RegistrationFactory(event=training, enterprise=firm, checked_in_at=at(2025, 4, 8, 9))

    page = new_page()
    log_in(page, staff.email)
    page.click("#staff-menu")
    page.click("#dashboard-menu-link")
    page.wait_for_url("**/dashboard/")

    # The charts are drawn by Chart.js from our own static files.
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".filter(c => Chart.getChart(c)).length"
    )
    assert drawn >= 5

    # Choosing another year reloads the page for it.
    with page.expect_navigation():
        page.select_option("#year-select", "2025")
    assert "year=2025" in page.url
    assert page.inner_text("#figure-events").strip() == "1"
    assert page.evaluate("() => !!Chart.getChart(document.getElementById('chart-events_month'))")

    # April's row in the events table leads to the ledger of April's events.
    page.click("#table-events_month tbody tr:nth-child(4) th a")
    page.wait_for_url("**/ledgers/events/?year=2025&month=4")
    assert "民营企业财税培训" in page.content()

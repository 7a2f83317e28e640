"""Staff record a problem raised at a breakfast meeting and open its petition in one click."""

import pytest

from events.models import Event
from petitions.models import Petition
from tests.browser.conftest import log_in
from tests.events.factories import EventFactory, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_problem_raised_at_a_meeting_becomes_a_petition(staff, new_page, enterprise_a):
    meeting = EventFactory(kind=Event.Kind.BREAKFAST, title="企业家早餐会", starts_at=at(days=-1))
    page = new_page()
    log_in(page, staff.email)
    page.goto(f"/events/{meeting.public_id}/record/")
    page.fill("#id_problem-enterprise", enterprise_a.name)
    page.fill("#id_problem-raised_by", "王总")
    page.fill("#id_problem-text", "冬奥场馆周边停车难。希望增设车位。")
    with page.expect_navigation():
        page.click("#problem-form button[type=submit]")

    problem = meeting.problems.get()
    row = f"#problem-{problem.pk}"
    page.select_option(f"{row} select[name=problem-{problem.pk}-category]", "land")
    with page.expect_navigation():
        page.click(f"{row} button[type=submit]")

    petition = Petition.objects.get()
    assert (petition.raised_problem, petition.source_event) == (problem, meeting)
    assert petition.channel == "breakfast"
    assert petition.tracking_number in page.inner_text(row)
    assert "已提交" in page.inner_text(row)

    page.click(f"{row} a")
    page.wait_for_url(f"**/petitions/{petition.public_id}/")
    assert page.inner_text("#source-event").startswith("企业家早餐会")

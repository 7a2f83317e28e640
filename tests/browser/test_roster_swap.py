import datetime

import pytest

from chambers.models import DutyMonth, Post, SwapRequest
from core.months import add_months
from tests.browser.conftest import log_in
from tests.conftest import make_leader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chair_asks_for_a_swap_the_other_accepts_staff_approve(staff, term, new_page, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    today = datetime.date.today()
    chair = make_leader(term, "王主席", Post.Position.CHAIR)
    other = make_leader(term, "陈副主席")
    first, second = add_months(today, 1), add_months(today, 2)
    mine = DutyMonth.objects.create(month=first, chair=chair)
    theirs = DutyMonth.objects.create(month=second, chair=other)

    # The chair sees their coming month and asks for a swap.
    page = new_page()
    log_in(page, chair.email)
    page.click("#roster-link")
    assert "王主席" in page.inner_text(f"#month-{first:%Y-%m} .chair")
    page.goto("/roster/mine/")
    assert f"{first.year}年{first.month}月" in page.inner_text("#my-duties")
    page.click("#ask-swap")
    page.select_option("#id_month", str(mine.pk))
    page.select_option("#id_counterpart", str(other.pk))
    page.select_option("#id_other_month", str(theirs.pk))
    page.fill("#id_reason", "当月赴外地考察")
    page.click("#swap-form button[type=submit]")
    page.wait_for_url("**/roster/mine/")
    swap = SwapRequest.objects.get()

    # The other leader accepts.
    other_page = new_page()
    log_in(other_page, other.email)
    other_page.goto("/roster/mine/")
    other_page.click(f"#swap-{swap.public_id} button[value=accept]")
    other_page.wait_for_url("**/roster/mine/")

    # Staff approve; the roster shows the swap.
    staff_page = new_page()
    log_in(staff_page, staff.email)
    staff_page.goto("/roster/swaps/")
    staff_page.click(f"#swap-{swap.public_id} button[value=approve]")
    staff_page.wait_for_url("**/roster/swaps/")
    staff_page.goto("/roster/")
    assert "陈副主席" in staff_page.inner_text(f"#month-{first:%Y-%m} .chair")
    assert "王主席" in staff_page.inner_text(f"#month-{second:%Y-%m} .chair")
    swap.refresh_from_db()
    assert swap.status == "approved"

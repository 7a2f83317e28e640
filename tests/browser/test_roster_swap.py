import datetime

import pytest

from chambers.models import DutyMonth, Organization, Post, SwapRequest, Term
from core.months import add_months
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery"


def log_in(page, email):
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/")


def test_chair_asks_for_a_swap_the_other_accepts_staff_approve(new_page, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    today = datetime.date.today()
    federation = Organization.objects.create(slug="fed", name="延庆区工商联", kind="federation")
    term = Term.objects.create(
        organization=federation, number=3, starts_on=datetime.date(2021, 12, 1)
    )
    chair = UserFactory(email="chair@ylqgsl.test", real_name="王主席")
    other = UserFactory(email="vice@ylqgsl.test", real_name="陈副主席")
    staff = UserFactory(email="staff@ylqgsl.test", real_name="秘书处", is_staff=True)
    for user, position in ((chair, "chair"), (other, "vice_chair")):
        Post.objects.create(term=term, holder=user, position=position, started_on=term.starts_on)
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

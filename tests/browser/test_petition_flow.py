"""An enterprise files a petition, staff handle it, it is reopened and finally closed."""

import pytest

from petitions.models import Department, Petition
from tests.browser.conftest import log_in
from tests.uploads import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act(page, action, fields):
    page.click(f"#open-{action}")
    # Bootstrap's collapse animates the panel open: act once it is shown, not halfway.
    page.wait_for_selector(f"#act-{action}.show")
    for selector, value in fields.items():
        if selector.startswith("select:"):
            page.select_option(selector.removeprefix("select:"), value)
        else:
            page.fill(selector, value)
    with page.expect_navigation():  # the POST, then its redirect back to the petition
        page.click(f"#do-{action}")


def rates(page):
    page.goto("/petitions/metrics/")
    return tuple(
        page.inner_text(f"#{key}").strip()
        for key in ("response-rate", "resolution-rate", "satisfaction-rate")
    )


def test_file_handle_reopen_and_close(staff, new_page, tmp_path, settings, enterprise_a, user_a):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    department = Department.objects.create(name="区金融办", code="jrb")
    contract = tmp_path / "借款合同.pdf"
    contract.write_bytes(PDF)

    # The enterprise files a petition with an attachment and gets its tracking number.
    page = new_page()
    log_in(page, user_a.email)
    page.goto("/petitions/new/")
    page.select_option("#id_category", "financing")
    page.fill("#id_title", "流动资金贷款续贷困难")
    page.fill("#id_description", "银行要求追加抵押，希望协调续贷。")
    page.set_input_files("#id_attachments", str(contract))
    with page.expect_navigation():
        page.click("#submit-petition")
    petition = Petition.objects.get()
    assert page.inner_text("#tracking-number") == petition.tracking_number
    assert "借款合同.pdf" in page.inner_text("#attachments")

    # Staff accept it and forward it to the finance office with its reference number.
    staff_page = new_page()
    log_in(staff_page, staff.email)
    staff_page.goto(f"/petitions/{petition.public_id}/")
    act(staff_page, "accept", {"#id_accept-note": "已受理"})
    act(
        staff_page,
        "forward",
        {
            "select:#id_forward-department": str(department.pk),
            "#id_forward-reference": "JRB-2026-031",
        },
    )
    petition.refresh_from_db()
    assert (petition.status, petition.department_reference) == ("dispatched", "JRB-2026-031")

    # Staff reply; the enterprise rates it unsatisfied and it reopens.
    act(staff_page, "reply", {"#id_reply-text": "已协调银行，同意续贷。"})
    page.reload()
    page.check("#id_rating_2")  # unsatisfied
    page.fill("#id_comment", "银行仍要求追加抵押。")
    with page.expect_navigation():
        page.click("#rate-button")
    petition.refresh_from_db()
    assert (petition.status, petition.reopen_count) == ("reopened", 1)
    assert rates(staff_page) == ("100.0 %", "0.0 %", "0.0 %")

    # A second reply, rated satisfied; staff close it.
    staff_page.goto(f"/petitions/{petition.public_id}/")
    act(staff_page, "reply", {"#id_reply-text": "经再次协调，银行同意以原条件续贷。"})
    page.reload()
    page.check("#id_rating_0")  # satisfied
    with page.expect_navigation():
        page.click("#rate-button")
    staff_page.goto(f"/petitions/{petition.public_id}/")  # the page as it is after the rating
    act(staff_page, "close", {"#id_close-note": "办结"})
    petition.refresh_from_db()
    assert (petition.status, petition.rating) == ("closed", "satisfied")
    assert rates(staff_page) == ("100.0 %", "100.0 %", "100.0 %")
    page.reload()
    assert "经再次协调" in page.inner_text("#timeline")

import pytest
from django.core import mail
from django.utils import translation

from members.models import Application, Enterprise
from tests.browser.conftest import fill_registration, log_in
from tests.factories import make_credit_code
from tests.uploads import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_approve_and_see_membership(staff, new_page, tmp_path, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    code = make_credit_code(880088)
    licence = tmp_path / "licence.pdf"
    licence.write_bytes(PDF)

    # An enterprise registers through the form.
    page = new_page()
    fill_registration(
        page, licence, person="孙丽", email="sunli@example.com", mobile="13911112222",
        password="Snow-Grape-2026", enterprise="北京延庆雪国葡萄酒有限公司",
        credit_code=code.lower(), industry="C", size="small", township="张山营镇",
        address="北京市延庆区张山营镇葡萄大道1号", contact_mobile="139 1111 2222",
    )  # fmt: skip
    page.wait_for_selector("#register-done")
    assert Application.objects.get().credit_code == code

    # Staff approve it.
    staff_page = new_page()
    log_in(staff_page, staff.email)
    staff_page.goto("/members/applications/")
    staff_page.click("text=北京延庆雪国葡萄酒有限公司")
    staff_page.click("#approve-button")
    staff_page.wait_for_url("**/members/applications/")
    enterprise = Enterprise.objects.get(credit_code=code)
    assert enterprise.status == Enterprise.Status.MEMBER

    # The enterprise logs in, sees it is a member and has a notice in its inbox.
    page.goto("/")
    log_in(page, "sunli@example.com", "Snow-Grape-2026")
    status = page.inner_text("#membership-status")
    assert enterprise.member_number in status
    with translation.override("zh-hans"):  # the page's language, whatever this thread last used
        assert enterprise.get_status_display() in status
    assert page.inner_text("#unread-count").strip() == "2"  # received, then approved
    page.click("#inbox-link")
    notices = page.inner_text("#notice-list")
    assert "北京延庆雪国葡萄酒有限公司" in notices
    assert any("sunli@example.com" in m.to for m in mail.outbox)

import pytest
from django.core import mail
from django.utils import translation

from members.models import Application, Enterprise
from tests.browser.conftest import log_in
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
    page.goto("/members/register/")
    page.fill("#id_account-real_name", "孙丽")
    page.fill("#id_account-email", "sunli@example.com")
    page.fill("#id_account-mobile", "13911112222")
    page.fill("#id_account-password1", "Snow-Grape-2026")
    page.fill("#id_account-password2", "Snow-Grape-2026")
    page.fill("#id_name", "北京延庆雪国葡萄酒有限公司")
    page.fill("#id_credit_code", code.lower())
    page.fill("#id_legal_representative", "孙丽")
    page.select_option("#id_industry", "C")
    page.select_option("#id_size", "small")
    page.select_option("#id_ownership", "private")
    page.select_option("#id_township", label="张山营镇")
    page.fill("#id_address", "北京市延庆区张山营镇葡萄大道1号")
    page.fill("#id_contact_name", "孙丽")
    page.fill("#id_contact_mobile", "139 1111 2222")
    page.set_input_files("#id_licence", str(licence))
    page.check("#id_consent")
    page.click("#submit-id-submit")
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

"""In Chromium: a credit code sent back for confirmation keeps the licence and the passwords."""

import pytest

from members.models import Application, User
from tests.factories import make_credit_code
from tests.uploads import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_confirming_the_code_needs_no_second_upload(new_page, tmp_path):
    code = make_credit_code(515253, valid=False)  # the check character does not verify
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(PDF)

    page = new_page()
    page.goto("/members/register/")
    page.fill("#id_account-real_name", "周敏")
    page.fill("#id_account-email", "zhoumin@example.com")
    page.fill("#id_account-mobile", "13911113333")
    page.fill("#id_account-password1", "Great-Wall-2026")
    page.fill("#id_account-password2", "Great-Wall-2026")
    page.fill("#id_name", "北京延庆妫水农产品有限公司")
    page.fill("#id_credit_code", code)
    page.fill("#id_legal_representative", "周敏")
    page.select_option("#id_industry", "A")
    page.select_option("#id_size", "micro")
    page.select_option("#id_ownership", "private")
    page.select_option("#id_township", label="旧县镇")
    page.fill("#id_address", "北京市延庆区旧县镇1号")
    page.fill("#id_contact_name", "周敏")
    page.fill("#id_contact_mobile", "13911113333")
    page.set_input_files("#id_licence", str(licence))
    page.check("#id_consent")
    page.click("#submit-id-submit")

    # Sent back: the code is to be confirmed; the file and passwords are still there.
    page.wait_for_selector("#div_id_credit_code .invalid-feedback")
    assert "营业执照.pdf" in page.inner_text("#div_id_licence")
    assert page.input_value("#id_account-password1") == "Great-Wall-2026"
    assert page.input_value("#id_account-password2") == "Great-Wall-2026"
    assert not Application.objects.exists()

    page.check("#id_confirm_credit_code")
    page.click("#submit-id-submit")
    page.wait_for_selector("#register-done")
    application = Application.objects.get()
    assert application.credit_code == code
    assert not application.credit_code_checksum_ok
    assert application.licence.read() == PDF
    assert User.objects.get(email="zhoumin@example.com").check_password("Great-Wall-2026")

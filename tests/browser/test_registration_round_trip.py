"""In Chromium: a credit code sent back for confirmation keeps the licence and the passwords."""

import pytest

from members.models import Application, User
from tests.browser.conftest import fill_registration
from tests.factories import make_credit_code
from tests.uploads import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_confirming_the_code_needs_no_second_upload(new_page, tmp_path):
    code = make_credit_code(515253, valid=False)  # the check character does not verify
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(PDF)

    page = new_page()
    fill_registration(
        page, licence, person="周敏", email="zhoumin@example.com", mobile="13911113333",
        password="Great-Wall-2026", enterprise="北京延庆妫水农产品有限公司", credit_code=code,
        industry="A", size="micro", township="旧县镇", address="北京市延庆区旧县镇1号",
    )  # fmt: skip

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

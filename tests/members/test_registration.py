from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from members.models import Application, User
from notices.models import Notice
from tests.factories import EnterpriseFactory, UserFactory, make_credit_code, township
from tests.uploads import PDF

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "account-real_name": "刘晓燕",
        "account-email": "liu@example.com",
        "account-mobile": "139 1000 2000",
        "account-password1": "Yanqing-Snow-2026",
        "account-password2": "Yanqing-Snow-2026",
        "name": "北京延庆长城葡萄酒庄有限公司",
        "credit_code": make_credit_code(424242),
        "legal_representative": "刘晓燕",
        "industry": "C",
        "industry_division": "15",
        "size": "small",
        "ownership": "private",
        "legal_form": "llc",
        "township": township("110119105").pk,
        "address": "北京市延庆区张山营镇葡萄园路8号",
        "founded_on": "2016-05-20",
        "employees": "45",
        "registered_capital": "500",
        "business_scope": "葡萄酒生产、销售",
        "contact_name": "王芳",
        "contact_mobile": "+86 136-0000-1234",
        "contact_phone": "010-69101234",
        "email": "office@example.com",
        "consent": "on",
    }
    data.update(overrides)
    return data


def nothing_registered() -> bool:
    """A refused registration leaves no account and no application behind."""
    return not User.objects.filter(email="liu@example.com").exists() and (
        not Application.objects.exists()
    )


def post(client, data, licence=PDF, filename="licence.pdf"):
    files = {"licence": SimpleUploadedFile(filename, licence)} if licence is not None else {}
    return client.post(reverse("members:register"), {**data, **files})


def test_registration_creates_account_and_pending_application(client):
    response = post(client, form_data())
    assert response.status_code == 302
    assert response.url == reverse("members:register_done")
    user = User.objects.get(email="liu@example.com")
    assert user.mobile == "13910002000"
    assert user.check_password("Yanqing-Snow-2026")
    application = Application.objects.get(applicant=user)
    assert application.status == Application.Status.PENDING
    assert application.contact_mobile == "13600001234"
    assert application.credit_code_checksum_ok
    assert application.consent_version == "2026-11"
    assert application.consent_at is not None
    assert application.licence.read() == PDF


def test_applicant_and_staff_are_told(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, form_data())
    kinds = set(Notice.objects.values_list("recipient__email", "kind"))
    assert ("liu@example.com", "application_received") in kinds
    assert (staff.email, "application_new") in kinds
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["liu@example.com", staff.email])


def test_normalises_full_width_lower_case_code(client):
    code = make_credit_code(515151)
    typed = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in code.lower())
    post(client, form_data(credit_code=f" {typed} "))
    assert Application.objects.get().credit_code == code


def test_rejects_invalid_credit_code(client):
    response = post(client, form_data(credit_code="92110107MAO4R2T838"))
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert not Application.objects.exists()
    assert not User.objects.filter(email="liu@example.com").exists()


def test_checksum_failure_needs_confirmation(client):
    bad = make_credit_code(616161, valid=False)
    response = post(client, form_data(credit_code=bad))
    assert "credit_code" in response.context["form"].errors
    assert not Application.objects.exists()

    post(client, form_data(credit_code=bad, confirm_credit_code="on"))
    application = Application.objects.get()
    assert application.credit_code == bad
    assert not application.credit_code_checksum_ok


def test_code_of_a_member_gets_a_clear_message(client):
    member = EnterpriseFactory()
    response = post(client, form_data(credit_code=member.credit_code))
    errors = response.context["form"].errors["credit_code"]
    assert errors == [
        _("An enterprise with this credit code is already a member of the federation.")
    ]
    assert nothing_registered()


def test_code_under_review_gets_a_clear_message(client):
    post(client, form_data())
    response = post(client, form_data(**{"account-email": "other@example.com"}))
    errors = response.context["form"].errors["credit_code"]
    assert errors == [_("An application for this credit code is already under review.")]
    assert Application.objects.count() == 1


def test_double_submission_makes_one_application(client):
    first = post(client, form_data())
    second = post(client, form_data())
    assert first.status_code == 302
    assert second.status_code == 200  # the code is now under review: a clear message
    assert Application.objects.count() == 1
    assert User.objects.filter(email="liu@example.com").count() == 1


def test_existing_email_is_not_revealed(client, django_capture_on_commit_callbacks):
    existing = UserFactory(email="liu@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form_data())
    assert response.status_code == 302
    assert response.url == reverse("members:register_done")
    assert User.objects.filter(email__iexact="liu@example.com").count() == 1
    assert not Application.objects.exists()
    assert existing.check_password("correct horse battery")
    assert [m.to for m in mail.outbox] == [["liu@example.com"]]
    assert Notice.objects.get().kind == "account_exists"


def test_existing_email_in_other_case_is_not_a_new_account(client):
    UserFactory(email="liu@example.com")
    post(client, form_data(**{"account-email": "LIU@Example.com"}))
    assert User.objects.count() == 1


def register_counting_hashes(client, data):
    """Register, counting the passwords hashed (the work that took ~300 ms with PBKDF2)."""
    encode = MD5PasswordHasher.encode
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=encode) as spy:
        response = post(client, data)
    return response, spy.call_count


def test_existing_and_new_addresses_cost_the_same_and_answer_the_same(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="taken@example.com")
    with django_capture_on_commit_callbacks() as taken_callbacks:
        taken, taken_hashes = register_counting_hashes(
            client, form_data(**{"account-email": "Taken@Example.com"})
        )
    with django_capture_on_commit_callbacks() as new_callbacks:
        new, new_hashes = register_counting_hashes(
            client, form_data(**{"account-email": "new@example.com"})
        )
    assert taken_hashes == new_hashes == 1
    assert (taken.status_code, taken.url) == (new.status_code, new.url)
    # Either way the e-mail leaves only once the transaction commits, not during the request.
    assert taken_callbacks and new_callbacks
    assert mail.outbox == []
    user = User.objects.get(email="new@example.com")
    assert user.check_password("Yanqing-Snow-2026")


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("licence.exe", b"MZ\x90\x00"),
        ("licence.pdf", b"<html><script>alert(1)</script></html>"),
        ("licence.png", PDF),
    ],
)
def test_rejects_wrong_file_types(client, filename, content):
    response = post(client, form_data(), licence=content, filename=filename)
    assert response.status_code == 200
    assert "licence" in response.context["form"].errors
    assert nothing_registered()


def test_rejects_oversized_upload(client, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    response = post(client, form_data(), licence=PDF + b"0" * 2048)
    assert "licence" in response.context["form"].errors
    assert nothing_registered()


def test_licence_is_required(client):
    response = post(client, form_data(), licence=None)
    assert "licence" in response.context["form"].errors
    assert nothing_registered()


def test_consent_is_required(client):
    data = form_data()
    del data["consent"]
    response = post(client, data)
    assert response.context["form"].errors["consent"] == [_("Registration needs your consent.")]
    assert nothing_registered()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact_mobile", "12345"),
        ("contact_phone", "021-12345678"),
        ("industry_division", "62"),  # a catering division under manufacturing
        ("township", "999999"),
        ("founded_on", "2016-02-30"),
        ("employees", "-3"),
    ],
)
def test_bad_field_values_get_messages(client, field, value):
    response = post(client, form_data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Application.objects.exists()


def test_weak_password_is_refused(client):
    response = post(
        client, form_data(**{"account-password1": "12345678", "account-password2": "12345678"})
    )
    assert "password1" in response.context["account"].errors
    assert not User.objects.exists()


def test_chinese_date_input_is_accepted(client):
    post(client, form_data(founded_on="2016年5月20日"))
    assert str(Application.objects.get().founded_on) == "2016-05-20"


def test_huge_and_hostile_text_is_handled(client):
    response = post(client, form_data(name="<script>alert('x')</script>" + "企" * 500))
    assert response.status_code == 200
    assert "name" in response.context["form"].errors  # too long: a message, not a 500
    response = post(client, form_data(address="<script>alert('x')</script>"))
    assert response.status_code == 302
    application = Application.objects.get()
    staff = UserFactory(is_staff=True)
    client.force_login(staff, backend="core.auth.CachedModelBackend")
    page = client.get(reverse("members:application_detail", args=[application.public_id]))
    assert b"<script>alert" not in page.content
    assert b"&lt;script&gt;" in page.content


def test_logged_in_user_after_rejection_can_apply_again(client, applicant):
    client.force_login(applicant, backend="core.auth.CachedModelBackend")
    data = {k: v for k, v in form_data().items() if not k.startswith("account-")}
    response = post(client, data)
    application = Application.objects.get()
    assert application.applicant == applicant
    assert response.url == reverse("members:application_detail", args=[application.public_id])


@pytest.mark.parametrize(
    ("founded_on", "message"),
    [
        ("9999-12-31", "日期不能晚于今天"),
        ("2999-01-01", "日期不能晚于今天"),
        ("0001-01-01", "请输入1900年1月1日至"),
        ("1899-12-31", "请输入1900年1月1日至"),
    ],
)
def test_founding_date_is_neither_in_the_future_nor_absurdly_old(client, founded_on, message):
    response = post(client, form_data(founded_on=founded_on))
    assert response.status_code == 200
    assert message in response.context["form"].errors["founded_on"][0]
    assert not Application.objects.exists()

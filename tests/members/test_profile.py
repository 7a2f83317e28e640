import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from members.forms import ProfileForm

pytestmark = pytest.mark.django_db


def profile_data(enterprise, **changes):
    data = model_to_dict(enterprise, fields=ProfileForm.Meta.fields)
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(changes)
    return data


def test_enterprise_edits_its_profile_and_history_keeps_who(client_a, user_a, enterprise_a):
    response = client_a.post(
        reverse("members:profile"),
        profile_data(enterprise_a, address="北京市延庆区百泉街道新址9号", employees=88),
    )
    assert response.status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.address == "北京市延庆区百泉街道新址9号"
    assert enterprise_a.employees == 88
    latest = enterprise_a.history.first()
    assert latest.history_user == user_a
    assert latest.prev_record.address != latest.address


def test_credit_code_name_and_status_are_not_the_enterprises_to_change(client_a, enterprise_a):
    code, name = enterprise_a.credit_code, enterprise_a.name
    client_a.post(
        reverse("members:profile"),
        profile_data(
            enterprise_a, credit_code="91110119MA01K7Q36E", name="改名", status="withdrawn"
        ),
    )
    enterprise_a.refresh_from_db()
    assert (enterprise_a.credit_code, enterprise_a.name, enterprise_a.status) == (
        code,
        name,
        "member",
    )


def test_bad_profile_input_keeps_saved_data(client_a, enterprise_a):
    before = enterprise_a.contact_mobile
    response = client_a.post(
        reverse("members:profile"), profile_data(enterprise_a, contact_mobile="12345")
    )
    assert response.status_code == 200
    assert "contact_mobile" in response.context["form"].errors
    enterprise_a.refresh_from_db()
    assert enterprise_a.contact_mobile == before


def test_members_see_public_fields_of_others_but_not_phones(client_b, enterprise_a):
    response = client_b.get(reverse("members:enterprise_detail", args=[enterprise_a.public_id]))
    content = response.content.decode()
    assert enterprise_a.name in content
    assert enterprise_a.contact_mobile not in content
    assert enterprise_a.address not in content


def test_own_enterprise_sees_masked_mobile(client_a, enterprise_a):
    response = client_a.get(reverse("members:enterprise_detail", args=[enterprise_a.public_id]))
    content = response.content.decode()
    assert "138****8000" in content
    assert "13800138000" not in content


def test_staff_see_full_record_and_edit_party_data(staff_client, enterprise_a):
    url = reverse("members:enterprise_detail", args=[enterprise_a.public_id])
    assert "13800138000" in staff_client.get(url).content.decode()
    from members.forms import StaffEnterpriseForm

    data = model_to_dict(enterprise_a, fields=StaffEnterpriseForm.Meta.fields)
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(party_organisation="own", party_members=5, party_instructor="")
    response = staff_client.post(
        reverse("members:enterprise_edit", args=[enterprise_a.public_id]), data
    )
    assert response.status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.has_party_organisation
    assert enterprise_a.party_members == 5


def test_staff_cannot_give_a_member_anothers_code(staff_client, enterprise_a, enterprise_b):
    from members.forms import StaffEnterpriseForm

    data = model_to_dict(enterprise_a, fields=StaffEnterpriseForm.Meta.fields)
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["credit_code"] = enterprise_b.credit_code
    response = staff_client.post(
        reverse("members:enterprise_edit", args=[enterprise_a.public_id]), data
    )
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    code = enterprise_a.credit_code
    enterprise_a.refresh_from_db()
    assert enterprise_a.credit_code == code

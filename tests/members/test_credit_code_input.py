"""Credit codes as people paste them: normalised first, then checked; nothing cut silently."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse

from members.forms import StaffEnterpriseForm
from members.models import Application, Enterprise
from tests.conftest import directory_names
from tests.core.jobs import post_for_job
from tests.factories import EnterpriseFactory, make_credit_code
from tests.members.test_directory import roster_row, workbook
from tests.members.test_registration import form_data, post

pytestmark = pytest.mark.django_db

CODE = make_credit_code(19_0719)  # 18 characters, the check character right


def spaced(code: str, sep: str = " ") -> str:
    """As printed on some licences and pasted from chats: 911101 19JG7L CMK116."""
    return sep.join([code[:6], code[6:12], code[12:]])


PASTED = [
    spaced(CODE),
    spaced(CODE, "\u3000"),  # full-width spaces
    spaced(CODE, "-"),
    spaced(CODE, "－"),  # full-width hyphens
    spaced(CODE.lower(), " - "),
    "".join(chr(ord(c) + 0xFEE0) for c in CODE),  # full-width characters
    f"\t{CODE}\u200b\n",
]


def credit_code_input(html: str) -> str:
    return re.search(r'<input[^>]*name="credit_code"[^>]*>', html).group(0)


def test_registration_input_does_not_cut_a_paste(client):
    tag = credit_code_input(client.get(reverse("members:register")).content.decode())
    assert "maxlength" not in tag


@pytest.mark.parametrize("typed", PASTED)
def test_registration_accepts_a_pasted_code(client, typed):
    response = post(client, form_data(credit_code=typed))
    assert response.status_code == 302
    assert Application.objects.get().credit_code == CODE


def test_registration_says_how_many_characters_were_typed(client):
    response = post(client, form_data(credit_code=CODE + "8"))
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"] == [
        "统一社会信用代码应为18位，您输入了19位。"
    ]
    assert not Application.objects.exists()


def test_spaces_do_not_count_as_characters(client):
    response = post(client, form_data(credit_code=spaced(CODE[:17])))
    assert response.context["form"].errors["credit_code"] == [
        "统一社会信用代码应为18位，您输入了17位。"
    ]
    assert not Application.objects.exists()


def staff_edit(staff_client, enterprise, code):
    data = model_to_dict(enterprise, fields=StaffEnterpriseForm.Meta.fields)
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["credit_code"] = code
    url = reverse("members:enterprise_edit", args=[enterprise.public_id])
    return staff_client.post(url, data)


def test_staff_edit_takes_a_pasted_code(staff_client, enterprise_a):
    assert "maxlength" not in credit_code_input(
        staff_client.get(
            reverse("members:enterprise_edit", args=[enterprise_a.public_id])
        ).content.decode()
    )
    response = staff_edit(staff_client, enterprise_a, spaced(CODE.lower(), "　"))
    assert response.status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.credit_code == CODE


def test_staff_edit_refuses_a_long_code_and_keeps_the_old_one(staff_client, enterprise_a):
    before = enterprise_a.credit_code
    response = staff_edit(staff_client, enterprise_a, CODE + "8")
    assert response.context["form"].errors["credit_code"] == [
        "统一社会信用代码应为18位，您输入了19位。"
    ]
    enterprise_a.refresh_from_db()
    assert enterprise_a.credit_code == before


def test_admin_input_does_not_cut_a_paste(admin_client, enterprise_a):
    html = admin_client.get(f"/admin/members/enterprise/{enterprise_a.pk}/change/").content.decode()
    assert "maxlength" not in credit_code_input(html)


def test_import_normalises_pasted_codes(staff_client):
    rows = [roster_row(1, credit_code=spaced(CODE.lower(), "-"))]
    job = post_for_job(staff_client, reverse("members:import"), {"file": workbook(rows)})
    assert job.result["problems"] == []
    assert Enterprise.objects.get().credit_code == CODE


def test_directory_finds_a_pasted_code(client_a):
    EnterpriseFactory(name="延庆粘贴代码有限公司", credit_code=CODE)
    response = client_a.get(reverse("members:directory"), {"q": spaced(CODE, "\u3000")})
    assert directory_names(response) == ["延庆粘贴代码有限公司"]


def test_admin_form_normalises_a_pasted_code(rf, superuser):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = superuser
    form_class = admin.site._registry[Enterprise].get_form(request)
    field = form_class.base_fields["credit_code"]
    assert field.clean(spaced(CODE.lower(), "－")) == CODE
    with pytest.raises(ValidationError, match="19"):
        field.clean(CODE + "8")

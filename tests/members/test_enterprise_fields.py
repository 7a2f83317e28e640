"""Forms name a member enterprise by its credit code or exact name, never by a list of all of
them (members/enterprise_fields.py): at 100,000 enterprises such a list took seconds to render."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from members.enterprise_fields import MemberEnterpriseField, MemberEnterprisesField
from members.models import Enterprise
from tests.events.factories import EventFactory
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


class OneForm(forms.Form):
    enterprise = MemberEnterpriseField(required=False)


class ManyForm(forms.Form):
    enterprises = MemberEnterprisesField(required=False)


def test_one_enterprise_by_credit_code_or_exact_name(enterprise_a):
    for text in (enterprise_a.credit_code, enterprise_a.credit_code.lower(), enterprise_a.name):
        form = OneForm({"enterprise": f"  {text} "})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["enterprise"] == enterprise_a
    empty = OneForm({"enterprise": ""})
    assert empty.is_valid() and empty.cleaned_data["enterprise"] is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("没有这家企业", "No enterprise has this credit code or name."),
        ("同名企业有限公司", "Several enterprises have this name: give the credit code."),
        ("已退会企业有限公司", "已退会企业有限公司 is not a current member of the federation."),
    ],
)
def test_unknown_ambiguous_or_former_members_are_refused(english, text, message):
    EnterpriseFactory.create_batch(2, name="同名企业有限公司")
    EnterpriseFactory(name="已退会企业有限公司", status=Enterprise.Status.WITHDRAWN)
    form = OneForm({"enterprise": text})
    assert not form.is_valid()
    assert form.errors["enterprise"] == [message]


def test_several_enterprises_one_a_line(english, enterprise_a, enterprise_b):
    form = ManyForm({"enterprises": f"{enterprise_a.name}\n\n {enterprise_b.credit_code}\n"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["enterprises"] == [enterprise_a, enterprise_b]
    bad = ManyForm({"enterprises": f"{enterprise_a.name}\n没有这家企业"})
    assert not bad.is_valid()
    message = "没有这家企业: No enterprise has this credit code or name."
    assert bad.errors["enterprises"] == [message]


def test_a_bound_value_shows_the_enterprise_name(enterprise_a):
    assert MemberEnterpriseField().prepare_value(enterprise_a) == enterprise_a.name
    assert MemberEnterpriseField().prepare_value(enterprise_a.pk) == enterprise_a.name
    assert MemberEnterprisesField().prepare_value([enterprise_a]) == enterprise_a.name


def test_find_member_raises_validation_errors(enterprise_a):
    from members.enterprise_fields import find_member

    assert find_member(enterprise_a.name) == enterprise_a
    with pytest.raises(ValidationError):
        find_member("没有这家企业")


def test_staff_forms_do_not_list_every_member(staff_client):
    """The invitation, walk-in and record pages read no enterprise to render their forms."""
    members = EnterpriseFactory.create_batch(3)
    event = EventFactory()
    for page in ("invite", "checkin", "record"):
        response = staff_client.get(f"/events/{event.public_id}/{page}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert not [e.name for e in members if e.name in html], page


def test_a_name_not_found_suggests_what_the_directory_finds(english, enterprise_a):
    """Staff who half remember a name are shown the members the directory's search finds
    (name, pinyin, initials), each with its credit code, to copy one; never picked for them."""
    fragment = enterprise_a.name[2:6]
    form = OneForm({"enterprise": fragment})
    assert not form.is_valid()
    message = form.errors["enterprise"][0]
    assert message.startswith("No enterprise has this credit code or name. Did you mean:")
    assert f"{enterprise_a.name}（{enterprise_a.credit_code}）" in message


@pytest.mark.parametrize("text", ["延庆\x00公司", "bad\x00"])
def test_a_nul_character_is_refused_not_a_500(english, text):
    form = OneForm({"enterprise": text})
    assert not form.is_valid() and form.errors["enterprise"]


def test_full_width_brackets_find_the_stored_name(english):
    stored = EnterpriseFactory(name="北京延庆(八达岭)旅游有限公司")
    form = OneForm({"enterprise": "北京延庆（八达岭）旅游有限公司"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["enterprise"] == stored


def test_half_width_brackets_find_a_name_registered_with_full_width_ones(english):
    stored = EnterpriseFactory(name="北京延庆（康庄）农业有限公司")
    form = OneForm({"enterprise": "北京延庆(康庄)农业有限公司"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["enterprise"] == stored

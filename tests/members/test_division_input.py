"""An enterprise's GB/T 4754 division as typed: kept as two ASCII digits, so a policy for
that division finds it; digits of other scripts are refused with a message, never a 500."""

import pytest
from django.urls import reverse

from members.models import Application, Enterprise
from members.roll import put_on_roll
from policies import eligibility
from tests.members.test_directory import roster_row
from tests.members.test_profile import profile_data
from tests.members.test_registration import form_data, post
from tests.members.test_roll import sheet
from tests.policies.factories import PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["١٣", "1३", "1 3"])
def test_digits_of_other_scripts_get_a_message_on_the_public_form(client, typed):
    response = post(client, form_data(industry_division=typed))
    assert response.status_code == 200
    assert "industry_division" in response.context["form"].errors
    assert not Application.objects.exists()


@pytest.mark.parametrize("typed", ["9", "９", " 09 ", "⁰⁹"])
def test_a_one_digit_or_full_width_division_is_kept_as_two_digits(client, typed):
    post(client, form_data(industry="B", industry_division=typed))
    assert Application.objects.get().industry_division == "09"


def test_an_enterprise_typing_9_matches_a_policy_for_b09(client_a, enterprise_a):
    policy = PolicyFactory(industries=["B09"])
    response = client_a.post(
        reverse("members:profile"),
        profile_data(enterprise_a, industry="B", industry_division="9"),
    )
    assert response.status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.industry_division == "09"
    assert [p for p, _ in eligibility.policies_for(enterprise_a)] == [policy]
    assert eligibility.enterprises_for(policy).filter(pk=enterprise_a.pk).exists()


def test_the_roster_import_keeps_a_division_as_two_digits(staff):
    put_on_roll(rows=sheet([roster_row(1, industry="B", industry_division=9)]), actor=staff)
    assert Enterprise.objects.get(name="延庆导入企业1有限公司").industry_division == "09"

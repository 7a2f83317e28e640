"""Divisions typed on the policy form: full-width ones are read, digits of other scripts are
refused with a message on the field (never a 500, never a code that matches nothing)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from petitions.models import Department
from policies.models import Policy, validate_industry_codes
from tests.policies.test_pol_authoring import draft_data

department = pytest.fixture(
    lambda db: Department.objects.create(name="区经济和信息化局", code="jxj")
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["C¹³x", "C١٣", "C1३", "C9"])
def test_a_division_in_other_digits_is_refused_on_its_field(staff_client, department, typed):
    response = staff_client.post(reverse("policies:new"), draft_data(divisions=typed))
    assert response.status_code == 200
    assert "divisions" in response.context["form"].errors
    assert not Policy.objects.exists()


def test_a_full_width_division_is_read_as_half_width(staff_client, department):
    response = staff_client.post(
        reverse("policies:new"), draft_data(sections=[], divisions="Ｃ１３，ｃ３９")
    )
    assert response.status_code == 302
    assert Policy.objects.get().industries == ["C13", "C39"]


@pytest.mark.parametrize("code", ["C١٣", "C¹³", "C1", "CC13", "B13"])
def test_the_model_refuses_codes_that_are_not_ascii_divisions(code):
    with pytest.raises(ValidationError):
        validate_industry_codes([code])

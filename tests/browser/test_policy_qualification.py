"""An enterprise declares a qualification; staff verify it; the policy written for it shows
under "policies for you" with the reason, and anyone finds it by pinyin in the public list."""

import pytest

from members.models import Township
from tests.browser.conftest import log_in
from tests.factories import EnterpriseFactory, UserFactory
from tests.policies.factories import PolicyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_verified_qualification_brings_its_policy(new_page, staff):
    yanqing = Township.objects.get(name="延庆镇")
    firm = EnterpriseFactory(
        name="延庆精密制造有限公司", industry="C", industry_division="13", township=yanqing
    )
    manager = UserFactory(email="m@ylqgsl.test", real_name="制造企业联络员", enterprise=firm)
    PolicyFactory(
        title="延庆区高新技术企业认定奖励办法",
        industries=["C"],
        townships=[yanqing],
        qualifications=["high_tech"],
        created_by=staff,
    )

    enterprise = new_page()
    log_in(enterprise, manager.email)
    enterprise.goto("/policies/for-you/")
    assert enterprise.inner_text("#match-count").strip() == "0"

    enterprise.goto("/members/qualifications/")
    enterprise.select_option("#id_kind", "high_tech")
    enterprise.fill("#id_certificate_number", "GR202511000123")
    enterprise.fill("#id_valid_until", "2028-12-01")
    enterprise.click("#qualification-form button[type=submit]")
    assert "待核验" in enterprise.inner_text("#qualifications")

    secretariat = new_page()
    log_in(secretariat, staff.email)
    secretariat.goto("/members/qualifications/review/")
    row = secretariat.locator("#qualifications tr", has_text="延庆精密制造有限公司")
    row.locator("button", has_text="核验通过").click()
    secretariat.wait_for_load_state()
    assert "暂无待核验的资质" in secretariat.inner_text("#qualifications")

    enterprise.goto("/policies/for-you/")
    assert enterprise.inner_text("#match-count").strip() == "1"
    match = enterprise.inner_text("#matches")
    assert "延庆区高新技术企业认定奖励办法" in match
    assert "行业 C13 · 延庆镇 · 高新技术企业" in match

    visitor = new_page()
    visitor.goto("/policies/?q=gxjs")
    assert "延庆区高新技术企业认定奖励办法" in visitor.inner_text("#policies")

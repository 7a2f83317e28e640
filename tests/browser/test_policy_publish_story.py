"""Staff write a policy for manufacturing firms in 延庆镇 and publish it, seeing first that it
matches one enterprise; that enterprise's user finds the notice in the inbox and the policy
under "policies for you" with the reason, and marks it applied; the users of a firm in
another township and of one in another industry hear nothing and see nothing for them; the
policy's funnel shows one matched, one read, one applied."""

import datetime

import pytest
from django.utils import timezone

from members.models import Township
from notices.models import Notice
from petitions.models import Department
from policies.models import FollowUp, Policy
from tests.browser.conftest import log_in
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "延庆镇制造业企业技术改造补助办法"


def send(page, form):
    with page.expect_navigation():  # the POST, then its redirect
        page.click(f"{form} button[type=submit]")


def funnel(page, policy):
    """The policy's funnel row, by stage: matched, read, will apply, applied, granted, other."""
    page.goto(f"/policies/{policy.public_id}/funnel/")
    cells = page.locator("#funnel tbody td").all_inner_texts()
    return [cell.strip() for cell in cells[:6]]


def test_a_policy_published_for_manufacturers_in_yanqing_reaches_only_them(
    staff, new_page, enterprise_a, user_a, enterprise_b, user_b
):
    today = timezone.localdate()
    yanqing = Township.objects.get(name="延庆镇")
    department = Department.objects.create(name="区经济和信息化局", code="jxj")
    firm = EnterpriseFactory(
        name="延庆精密制造有限公司", industry="C", industry_division="13", township=yanqing
    )
    manager = UserFactory(email="m@ylqgsl.test", real_name="制造企业联络员", enterprise=firm)
    # Enterprise A makes things too, but in 康庄镇; enterprise B is in 延庆镇, but farms.
    assert (enterprise_a.industry, enterprise_a.township.name) == ("C", "康庄镇")
    enterprise_b.industry, enterprise_b.industry_division = "A", "01"
    enterprise_b.township = yanqing
    enterprise_b.save(update_fields=["industry", "industry_division", "township"])

    # Before anything is published, nothing is for the manufacturer.
    member = new_page()
    log_in(member, manager.email)
    member.goto("/policies/for-you/")
    assert member.inner_text("#match-count").strip() == "0"

    # Staff write the policy through the form: manufacturing, 延庆镇, applications open now.
    page = new_page()
    log_in(page, staff.email)
    page.goto("/policies/new/")
    page.fill("#id_title", TITLE)
    page.check(f"input[name=departments][value='{department.code}']")
    page.fill("#id_document_number", "延经信发〔2026〕8号")
    page.fill("#id_issued_on", today.isoformat())
    page.fill("#id_window_opens", today.isoformat())
    page.fill("#id_window_closes", (today + datetime.timedelta(days=30)).isoformat())
    page.check("input[name=topics][value='industry']")
    page.fill("#id_summary", "对实施技术改造的制造业企业给予设备投资额10%的补助。")
    page.fill("#id_body", "第一条 为推动制造业企业技术改造，制定本办法。")
    page.check("input[name=sections][value='C']")
    page.check(f"input[name=townships][value='{yanqing.pk}']")
    send(page, "#policy-form")
    policy = Policy.objects.get()
    page.wait_for_url(f"**/policies/{policy.public_id}/")
    assert policy.status == Policy.Status.DRAFT
    assert policy.industries == ["C"]
    assert list(policy.townships.all()) == [yanqing]
    assert not Notice.objects.exists()

    # Publishing shows whom it will tell first: the one manufacturer in 延庆镇.
    page.click("#policy-staff-links >> text=发布并通知")
    page.wait_for_url(f"**/policies/{policy.public_id}/publish/")
    assert page.inner_text("#audience").startswith("1 家企业今天符合这项政策")
    policy.refresh_from_db()
    assert policy.status == Policy.Status.DRAFT  # nothing published by looking
    send(page, "#publish-form")
    page.wait_for_url(f"**/policies/{policy.public_id}/")
    assert "政策已发布，正在通知符合条件的企业。" in page.inner_text("main")
    policy.refresh_from_db()
    assert (policy.status, policy.published_by) == (Policy.Status.PUBLISHED, staff)
    told = Notice.objects.filter(kind="policy_for_you")
    assert [n.recipient for n in told] == [manager]
    assert funnel(page, policy) == ["1", "0", "0", "0", "0", "0"]

    # The manufacturer's user: the notice in the inbox, the policy for them with the reason.
    member.goto("/notices/")
    assert f"为贵企业推荐的政策：{TITLE}" in member.inner_text("#notice-list")
    member.goto("/policies/for-you/")
    assert member.inner_text("#match-count").strip() == "1"
    card = f"#policy-{policy.public_id}"
    assert TITLE in member.inner_text(f"{card} .title")
    assert member.inner_text(f"{card} .reason").strip() == "匹配理由: 行业 C13 · 延庆镇"
    assert member.locator(f"{card} .open-now").count() == 1

    # They open it and mark it applied.
    member.click(f"{card} a.title")
    member.wait_for_url(f"**/policies/{policy.public_id}/")
    assert "尚未标记" in member.inner_text("#follow-state")
    member.select_option("#mark-form select[name=state]", "applied")
    send(member, "#mark-form")
    assert "本企业标记：已申报" in member.inner_text("#follow-state")
    follow_up = FollowUp.objects.get()
    assert (follow_up.policy, follow_up.enterprise, follow_up.state) == (policy, firm, "applied")
    assert follow_up.matched and follow_up.read_at is not None
    assert follow_up.marked_by == manager

    # The users of the firm in another township and of the one in another industry: nothing.
    for outsider in (user_a, user_b):
        other = new_page()
        log_in(other, outsider.email)
        other.goto("/notices/")
        assert "您还没有消息通知" in other.inner_text("main")
        other.goto("/policies/for-you/")
        assert other.inner_text("#match-count").strip() == "0"
        assert "暂无与贵企业匹配的现行政策" in other.inner_text("#matches")
        assert not Notice.objects.filter(recipient=outsider).exists()
    assert not FollowUp.objects.exclude(enterprise=firm).exists()

    # Staff open the policy's funnel: one matched, one read, one applied.
    page.goto(f"/policies/{policy.public_id}/")
    page.click("#policy-staff-links >> text=政策申兑漏斗")
    page.wait_for_url(f"**/policies/{policy.public_id}/funnel/")
    assert funnel(page, policy) == ["1", "1", "1", "1", "0", "0"]

"""Staff send a meeting notice to one chamber's members: they see how many it reaches before
sending, one member reads it from the inbox, and a reminder goes to the other two."""

import pytest
from django.urls import reverse

from notices.models import Notice
from policies.announcements.models import Announcement, Receipt
from tests.browser.conftest import log_in
from tests.chambers.factories import AffiliationFactory, OrganizationFactory
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def send(page, form):
    with page.expect_navigation():  # the POST, then its redirect
        page.click(f"{form} button[type=submit]")


def test_an_announcement_to_a_chamber_read_by_one_and_a_reminder_to_the_rest(
    staff, new_page, enterprise_a, user_a
):
    chamber = OrganizationFactory(name="冰雪产业商会")
    AffiliationFactory(organization=chamber, enterprise=enterprise_a)
    others = []
    for name in ("冰雪装备有限公司", "雪场运营有限公司"):
        enterprise = EnterpriseFactory(name=name)
        AffiliationFactory(organization=chamber, enterprise=enterprise)
        others.append(UserFactory(enterprise=enterprise))
    outsider = UserFactory(enterprise=EnterpriseFactory(name="康庄农业科技有限公司"))

    page = new_page()
    log_in(page, staff.email)
    page.goto("/policies/announcements/manage/")
    page.click("#new-announcement >> text=会议通知")
    assert page.input_value("#id_title").startswith("关于召开")  # the template's skeleton
    page.fill("#id_title", "关于召开冰雪产业商会年会的通知")
    page.fill("#id_body", "<p>定于12月20日召开年会，请各会员企业派员参加。</p>")
    page.check(f"input[name=chambers][value='{chamber.pk}']")
    send(page, "#announcement-form")
    announcement = Announcement.objects.get()
    page.wait_for_url(f"**/policies/announcements/{announcement.public_id}/review/")
    assert page.inner_text("#recipient-count").startswith("3")  # before anything is sent
    assert not Notice.objects.exists()

    page.check("#send-form input[value=now]")
    send(page, "#send-form")
    announcement.refresh_from_db()
    assert announcement.status == "sent"
    told = Notice.objects.filter(kind="announcement")
    assert sorted(n.recipient_id for n in told) == sorted([user_a.pk, *(u.pk for u in others)])
    assert not Notice.objects.filter(recipient=outsider).exists()

    # Enterprise A's user opens it from the inbox.
    member = new_page()
    log_in(member, user_a.email)
    notice = told.get(recipient=user_a)
    member.goto(reverse("notices:open", args=[notice.public_id]))
    member.wait_for_url(f"**/policies/announcements/{announcement.public_id}/")
    assert "请各会员企业派员参加" in member.inner_text("#announcement-body")
    assert Receipt.objects.get(recipient=user_a).read_at is not None

    # Staff see one read, two not, and remind the two.
    page.goto(f"/policies/announcements/{announcement.public_id}/receipts/")
    assert "企业甲联络员" in page.inner_text("#receipt-list")
    send(page, "#remind-form")
    reminded = Notice.objects.filter(kind="announcement_reminder")
    assert sorted(n.recipient_id for n in reminded) == sorted(u.pk for u in others)
    page.goto(f"/policies/announcements/{announcement.public_id}/receipts/?show=unread")
    unread = page.inner_text("#receipt-list")
    assert all(u.real_name in unread for u in others)

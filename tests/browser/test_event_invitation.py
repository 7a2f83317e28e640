"""Staff create an invitation-only breakfast meeting, invite three enterprises, one accepts
through its personal link, and staff check that person in at the door."""

import datetime

import pytest

from events.models import Event, Registration
from notices.models import Notice
from tests.browser.conftest import log_in
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_breakfast_meeting_invitation_accept_and_check_in(staff, new_page, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    enterprises = [
        EnterpriseFactory(name=name)
        for name in ("延庆冰雪文旅有限公司", "康庄农业科技有限公司", "八达岭葡萄酒庄有限公司")
    ]
    contact = UserFactory(email="a@ylqgsl.test", real_name="刘经理", enterprise=enterprises[0])
    day = datetime.date.today() + datetime.timedelta(days=7)

    # Staff create the meeting through the pages.
    page = new_page()
    log_in(page, staff.email)
    page.goto("/events/manage/")
    page.click("#new-event")
    page.select_option("#id_kind", "breakfast")
    page.fill("#id_title", "企业家早餐会（第十二期）")
    page.fill("#id_venue", "延庆区政务服务中心一层会议室")
    page.fill("#id_starts_at", f"{day:%Y-%m-%d}T07:30")
    page.fill("#id_ends_at", f"{day:%Y-%m-%d}T09:00")
    page.select_option("#id_audience", "invitation")
    page.fill("#id_capacity", "20")
    page.click("#event-form button[type=submit]")
    page.wait_for_url("**/dashboard/")
    event = Event.objects.get(title="企业家早餐会（第十二期）")
    assert event.status == Event.Status.DRAFT
    page.click("#publish")
    page.wait_for_url("**/dashboard/")

    # …invite three enterprises by name and send the invitations.
    page.click("#invite-link")
    page.fill("#id_enterprises", "\n".join(e.name for e in enterprises))
    page.click("#invite-form button[type=submit]")
    page.wait_for_url("**/dashboard/")
    assert page.locator("#invitations .invitation-row").count() == 3
    page.click("#send-invitations")
    # The send is a background job (run at once here): its page shows what went out.
    page.wait_for_url("**/jobs/*/")
    assert "已发送3份邀请" in page.inner_text("#job-summary")
    assert event.invitations.filter(sent_at__isnull=False).count() == 3

    # The first enterprise's contact opens the personal link from the notice and accepts.
    link = Notice.objects.get(kind="event_invitation", recipient=contact).link
    guest_page = new_page()
    guest_page.goto(link)
    assert "刘经理" in guest_page.inner_text("#invitee")
    guest_page.check("#id_answer_0")
    guest_page.fill("#id_attendees", "2")
    guest_page.click("#respond-form button[type=submit]")
    guest_page.wait_for_selector("#invitation-qr img")
    registration = Registration.objects.get(event=event)
    assert (registration.status, registration.seats) == ("confirmed", 2)

    # Staff see the answer, then check the person in at the door by name.
    page.goto(f"/events/{event.public_id}/dashboard/")
    assert "2" in page.inner_text(f"#invitation-{registration.invitation_id} td:nth-child(4)")
    page.click("#checkin-link")
    page.fill("#checkin-search input[name=q]", "刘经理")
    page.click("#checkin-search button[type=submit]")
    page.click("#checkin-results button[type=submit]")
    page.wait_for_selector("#checkin-results .badge")
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert registration.checked_in_by == staff

    # The same person's QR code leads staff to the scan page, which knows they are in.
    page.goto(f"/events/checkin/{registration.checkin_token}/")
    assert "刘经理" in page.inner_text("#scan-name")
    assert page.locator("#scan-done").count() == 1

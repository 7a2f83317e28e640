"""Announcements: a draft made once per form, files kept when the form comes back, the
reminder's button counting whom it reminds, refused contradictions and far-off times, links
kept in the e-mail, and "send now" not hanging on the worker's clock."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members.services import TransitionError
from notices.models import Notice
from policies.announcements import html, services, tasks
from policies.announcements.models import Announcement, AnnouncementAttachment
from tests.chambers.factories import AffiliationFactory, OrganizationFactory
from tests.conftest import client_for
from tests.factories import EnterpriseFactory, UserFactory
from tests.test_submissions import rendered_token, send_same_form
from tests.uploads import PDF

pytestmark = pytest.mark.django_db

NEW = {"kind": "meeting", "title": "年会通知", "body": "<p>年会</p>", "all_members": "on"}


@pytest.fixture
def chamber_members(db):
    chamber = OrganizationFactory(name="冰雪产业商会")
    users = []
    for n in range(3):
        enterprise = EnterpriseFactory()
        AffiliationFactory(organization=chamber, enterprise=enterprise)
        users.append(UserFactory(enterprise=enterprise, email=f"m{n}@ylqgsl.test"))
    return chamber, users


def draft(staff, chamber, body="<p>定于下周召开年会。</p>"):
    return services.save_draft(
        actor=staff, criteria={"chambers": [chamber.pk]}, kind="meeting",
        title="关于召开冰雪产业商会年会的通知", body=body, is_public=False,
    )  # fmt: skip


def test_a_new_announcement_sent_twice_is_one_draft(staff):
    client = client_for(staff)
    url = reverse("policies:announcement_new")

    send_same_form(
        client,
        url,
        {**NEW, **rendered_token(client, url)},
        files=lambda: {"attachments": SimpleUploadedFile("议程.pdf", PDF)},
    )

    assert Announcement.objects.count() == 1
    assert AnnouncementAttachment.objects.count() == 1


def test_two_rendered_forms_make_two_drafts(staff):
    client = client_for(staff)
    url = reverse("policies:announcement_new")

    send_same_form(client, url, {**NEW, **rendered_token(client, url)})
    send_same_form(client, url, {**NEW, **rendered_token(client, url)})

    assert Announcement.objects.count() == 2


def test_the_attachment_is_kept_when_the_form_comes_back_with_an_error(staff):
    client = client_for(staff)
    url = reverse("policies:announcement_new")
    data = {"kind": "meeting", "title": "年会通知", "body": "<p>年会</p>"}

    first = client.post(url, {**data, "attachments": SimpleUploadedFile("议程.pdf", PDF)})

    assert first.status_code == 200
    form = first.context["form"]
    assert form.non_field_errors()  # nobody chosen
    token = form.data["held_uploads"]
    assert token and "议程.pdf" in first.content.decode()
    assert not Announcement.objects.exists()

    second = client.post(url, {**data, "all_members": "on", "held_uploads": token})

    assert second.status_code == 302
    attachment = Announcement.objects.get().attachments.get()
    assert attachment.original_name == "议程.pdf"
    assert attachment.file.open("rb").read() == PDF


def test_the_reminder_button_counts_only_those_it_reminds(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, users = chamber_members
    announcement = draft(staff, chamber)
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule(actor=staff, announcement=announcement)
    users[0].is_active = False
    users[0].save(update_fields=["is_active"])
    url = reverse("policies:announcement_receipts", args=[announcement.public_id])

    page = client_for(staff).get(url)

    assert page.context["to_remind"] == 2
    assert 'id="remind-form"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reminded = services.remind_unread(actor=staff, announcement=announcement, round_seen=0)
    assert reminded == 2
    assert Notice.objects.filter(kind="announcement_reminder").count() == 2


def test_nobody_to_remind_when_those_unread_are_deactivated(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, users = chamber_members
    announcement = draft(staff, chamber)
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule(actor=staff, announcement=announcement)
    services.mark_read(announcement=announcement, user=users[0])
    for user in users[1:]:
        user.is_active = False
        user.save(update_fields=["is_active"])
    client = client_for(staff)

    page = client.get(reverse("policies:announcement_receipts", args=[announcement.public_id]))

    content = page.content.decode()
    assert 'id="remind-form"' not in content
    assert 'id="nobody-to-remind"' in content
    assert page.context["unread"] == 2  # still listed as not read
    with pytest.raises(TransitionError, match=r"active|账号"):
        services.remind_unread(actor=staff, announcement=announcement, round_seen=0)
    announcement.refresh_from_db()
    assert announcement.reminder_rounds == 0
    assert not Notice.objects.filter(kind="announcement_reminder").exists()


def test_all_members_with_conditions_on_enterprises_is_refused(staff, chamber_members):
    chamber, _users = chamber_members

    response = client_for(staff).post(
        reverse("policies:announcement_new"), {**NEW, "chambers": [chamber.pk]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["all_members"]
    assert not Announcement.objects.exists()


def test_all_members_and_people_chosen_is_accepted(staff):
    response = client_for(staff).post(
        reverse("policies:announcement_new"), {**NEW, "leaders": "on"}
    )

    assert response.status_code == 302
    assert Announcement.objects.get().audience == {"all_members": True, "leaders": True}


@pytest.mark.parametrize("years", [6, 7973])  # past the calendar's five years; year 9999
def test_a_send_time_past_the_calendar_is_refused(staff, chamber_members, years):
    chamber, _users = chamber_members
    announcement = draft(staff, chamber)
    far = timezone.localdate().year + years

    page = client_for(staff).post(
        reverse("policies:announcement_send", args=[announcement.public_id]),
        {"when": "later", "send_at": f"{min(far, 9999)}-01-01T09:00"},
        follow=True,
    )

    assert page.status_code == 200
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.DRAFT
    assert announcement.send_at is None
    assert len(list(page.context["messages"])) == 1


def test_the_email_text_keeps_the_links_addresses():
    body = (
        '<p>请填写<a href="https://example.com/form?a=1&amp;b=2">报名表</a>。</p>'
        '<p><a href="https://example.com/">https://example.com/</a></p>'
        '<p><a href="mailto:office@ylqgsl.test">office@ylqgsl.test</a></p>'
    )

    assert html.text(body) == (
        "请填写报名表 (https://example.com/form?a=1&b=2)。\n"
        "https://example.com/\n"
        "office@ylqgsl.test"
    )


def test_the_email_sent_keeps_the_link(staff, chamber_members, django_capture_on_commit_callbacks):
    chamber, _users = chamber_members
    announcement = draft(staff, chamber, body='<p>见<a href="https://example.com/a">议程</a></p>')

    with django_capture_on_commit_callbacks(execute=True):
        services.schedule(actor=staff, announcement=announcement)

    assert mail.outbox
    assert all("议程 (https://example.com/a)" in message.body for message in mail.outbox)


def test_send_now_goes_out_although_the_workers_clock_runs_behind(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, _users = chamber_members
    announcement = draft(staff, chamber)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.schedule(actor=staff, announcement=announcement)
    announcement.refresh_from_db()
    behind = announcement.send_at - datetime.timedelta(seconds=5)

    # The worker runs the queued task with a clock five seconds behind the web server's.
    with time_machine.travel(behind, tick=False):
        assert services.deliver_due() == 0  # a clock comparison would still wait
        with django_capture_on_commit_callbacks(execute=True):
            for callback in queued:
                callback()
        assert tasks.deliver_announcement(announcement.pk, announcement.send_at.isoformat()) == 0

    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT
    assert announcement.sent_at == behind
    assert Notice.objects.filter(kind="announcement").count() == 3
    assert services.deliver_due(timezone.now() + datetime.timedelta(hours=1)) == 0


def test_a_stale_send_now_task_does_not_send_a_draft_rescheduled_later(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, _users = chamber_members
    announcement = draft(staff, chamber)
    with django_capture_on_commit_callbacks(execute=False):
        services.schedule(actor=staff, announcement=announcement)
    announcement.refresh_from_db()
    stale = announcement.send_at.isoformat()
    services.unschedule(actor=staff, announcement=announcement)
    services.schedule(
        actor=staff,
        announcement=announcement,
        send_at=timezone.now() + datetime.timedelta(days=1),
    )

    assert tasks.deliver_announcement(announcement.pk, stale) == 0

    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SCHEDULED
    assert not Notice.objects.exists()

"""Writing, sending (now or at a set time, exactly once), read receipts, reminders, export."""

import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import Job
from members.services import TransitionError
from notices.models import Notice
from policies.announcements import services
from policies.announcements.models import Announcement, Receipt
from tests.chambers.factories import AffiliationFactory, OrganizationFactory
from tests.conftest import client_for
from tests.factories import EnterpriseFactory, UserFactory
from tests.uploads import PDF
from ylqgsl.schedules import default_schedules

pytestmark = pytest.mark.django_db


@pytest.fixture
def chamber_members(db):
    """A chamber of three member enterprises, a user each; and an enterprise outside it."""
    chamber = OrganizationFactory(name="冰雪产业商会")
    users = []
    for n in range(3):
        enterprise = EnterpriseFactory()
        AffiliationFactory(organization=chamber, enterprise=enterprise)
        users.append(UserFactory(enterprise=enterprise, email=f"m{n}@ylqgsl.test"))
    UserFactory(enterprise=EnterpriseFactory(), email="outside@ylqgsl.test")
    return chamber, users


def draft(staff, chamber, **fields):
    return services.save_draft(
        actor=staff,
        criteria={"chambers": [chamber.pk]},
        **{
            "kind": "meeting",
            "title": "关于召开冰雪产业商会年会的通知",
            "body": "<p>定于下周召开年会。</p>",
            "is_public": False,
            **fields,
        },
    )


def send_now(staff, announcement, capture):
    with capture(execute=True):
        return services.schedule(actor=staff, announcement=announcement)


def test_sending_now_tells_each_recipient_once_by_inbox_and_email(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, users = chamber_members
    announcement = draft(staff, chamber)

    send_now(staff, announcement, django_capture_on_commit_callbacks)

    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT
    assert announcement.recipient_count == 3
    notices = Notice.objects.filter(kind="announcement")
    assert sorted(n.recipient_id for n in notices) == sorted(u.pk for u in users)
    assert notices[0].link == reverse("policies:announcement", args=[announcement.public_id])
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert "定于下周召开年会。" in mail.outbox[0].body
    assert "<p>" not in mail.outbox[0].body
    assert Receipt.objects.filter(announcement=announcement).count() == 3


def test_a_second_delivery_sends_nothing(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, _users = chamber_members
    announcement = draft(staff, chamber)
    send_now(staff, announcement, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliver(announcement.pk) == 0
        assert services.deliver_due() == 0

    assert Notice.objects.filter(kind="announcement").count() == 3
    assert Receipt.objects.count() == 3


def test_a_scheduled_announcement_waits_for_its_time_then_the_sweep_sends_it(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, _users = chamber_members
    announcement = draft(staff, chamber)
    later = timezone.now() + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule(actor=staff, announcement=announcement, send_at=later)
        assert services.deliver_due() == 0
    assert not Notice.objects.filter(kind="announcement").exists()

    # The sweep that should have run at the time was missed: the next one catches up.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliver_due(later + datetime.timedelta(minutes=30)) == 3

    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT
    assert Notice.objects.filter(kind="announcement").count() == 3


def test_a_scheduled_announcement_can_go_back_to_a_draft(staff, chamber_members):
    chamber, _users = chamber_members
    announcement = draft(staff, chamber)
    services.schedule(
        actor=staff, announcement=announcement, send_at=timezone.now() + datetime.timedelta(days=1)
    )

    services.unschedule(actor=staff, announcement=announcement)

    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.DRAFT
    assert services.deliver_due(timezone.now() + datetime.timedelta(days=2)) == 0


def test_sending_is_refused_to_nobody_and_twice(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, _users = chamber_members
    empty = services.save_draft(
        actor=staff, criteria={"industries": ["T"]}, kind="other", title="空", body="<p>x</p>",
        is_public=False,
    )  # fmt: skip
    with pytest.raises(TransitionError):
        services.schedule(actor=staff, announcement=empty)
    empty.refresh_from_db()
    assert empty.status == Announcement.Status.DRAFT

    announcement = draft(staff, chamber)
    send_now(staff, announcement, django_capture_on_commit_callbacks)
    with pytest.raises(TransitionError):
        services.schedule(actor=staff, announcement=announcement)
    with pytest.raises(TransitionError):
        services.save_draft(
            actor=staff, announcement=announcement, criteria={"all_members": True},
            kind="other", title="改", body="<p>改</p>", is_public=False,
        )  # fmt: skip
    announcement.refresh_from_db()
    assert announcement.title == "关于召开冰雪产业商会年会的通知"


def test_the_text_is_sanitised_on_save_and_on_display(staff, chamber_members):
    chamber, _users = chamber_members
    announcement = draft(
        staff,
        chamber,
        body='<p onclick="x()">会议<script>alert(1)</script><a href="javascript:x()">链接</a>'
        '<a href="https://www.bjyq.gov.cn/">延庆</a></p><img src=x onerror=y()>',
        is_public=True,
    )
    assert "script" not in announcement.body
    assert "onclick" not in announcement.body
    assert "javascript" not in announcement.body
    assert "<img" not in announcement.body
    # Written around the service (the shell, an import): cleaned again on display.
    Announcement.objects.filter(pk=announcement.pk).update(body="<p>会</p><script>bad()</script>")

    page = client_for(staff).get(
        reverse("policies:announcement_review", args=[announcement.public_id])
    )

    assert "<p>会</p>" in page.content.decode()
    assert "bad()" not in page.content.decode()


def test_opening_the_announcement_is_recorded_once(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, users = chamber_members
    announcement = draft(staff, chamber)
    send_now(staff, announcement, django_capture_on_commit_callbacks)
    url = reverse("policies:announcement", args=[announcement.public_id])
    reader = client_for(users[0])

    assert reader.get(url).status_code == 200
    first = Receipt.objects.get(recipient=users[0]).read_at
    assert first is not None
    reader.get(url)

    assert Receipt.objects.get(recipient=users[0]).read_at == first
    assert Receipt.objects.read().count() == 1
    outsider = UserFactory(enterprise=EnterpriseFactory())
    assert client_for(outsider).get(url).status_code == 404  # not public, not theirs


def test_a_reminder_goes_to_those_who_have_not_read_once_per_round(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, users = chamber_members
    announcement = draft(staff, chamber)
    send_now(staff, announcement, django_capture_on_commit_callbacks)
    services.mark_read(announcement=announcement, user=users[0])

    with django_capture_on_commit_callbacks(execute=True):
        reminded = services.remind_unread(actor=staff, announcement=announcement, round_seen=0)
    with pytest.raises(TransitionError):  # the same form sent again
        services.remind_unread(actor=staff, announcement=announcement, round_seen=0)

    assert reminded == 2
    reminders = Notice.objects.filter(kind="announcement_reminder")
    assert sorted(n.recipient_id for n in reminders) == sorted(u.pk for u in users[1:])
    announcement.refresh_from_db()
    assert announcement.reminder_rounds == 1

    with django_capture_on_commit_callbacks(execute=True):  # a second round, a week later
        services.remind_unread(actor=staff, announcement=announcement, round_seen=1)
    assert Notice.objects.filter(kind="announcement_reminder").count() == 4


def test_the_reminder_page_action_reports_and_refuses_a_repeat(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, _users = chamber_members
    announcement = draft(staff, chamber)
    send_now(staff, announcement, django_capture_on_commit_callbacks)
    url = reverse("policies:announcement_remind", args=[announcement.public_id])
    client = client_for(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"round": 0})
        page = client.post(url, {"round": 0}, follow=True)

    assert Notice.objects.filter(kind="announcement_reminder").count() == 3
    assert "已经发送" in page.content.decode() or "already" in page.content.decode()


def test_the_export_lists_who_read_and_who_did_not(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, users = chamber_members
    announcement = draft(staff, chamber)
    send_now(staff, announcement, django_capture_on_commit_callbacks)
    services.mark_read(announcement=announcement, user=users[1])

    response = client_for(staff).get(
        reverse("policies:announcement_export", args=[announcement.public_id])
    )

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    read, unread = book.worksheets
    assert [row[0].value for row in read.iter_rows(min_row=2)] == [users[1].real_name]
    assert sorted(row[0].value for row in unread.iter_rows(min_row=2)) == sorted(
        u.real_name for u in (users[0], users[2])
    )
    assert read.cell(2, 4).value is not None  # when it was read


def test_a_template_fills_in_the_title_and_text(staff):
    page = client_for(staff).get(reverse("policies:announcement_new") + "?kind=holiday")
    html = page.content.decode()
    assert "节假日" in html or "Holiday notice:" in html


def test_the_form_refuses_an_announcement_to_nobody_with_a_message(staff):
    response = client_for(staff).post(
        reverse("policies:announcement_new"),
        {"kind": "other", "title": "测试", "body": "<p>内容</p>"},
    )

    assert response.status_code == 200
    assert not Announcement.objects.exists()
    assert response.context["form"].non_field_errors()


def test_the_form_refuses_a_file_that_is_not_what_it_says(staff):
    response = client_for(staff).post(
        reverse("policies:announcement_new"),
        {
            "kind": "other",
            "title": "测试",
            "body": "<p>内容</p>",
            "all_members": "on",
            "attachments": SimpleUploadedFile("agenda.pdf", b"not a pdf"),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert not Announcement.objects.exists()


def test_staff_write_preview_the_count_and_send(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, _users = chamber_members
    client = client_for(staff)
    response = client.post(
        reverse("policies:announcement_new"),
        {
            "kind": "meeting",
            "title": "年会通知",
            "body": "<p>年会</p>",
            "chambers": [chamber.pk],
            "attachments": SimpleUploadedFile("agenda.pdf", PDF),
        },
    )
    announcement = Announcement.objects.get()
    assert response.url == reverse("policies:announcement_review", args=[announcement.public_id])

    review = client.get(response.url)
    assert 'id="recipient-count">3' in review.content.decode()
    assert announcement.attachments.count() == 1
    assert not Notice.objects.exists()  # nothing sent before staff send it

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("policies:announcement_send", args=[announcement.public_id]), {"when": "now"}
        )
    assert Notice.objects.filter(kind="announcement").count() == 3


def test_a_time_in_the_past_is_refused_with_a_message(staff, chamber_members):
    chamber, _users = chamber_members
    announcement = draft(staff, chamber)

    page = client_for(staff).post(
        reverse("policies:announcement_send", args=[announcement.public_id]),
        {"when": "later", "send_at": "2020-01-01T09:00"},
        follow=True,
    )

    assert page.status_code == 200
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.DRAFT
    assert len(list(page.context["messages"])) == 1


def test_staff_see_who_read_and_who_did_not(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, users = chamber_members
    announcement = draft(staff, chamber)
    send_now(staff, announcement, django_capture_on_commit_callbacks)
    services.mark_read(announcement=announcement, user=users[0])
    url = reverse("policies:announcement_receipts", args=[announcement.public_id])
    client = client_for(staff)

    read = client.get(url).content.decode()
    unread = client.get(url + "?show=unread").content.decode()

    assert users[0].real_name in read and users[1].real_name not in read
    assert users[1].real_name in unread and users[2].real_name in unread
    assert users[0].real_name not in unread


def test_a_long_export_is_a_background_job(
    staff, chamber_members, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_IMMEDIATE_ROWS = 2
    chamber, _users = chamber_members
    announcement = draft(staff, chamber)
    send_now(staff, announcement, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).get(
            reverse("policies:announcement_export", args=[announcement.public_id])
        )

    assert response.status_code == 302
    job = Job.objects.get(owner=staff)
    assert job.kind == "announcement_receipts_export"
    assert job.state == Job.State.DONE
    book = openpyxl.load_workbook(job.file.open("rb"))
    assert [sheet.max_row for sheet in book.worksheets] == [1, 4]  # headers; 3 not read


def test_the_scheduled_announcements_are_swept_every_minute():
    schedule = next(
        s
        for s in default_schedules()
        if s.task == "policies.announcements.tasks.announcement_sweep"
    )
    assert schedule.seconds == 60


def test_an_announcement_sent_now_whose_task_was_lost_goes_out_with_the_next_sweep(
    staff, chamber_members, django_capture_on_commit_callbacks
):
    chamber, _users = chamber_members
    announcement = draft(staff, chamber)
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down
        services.schedule(actor=staff, announcement=announcement)
    assert not Notice.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliver_due() == 3

    assert Notice.objects.filter(kind="announcement").count() == 3

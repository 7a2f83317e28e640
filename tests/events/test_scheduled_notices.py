"""Each scheduled event notice: sent once, never twice, and late rather than never."""

import datetime

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.test import TestCase

from events import services
from events.models import Event
from events.tasks import event_scan
from events.tasks import run_event_scan as scan
from notices.models import Notice
from notices.services import retry_delay
from notices.tasks import deliver_pending_emails
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
START = datetime.datetime(2026, 12, 10, 8, 0, tzinfo=TZ)  # a breakfast meeting at 8:00


def t(day, hour=0, minute=0):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=TZ)


def kinds(kind):
    """Who has a notice of `kind` in their inbox (a guest's e-mail is a notice without one)."""
    inbox = Notice.objects.filter(kind=kind, recipient__isnull=False)
    return sorted(inbox.values_list("recipient__real_name", flat=True))


def guest_mail():
    return [m for m in mail.outbox if m.to == ["zm@example.cn"]]


def run_event_scan(now):
    """The scan as beat runs it: its transactions commit, so the e-mails it queued go out."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return scan(now)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(t(1, 9), tick=False)
    return time_machine


@pytest.fixture
def meeting(frozen, staff, user_a, user_b):
    event = EventFactory(
        kind=Event.Kind.BREAKFAST,
        audience=Event.Audience.INVITATION,
        starts_at=START,
        ends_at=START + datetime.timedelta(hours=2),
        invitations_send_at=t(3, 9),
        feedback_url="https://forms.example.cn/breakfast",
    )
    services.invite(
        event=event,
        actor=staff,
        enterprises=[user_a.enterprise, user_b.enterprise],
        guests=[{"name": "张明", "title": "副区长", "email": "zm@example.cn"}],
    )
    return event


def test_invitations_go_out_at_the_planned_time_once(meeting, mailoutbox):
    run_event_scan(t(3, 8, 45))
    assert kinds("event_invitation") == [] and mail.outbox == []
    run_event_scan(t(3, 9))
    assert kinds("event_invitation") == ["企业乙联络员", "企业甲联络员"]
    assert len(guest_mail()) == 1
    run_event_scan(t(3, 9, 15))
    run_event_scan(t(4, 9))
    assert len(kinds("event_invitation")) == 2 and len(guest_mail()) == 1


def test_invitations_go_out_late_when_the_scan_missed_the_time(meeting, mailoutbox):
    run_event_scan(t(6, 14))  # the scan did not run for three days
    assert len(kinds("event_invitation")) == 2 and len(guest_mail()) == 1


def test_no_invitations_for_a_draft_or_after_the_start(meeting):
    Event.objects.filter(pk=meeting.pk).update(status=Event.Status.DRAFT)
    run_event_scan(t(3, 10))
    assert kinds("event_invitation") == []
    Event.objects.filter(pk=meeting.pk).update(status=Event.Status.PUBLISHED)
    run_event_scan(t(10, 9))  # too late: the meeting has begun
    assert kinds("event_invitation") == []


def test_a_failed_guest_email_is_retried_until_sent_once(meeting, mailoutbox, monkeypatch, frozen):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    frozen.move_to(t(3, 9), tick=False)
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", broken)
    run_event_scan(t(3, 9))
    guest = meeting.invitations.get(guest_name="张明")
    assert guest.sent_at is not None  # recorded once; its e-mail waits for the server
    email = Notice.objects.get(email="zm@example.cn")
    assert email.recipient is None
    assert email.email_state == Notice.EmailState.FAILED
    assert email.email_due_at == t(3, 9) + retry_delay(1)
    monkeypatch.undo()
    run_event_scan(t(3, 9, 15))
    assert mail.outbox == []  # the scan does not e-mail the guest again...

    frozen.move_to(email.email_due_at, tick=False)
    with TestCase.captureOnCommitCallbacks(execute=True):
        # ...the sweep retries it after its back-off (with the members' invitations, which
        # failed with it)
        assert deliver_pending_emails() == 3
    assert len(guest_mail()) == 1
    assert guest.token in guest_mail()[0].body
    email.refresh_from_db()
    assert email.email_state == Notice.EmailState.SENT
    assert email.email_attempts == 2


def test_non_responders_reminded_three_days_ahead_once(meeting, user_a, mailoutbox):
    run_event_scan(t(3, 9))
    services.respond_to_invitation(invitation=meeting.invitations.get(user=user_a), accept=True)
    run_event_scan(t(7, 7))  # more than three days ahead
    assert kinds("event_invitation_reminder") == []
    run_event_scan(t(7, 8))
    assert kinds("event_invitation_reminder") == ["企业乙联络员"]
    assert len(guest_mail()) == 2
    run_event_scan(t(7, 8, 15))
    run_event_scan(t(8, 8))
    assert kinds("event_invitation_reminder") == ["企业乙联络员"]
    assert len(guest_mail()) == 2


def test_non_responder_reminder_late_but_not_after_the_start(meeting):
    run_event_scan(t(3, 9))
    run_event_scan(t(9, 20))  # the scans of the 7th and 8th were missed
    assert len(kinds("event_invitation_reminder")) == 2
    Notice.objects.all().delete()
    meeting.invitations.update(reminded_at=None)
    run_event_scan(t(10, 8, 30))
    assert kinds("event_invitation_reminder") == []


def test_day_before_reminder_to_everyone_attending_once(meeting, user_a, user_b, mailoutbox):
    run_event_scan(t(3, 9))
    services.respond_to_invitation(invitation=meeting.invitations.get(user=user_a), accept=True)
    services.respond_to_invitation(
        invitation=meeting.invitations.get(guest_name="张明"), accept=True
    )
    services.respond_to_invitation(invitation=meeting.invitations.get(user=user_b), accept=False)
    mail.outbox.clear()
    run_event_scan(t(9, 7, 45))
    assert kinds("event_reminder") == []
    run_event_scan(t(9, 8))
    assert kinds("event_reminder") == ["企业甲联络员"]
    assert len(guest_mail()) == 1
    run_event_scan(t(9, 8, 15))
    run_event_scan(t(9, 20))
    assert kinds("event_reminder") == ["企业甲联络员"] and len(guest_mail()) == 1


def test_day_before_reminder_late_but_not_after_the_start(frozen):
    event = EventFactory(starts_at=START, ends_at=START + datetime.timedelta(hours=2))
    late, never = UserFactory(real_name="迟到提醒"), UserFactory(real_name="不提醒")
    RegistrationFactory(event=event, user=late, person_name="x")
    run_event_scan(t(10, 7, 50))  # ten minutes before the start
    assert kinds("event_reminder") == ["迟到提醒"]
    RegistrationFactory(event=event, user=never, person_name="y")
    run_event_scan(t(10, 8, 5))
    assert kinds("event_reminder") == ["迟到提醒"]


def test_thanks_with_the_feedback_link_after_the_event_once(meeting, staff, user_a, user_b):
    for user in (user_a, user_b):
        services.respond_to_invitation(invitation=meeting.invitations.get(user=user), accept=True)
    came = meeting.registrations.get(user=user_a)
    services.check_in(registration=came, actor=staff)
    run_event_scan(t(10, 9, 45))
    assert kinds("event_thanks") == []
    result = run_event_scan(t(10, 10))
    assert result["finished"] == 1
    notice = Notice.objects.get(kind="event_thanks")
    assert notice.recipient == user_a  # only those checked in
    assert notice.link == "https://forms.example.cn/breakfast"
    run_event_scan(t(11, 10))
    assert kinds("event_thanks") == ["企业甲联络员"]
    meeting.refresh_from_db()
    assert meeting.status == "finished"


def test_thanks_late_within_a_week_but_not_after(frozen, staff):
    event = EventFactory(starts_at=START, ends_at=START + datetime.timedelta(hours=2))
    RegistrationFactory(event=event, user=UserFactory(real_name="参会者"), person_name="x")
    run_event_scan(t(16, 9))  # six days later: still thanked (nobody checked in: all confirmed)
    assert kinds("event_thanks") == ["参会者"]
    other = EventFactory(starts_at=START, ends_at=START + datetime.timedelta(hours=2))
    RegistrationFactory(event=other, user=UserFactory(real_name="太晚"), person_name="y")
    run_event_scan(t(17, 11))
    assert "太晚" not in kinds("event_thanks")


def test_no_thanks_for_a_cancelled_event(frozen, staff):
    event = EventFactory(starts_at=START, ends_at=START + datetime.timedelta(hours=2))
    RegistrationFactory(event=event, user=UserFactory(), person_name="x")
    services.cancel_event(event=event, actor=staff, reason="暴雨预警")
    run_event_scan(t(11, 9))
    assert kinds("event_thanks") == [] and kinds("event_reminder") == []


def test_the_beat_task_runs_the_scan_and_is_idempotent(
    meeting, django_capture_on_commit_callbacks, frozen
):
    frozen.move_to(t(3, 9, 5), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        event_scan.delay()
        event_scan.delay()
    assert len(kinds("event_invitation")) == 2
    # The two members' and the guest's
    assert Notice.objects.filter(kind="event_invitation", email_state="sent").count() == 3

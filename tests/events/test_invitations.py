"""Invitations: choosing invitees, personal links bound to one invitee and one event, answers."""

import html
import importlib

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.test import TestCase
from django.utils import translation
from django.utils.translation import gettext as _

from chambers.models import Affiliation, Organization
from core import jobs
from core.models import Job
from events import services
from events.models import Event, Invitation
from notices.models import Notice
from tests.conftest import client_for
from tests.events.factories import EventFactory, InvitationFactory, at
from tests.factories import EnterpriseFactory, UserFactory, township

pytestmark = pytest.mark.django_db


def invitation_url(invitation, event=None):
    event = event or invitation.event
    return f"/events/{event.public_id}/invitation/{invitation.token}/"


@pytest.fixture
def meeting(staff):
    return EventFactory(
        kind=Event.Kind.BREAKFAST, title="企业家早餐会（11月）", audience=Event.Audience.INVITATION
    )


def test_staff_invite_by_filter_leaders_and_guests(staff_client, meeting, leader, user_a):
    chamber = Organization.objects.create(slug="ice", name="冰雪产业商会", kind="industry")
    in_chamber = EnterpriseFactory(township=township("110119102"))
    Affiliation.objects.create(organization=chamber, enterprise=in_chamber)
    EnterpriseFactory(township=township("110119102"))  # same township, not in the chamber
    response = staff_client.post(
        f"/events/{meeting.public_id}/invite/",
        {
            "township": township("110119102").pk,
            "chamber": chamber.pk,
            "enterprises": user_a.enterprise.credit_code,
            "leaders": [leader.pk],
            "guests": "张明，区发改委副主任，zm@example.cn\n李华, 区人社局局长, lh@example.cn",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    invitations = meeting.invitations.all()
    assert {i.enterprise for i in invitations if i.enterprise} == {in_chamber, user_a.enterprise}
    assert invitations.get(enterprise=user_a.enterprise).user == user_a
    assert invitations.get(user=leader, enterprise__isnull=True)
    guests = invitations.filter(enterprise__isnull=True, user__isnull=True)
    assert sorted(g.guest_name for g in guests) == ["张明", "李华"]
    assert len({i.token for i in invitations}) == 5


def test_inviting_twice_does_not_duplicate(staff, meeting, enterprise_a):
    services.invite(event=meeting, actor=staff, enterprises=[enterprise_a])
    services.invite(event=meeting, actor=staff, enterprises=[enterprise_a])
    assert meeting.invitations.count() == 1


def test_guest_lines_are_checked(staff_client, meeting):
    response = staff_client.post(
        f"/events/{meeting.public_id}/invite/", {"guests": "张明, 主任, not-an-address"}
    )
    assert response.status_code == 200
    assert "not-an-address" in response.content.decode()
    assert not meeting.invitations.exists()


def test_link_works_without_login_and_shows_only_that_invitee(client, meeting):
    mine = InvitationFactory(event=meeting, guest_name="张明")
    InvitationFactory(event=meeting, guest_name="李华")
    page = client.get(invitation_url(mine))
    assert page.status_code == 200
    text = page.content.decode()
    assert "张明" in text and "李华" not in text


def test_wrong_token_is_404(client, meeting):
    InvitationFactory(event=meeting)
    assert client.get(f"/events/{meeting.public_id}/invitation/not-the-token/").status_code == 404


def test_token_with_another_events_address_is_404(client, meeting):
    invitation = InvitationFactory(event=meeting)
    other = EventFactory(audience=Event.Audience.INVITATION)
    assert client.get(invitation_url(invitation, other)).status_code == 404
    assert (
        client.post(
            invitation_url(invitation, other), {"answer": "accept", "attendees": 1}
        ).status_code
        == 404
    )
    invitation.refresh_from_db()
    assert invitation.response == "pending"


def test_draft_event_links_do_not_work_yet(client):
    invitation = InvitationFactory(event__status=Event.Status.DRAFT)
    assert client.get(invitation_url(invitation)).status_code == 404


def test_accepting_books_seats_with_a_check_in_code(client, meeting):
    invitation = InvitationFactory(event=meeting)
    response = client.post(invitation_url(invitation), {"answer": "accept", "attendees": 3})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.response, invitation.attendees) == ("accepted", 3)
    registration = invitation.registration
    assert (registration.status, registration.seats) == ("confirmed", 3)
    assert registration.person_name.startswith("张明")
    qr = client.get(invitation_url(invitation) + "qr.svg")
    assert qr.status_code == 200 and b"<svg" in qr.content


def test_declining_after_accepting_frees_the_seats(client, meeting):
    invitation = InvitationFactory(event=meeting)
    client.post(invitation_url(invitation), {"answer": "accept", "attendees": 2})
    client.post(invitation_url(invitation), {"answer": "decline", "attendees": 1})
    invitation.refresh_from_db()
    assert invitation.response == "declined"
    assert invitation.registration.status == "cancelled"
    assert services.seats_taken(meeting) == 0


@pytest.mark.parametrize("attendees", [0, 11, -1])
def test_attendees_are_bounded(client, meeting, attendees):
    invitation = InvitationFactory(event=meeting)
    response = client.post(invitation_url(invitation), {"answer": "accept", "attendees": attendees})
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.response == "pending"


def test_cannot_answer_once_the_event_started(client):
    invitation = InvitationFactory(event__starts_at=at(hours=-1), event__ends_at=at(hours=1))
    client.post(invitation_url(invitation), {"answer": "accept", "attendees": 1})
    invitation.refresh_from_db()
    assert invitation.response == "pending"


def test_invited_enterprise_user_sees_the_meeting_others_do_not(staff, meeting, user_a, user_b):
    services.invite(event=meeting, actor=staff, enterprises=[user_a.enterprise])
    assert client_for(user_a).get(f"/events/{meeting.public_id}/").status_code == 200
    assert client_for(user_b).get(f"/events/{meeting.public_id}/").status_code == 404
    assert client_for(None).get(f"/events/{meeting.public_id}/").status_code == 404
    mine = client_for(user_a).get("/events/mine/").content.decode()
    assert meeting.title in mine
    assert meeting.title not in client_for(user_b).get("/events/mine/").content.decode()


def test_card_shows_the_invitees_name(client, meeting):
    invitation = InvitationFactory(event=meeting, guest_name="王建国", guest_title="区长")
    card = client.get(invitation_url(invitation) + "card/").content.decode()
    assert "王建国 区长" in card and meeting.title in card


def send_now(event, staff):
    """Send the invitations now: a background job, run once the transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = services.send_invitations_now(event=event, actor=staff)
    job.refresh_from_db()
    return job


def test_sending_now_tells_accounts_and_emails_guests_once(staff, meeting, user_a, mailoutbox):
    services.invite(
        event=meeting,
        actor=staff,
        enterprises=[user_a.enterprise],
        guests=[{"name": "张明", "title": "主任", "email": "zm@example.cn"}],
    )
    job = send_now(meeting, staff)
    assert (job.state, job.result["figures"]["sent"]) == ("done", 2)
    assert (job.done, job.total) == (2, 2)
    assert send_now(meeting, staff).result["figures"]["sent"] == 0
    notice = Notice.objects.get(kind="event_invitation", recipient__isnull=False)
    assert notice.recipient == user_a
    guest = meeting.invitations.get(guest_name="张明")
    invitations = [m.to for m in mail.outbox if m.to != [staff.email]]  # staff's: job done
    assert sorted(invitations) == [[user_a.email], ["zm@example.cn"]]
    [guest_mail] = [m for m in mail.outbox if m.to == ["zm@example.cn"]]
    assert guest.token in guest_mail.body
    assert meeting.invitations.filter(sent_at__isnull=True).count() == 0


def test_a_draft_sends_no_invitations(staff, enterprise_a):
    event = EventFactory(status=Event.Status.DRAFT, audience=Event.Audience.INVITATION)
    invitation = services.invite(event=event, actor=staff, enterprises=[enterprise_a])[0]
    with pytest.raises(services.TransitionError):
        services.send_invitations_now(event=event, actor=staff)
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    assert not Notice.objects.exists()


def test_staff_see_answers_on_the_dashboard(staff_client, meeting, client):
    invitation = InvitationFactory(event=meeting, guest_name="张明")
    client.post(invitation_url(invitation), {"answer": "accept", "attendees": 2})
    part = staff_client.get(f"/events/{meeting.public_id}/dashboard/?part=responses")
    assert "张明" in part.content.decode()
    assert part.context["responses"] == {"accepted": 1, "declined": 0, "pending": 0}
    assert Invitation.objects.get().response == "accepted"


def test_the_dashboard_says_invitations_will_be_sent_only_before_their_time(staff_client, meeting):
    url = f"/events/{meeting.public_id}/dashboard/"
    meeting.invitations_send_at = at(days=1)
    meeting.save(update_fields=["invitations_send_at"])
    assert "邀请将于" in staff_client.get(url).content.decode()

    meeting.invitations_send_at = at(days=-1)
    meeting.save(update_fields=["invitations_send_at"])
    page = staff_client.get(url).content.decode()
    assert "邀请将于" not in page
    assert "邀请已于" in page


def remind(client, event):
    """Staff's button: a background job, run once the request's transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/events/{event.public_id}/invitations/remind/")
    return response


def test_remind_non_responders_once_in_a_job(staff, staff_client, meeting, user_a, user_b):
    services.invite(
        event=meeting,
        actor=staff,
        enterprises=[user_a.enterprise, user_b.enterprise],
        guests=[{"name": "张明", "title": "主任", "email": "zm@example.cn"}],
    )
    send_now(meeting, staff)
    services.respond_to_invitation(invitation=meeting.invitations.get(user=user_b), accept=True)
    response = remind(staff_client, meeting)
    job = Job.objects.get(kind="event_reminders")
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.state, job.result["figures"]["sent"], job.owner) == ("done", 2, staff)
    assert (job.done, job.total) == (2, 2)
    reminders = Notice.objects.filter(kind="event_invitation_reminder")
    assert sorted(n.email for n in reminders) == sorted([user_a.email, "zm@example.cn"])
    remind(staff_client, meeting)  # again: nobody reminded twice
    again = Job.objects.filter(kind="event_reminders").latest("pk")
    assert again.result["figures"]["sent"] == 0
    assert Notice.objects.filter(kind="event_invitation_reminder").count() == 2


def test_reminding_a_past_event_is_refused_and_starts_no_job(staff, staff_client, meeting, user_a):
    services.invite(event=meeting, actor=staff, enterprises=[user_a.enterprise])
    send_now(meeting, staff)
    meeting.starts_at, meeting.ends_at = at(days=-2), at(days=-2, hours=2)
    meeting.save()
    response = remind(staff_client, meeting)
    assert response.status_code == 302
    page = staff_client.get(response.url).content.decode()
    assert "只能提醒" in page or "Only invitees" in page
    assert not Job.objects.filter(kind="event_reminders").exists()
    assert meeting.invitations.get().reminded_at is None


def test_cancelling_emails_invitees_without_an_account_in_a_job(staff, meeting, user_a, mailoutbox):
    services.invite(
        event=meeting,
        actor=staff,
        enterprises=[user_a.enterprise],
        guests=[
            {"name": "张明", "title": "主任", "email": "zm@example.cn"},
            {"name": "李华", "title": "", "email": "lh@example.cn"},
        ],
    )
    send_now(meeting, staff)
    declined = meeting.invitations.get(guest_name="李华")
    services.respond_to_invitation(invitation=declined, accept=False)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.cancel_event(event=meeting, actor=staff, reason="场地检修")
    job = Job.objects.get(kind="event_cancelled_guests")
    assert (job.state, job.owner, job.result["figures"]["sent"]) == ("done", staff, 1)
    cancelled = Notice.objects.filter(kind="event_cancelled")
    # the guest who declined is not written to
    assert sorted(n.email for n in cancelled) == sorted([user_a.email, "zm@example.cn"])
    [guest_mail] = [m for m in mailoutbox if m.to == ["zm@example.cn"] and "场地检修" in m.body]
    assert meeting.title in guest_mail.subject + guest_mail.body
    with TestCase.captureOnCommitCallbacks(execute=True):  # the job run again: nobody twice
        jobs.queue(jobs.start(owner=staff, kind="event_cancelled_guests", params=job.params).pk)
    assert Job.objects.filter(kind="event_cancelled_guests").latest("pk").result["figures"] == {
        "sent": 0
    }
    assert Notice.objects.filter(kind="event_cancelled").count() == 2


def test_cancelling_an_event_without_guests_starts_no_job(staff, meeting, user_a):
    services.invite(event=meeting, actor=staff, enterprises=[user_a.enterprise])
    send_now(meeting, staff)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.cancel_event(event=meeting, actor=staff, reason="场地检修")
    assert not Job.objects.filter(kind="event_cancelled_guests").exists()
    assert Notice.objects.get(kind="event_cancelled").recipient == user_a


def test_guest_without_account_has_no_access_to_member_pages(client, meeting):
    invitation = InvitationFactory(event=meeting)
    assert client.get("/events/mine/").status_code == 302
    assert client.get(f"/events/{meeting.public_id}/dashboard/").status_code == 302
    assert invitation.user is None


def test_staff_user_not_invited_still_manages(staff_client, meeting):
    assert staff_client.get(f"/events/{meeting.public_id}/").status_code == 200


def test_leader_invited_personally(staff, meeting, leader):
    services.invite(event=meeting, actor=staff, users=[leader])
    assert client_for(leader).get(f"/events/{meeting.public_id}/").status_code == 200
    other = UserFactory()
    assert client_for(other).get(f"/events/{meeting.public_id}/").status_code == 404


def test_invitee_who_had_registered_keeps_one_booking(staff, user_a):
    event = EventFactory(capacity=5)
    registered = services.register_for_event(event=event, actor=user_a)
    invitation = services.invite(event=event, actor=staff, enterprises=[user_a.enterprise])[0]
    services.respond_to_invitation(invitation=invitation, accept=True, attendees=3)
    registered.refresh_from_db()
    assert event.registrations.count() == 1
    assert (registered.invitation, registered.seats) == (invitation, 3)


def invitation_urls(invitation):
    page = invitation_url(invitation)
    return [page, page + "card/", page + "qr.svg"]


@pytest.fixture
def accepted(staff, meeting, user_a):
    """Enterprise A's invitation, accepted for two by its own user."""
    invitation = services.invite(event=meeting, actor=staff, enterprises=[user_a.enterprise])[0]
    services.respond_to_invitation(invitation=invitation, accept=True, attendees=2)
    return invitation


def test_another_enterprises_user_cannot_open_or_answer_the_link(accepted, user_b):
    other = client_for(user_b)
    assert [other.get(url).status_code for url in invitation_urls(accepted)] == [404] * 3
    response = other.post(invitation_url(accepted), {"answer": "decline", "attendees": 1})
    assert response.status_code == 404
    accepted.refresh_from_db()
    assert (accepted.response, accepted.attendees) == ("accepted", 2)
    assert accepted.registration.status == "confirmed"


@pytest.mark.parametrize("who", ["applicant", "outsider", "leader"])
def test_signed_in_users_who_are_not_the_invitee_get_404(accepted, request, who):
    other = client_for(request.getfixturevalue(who))
    assert [other.get(url).status_code for url in invitation_urls(accepted)] == [404] * 3


def test_the_invitees_users_signed_in_or_not_and_staff_keep_the_link(
    accepted, user_a, staff, enterprise_a
):
    colleague = UserFactory(email="a2@ylqgsl.test", enterprise=enterprise_a)
    for user in (None, user_a, colleague, staff):
        statuses = [client_for(user).get(url).status_code for url in invitation_urls(accepted)]
        assert statuses == [200] * 3, user
    response = client_for(colleague).post(
        invitation_url(accepted), {"answer": "accept", "attendees": 4}
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.attendees == 4


def test_a_guests_link_works_signed_out_and_for_the_guests_own_account(meeting, user_a):
    guest = InvitationFactory(event=meeting, guest_email="Guest@Example.cn")
    own_account = UserFactory(email="guest@example.cn")
    assert client_for(None).get(invitation_url(guest)).status_code == 200
    assert client_for(own_account).get(invitation_url(guest)).status_code == 200
    assert client_for(user_a).get(invitation_url(guest)).status_code == 404


def test_a_leaders_personal_link_is_theirs_alone(staff, meeting, leader, user_a):
    invitation = services.invite(event=meeting, actor=staff, users=[leader])[0]
    assert client_for(leader).get(invitation_url(invitation)).status_code == 200
    assert client_for(user_a).get(invitation_url(invitation)).status_code == 404


def test_declining_after_check_in_is_refused_and_the_page_agrees(accepted, staff):
    services.check_in(registration=accepted.registration, actor=staff)
    with translation.override("zh-hans"):
        response = client_for(None).post(
            invitation_url(accepted), {"answer": "decline", "attendees": 1}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert _("You have already checked in at this event: the answer can no longer change.") in (
            html.unescape(page)
        )
        assert _("Declined") not in page
    accepted.refresh_from_db()
    assert accepted.response == "accepted"
    registration = accepted.registration
    assert registration.status == "confirmed" and registration.checked_in_at is not None
    shown = client_for(None).get(invitation_url(accepted)).content.decode()
    assert 'id="checked-in"' in shown and 'id="respond-form"' not in shown


def test_accepting_again_after_check_in_is_refused_too(accepted, staff):
    services.check_in(registration=accepted.registration, actor=staff)
    with pytest.raises(services.TransitionError):
        services.respond_to_invitation(invitation=accepted, accept=True, attendees=5)
    accepted.refresh_from_db()
    assert accepted.attendees == 2 and accepted.registration.seats == 2


def test_migration_accepts_invitations_declined_after_check_in(accepted, staff, meeting):
    migration = importlib.import_module("events.migrations.0005_invitation_checked_in_accepted")
    services.check_in(registration=accepted.registration, actor=staff)
    Invitation.objects.filter(pk=accepted.pk).update(response="declined")  # as main once wrote
    declined = InvitationFactory(event=meeting, response="declined")
    migration.accept_checked_in(django_apps, None)
    accepted.refresh_from_db()
    declined.refresh_from_db()
    assert accepted.response == "accepted"
    assert declined.response == "declined"

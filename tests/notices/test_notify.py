"""notify(): one notice per key, in the inbox always, by e-mail unless turned off."""

from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext
from kombu.exceptions import OperationalError

from notices import services
from notices.models import EmailOptOut, Notice, NoticeQuerySet
from notices.services import notify
from notices.tasks import send_notice_emails
from tests.factories import UserFactory
from tests.notices.factories import APPLICATION, NoticeFactory

pytestmark = pytest.mark.django_db

FOOTER = "You can choose which notices reach you by e-mail in the portal's notice settings."


def test_notify_records_one_notice_and_sends_one_email(send, user_a):
    notice = send(user_a, key="application_received:1", link="/members/profile/")

    notice.refresh_from_db()
    assert Notice.objects.count() == 1
    assert notice.recipient == user_a
    assert notice.kind == "application_received"
    assert notice.key == "application_received:1"
    assert APPLICATION["name"] in notice.subject
    assert APPLICATION["name"] in notice.body
    assert notice.link == "/members/profile/"
    assert not notice.is_read
    assert notice.email_state == Notice.EmailState.SENT
    assert notice.email_attempts == 1
    assert notice.email_sent_at is not None
    assert notice.email_due_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user_a.email]
    assert mail.outbox[0].subject == notice.subject


def test_same_key_never_notifies_twice(send, user_a):
    first = send(user_a, key="application_decided:7")
    second = send(user_a, key="application_decided:7")

    assert first is not None
    assert second is None
    assert Notice.objects.count() == 1
    assert len(mail.outbox) == 1


def test_same_key_for_another_recipient_is_still_the_same_notice(send, user_a, user_b):
    # Keys are global: a sender notifying several people puts the recipient in the key.
    send(user_a, key="shared")
    assert send(user_b, key="shared") is None
    assert list(Notice.objects.values_list("recipient", flat=True)) == [user_a.pk]


def test_concurrent_notify_with_the_same_key_records_one_notice(send, user_a, monkeypatch):
    send(user_a, key="race")
    # The other run passed the existence check before this one committed: the unique key
    # is what stops it.
    monkeypatch.setattr(NoticeQuerySet, "exists", lambda self: False)

    assert send(user_a, key="race") is None
    assert Notice.objects.count() == 1
    assert len(mail.outbox) == 1


def test_key_is_unique_in_the_database(user_a):
    NoticeFactory(recipient=user_a, key="once")
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeFactory(recipient=user_a, key="once")


def test_opted_out_kind_reaches_the_inbox_but_not_the_mailbox(send, user_a):
    EmailOptOut.objects.create(user=user_a, kind="application_received")

    notice = send(user_a)

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SKIPPED
    assert notice.email_attempts == 0
    assert notice.email_due_at is None
    assert list(Notice.objects.visible_to(user_a)) == [notice]
    assert mail.outbox == []


def test_opting_out_of_one_kind_keeps_the_others(send, user_a):
    EmailOptOut.objects.create(user=user_a, kind="application_rejected")

    notice = send(user_a, kind="application_received")

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert len(mail.outbox) == 1


def test_account_exists_ignores_opt_out(send, user_a):
    EmailOptOut.objects.create(user=user_a, kind="account_exists")

    notice = send(user_a, kind="account_exists", context={})

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user_a.email]


def test_user_without_an_address_gets_the_notice_but_no_email(send):
    user = UserFactory(email="")

    notice = send(user)

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SKIPPED
    assert mail.outbox == []


def test_unregistered_kind_is_a_programming_error(send, user_a):
    with pytest.raises(KeyError):
        send(user_a, kind="no_such_kind")
    assert not Notice.objects.exists()


def test_no_email_is_queued_before_the_transaction_commits(
    user_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        notify(recipient=user_a, kind="account_exists", key="k", context={})
        assert mail.outbox == []
    assert len(callbacks) == 1


def test_rolled_back_notify_leaves_no_notice_and_sends_nothing(
    user_a, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipient=user_a, kind="account_exists", key="k", context={})
        raise RuntimeError("the use case failed after notifying")
    assert callbacks == []
    assert not Notice.objects.exists()
    assert mail.outbox == []


def test_task_is_given_the_notice_id_not_the_notice(send, user_a):
    with mock.patch.object(send_notice_emails, "apply_async") as apply_async:
        notice = send(user_a)
    apply_async.assert_called_once()
    assert apply_async.call_args.args[0] == ([notice.pk],)


def test_broker_down_does_not_fail_the_caller_and_leaves_the_email_pending(send, user_a):
    down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch.object(send_notice_emails, "apply_async", side_effect=down):
        notice = send(user_a)

    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.PENDING
    assert notice.email_attempts == 0
    assert notice.email_due_at is not None
    assert mail.outbox == []


def test_email_has_text_and_html_with_an_absolute_link(send, user_a):
    send(user_a, link="/members/applications/x/")

    [message] = mail.outbox
    link = settings.SITE_URL + "/members/applications/x/"
    assert APPLICATION["name"] in message.body
    assert link in message.body
    assert settings.PORTAL_NAME in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert APPLICATION["name"] in html
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_email_is_in_english_for_an_english_user(send, english_user):
    with translation.override("zh-hans"):  # whoever triggered it browses in Chinese
        notice = send(english_user, link="/members/profile/")

    assert notice.subject == f"Application received: {APPLICATION['name']}"
    assert notice.body.startswith("Dear Jane Smith,")
    assert "we have received the membership application" in notice.body
    [message] = mail.outbox
    assert message.subject == notice.subject
    assert message.body.startswith("Dear Jane Smith,")
    assert FOOTER in message.body
    assert "Open in the portal" in message.alternatives[0][0]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_notice_and_email_are_rendered_in_the_recipients_language(send, language, monkeypatch):
    """Checked on the active language during rendering, so it holds with or without a
    compiled catalogue; the strings are compared with whatever the catalogue says."""
    recipient = UserFactory(language=language)
    other = "en" if language == "zh-hans" else "zh-hans"
    rendered_in = []
    real_render = services.render_to_string

    def render_to_string(template_name, context=None, *args, **kwargs):
        rendered_in.append((template_name, translation.get_language()))
        return real_render(template_name, context, *args, **kwargs)

    monkeypatch.setattr(services, "render_to_string", render_to_string)
    with translation.override(other):
        notice = send(recipient)
        assert translation.get_language() == other  # and the caller's language is left alone

    assert rendered_in == [
        ("emails/application_received/subject.txt", language),
        ("emails/application_received/body.txt", language),
        ("emails/base.txt", language),
        ("emails/base.html", language),
    ]
    with translation.override(language):
        subject = gettext("Application received: %(name)s") % APPLICATION
        footer = gettext(FOOTER)
    assert notice.subject == subject
    [message] = mail.outbox
    assert message.subject == subject
    assert footer in message.body

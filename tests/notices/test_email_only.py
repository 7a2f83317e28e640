"""E-mails to someone without an inbox (a password reset, an invitee without an account) take
the notices' path: recorded, queued once the request's transaction commits, retried while the
mail server is down, never in an inbox."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notices.models import Notice
from notices.services import email_only, message_id, retry_delay
from notices.tasks import deliver_pending_emails

pytestmark = pytest.mark.django_db


def ask_for_a_reset(client, address, capture):
    with capture(execute=True):
        return client.post(reverse("password_reset"), {"email": address})


def test_the_request_only_records_the_reset_email(client, user_a):
    response = client.post(reverse("password_reset"), {"email": user_a.email})

    assert response.status_code == 302
    assert mail.outbox == []  # nothing is sent inside the request
    email = Notice.objects.get(kind="password_reset")
    assert email.recipient is None
    assert email.email == user_a.email
    assert email.email_state == Notice.EmailState.PENDING
    assert "/reset/" in email.link
    assert not Notice.objects.visible_to(user_a).exists()  # no inbox shows it


def test_the_reset_email_goes_out_once_the_request_commits(
    client, user_a, django_capture_on_commit_callbacks
):
    ask_for_a_reset(client, user_a.email, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    email = Notice.objects.get(kind="password_reset")
    assert message.to == [user_a.email]
    assert message.subject == email.subject
    assert f"{settings.SITE_URL}/accounts/reset/" in message.body
    assert message.message()["Message-ID"] == message_id(email.key)
    assert "notice settings" not in message.body  # no preferences to point to
    email.refresh_from_db()
    assert email.email_state == Notice.EmailState.SENT
    assert email.link == ""  # the secret link is not kept once sent


def test_with_smtp_down_the_reset_email_is_retried_not_lost(
    client, user_a, smtp, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now(), tick=False)
    smtp.fail()

    response = ask_for_a_reset(client, user_a.email, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert mail.outbox == []
    email = Notice.objects.get(kind="password_reset")
    assert email.email_state == Notice.EmailState.FAILED
    time_machine.move_to(timezone.now() + retry_delay(1), tick=False)
    assert deliver_pending_emails() == 1
    [message] = mail.outbox
    link = next(line for line in message.body.splitlines() if "/reset/" in line)
    form_page = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Brand-New-Pass-2026", "new_password2": "Brand-New-Pass-2026"},
    )
    assert response.status_code == 302
    user_a.refresh_from_db()
    assert user_a.check_password("Brand-New-Pass-2026")


def test_each_reset_request_is_its_own_email(client, user_a, django_capture_on_commit_callbacks):
    ask_for_a_reset(client, user_a.email, django_capture_on_commit_callbacks)
    ask_for_a_reset(client, user_a.email, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    assert Notice.objects.filter(kind="password_reset").count() == 2


def test_the_reset_email_is_in_the_accounts_language(
    client, english_user, django_capture_on_commit_callbacks
):
    ask_for_a_reset(client, english_user.email, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.subject.startswith("Reset your password for")
    assert message.body.startswith("Someone asked to reset the password of the account")


def test_an_email_only_notice_is_recorded_once_per_key(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = email_only(
            to="zm@example.cn", language="zh-hans", kind="password_reset", key="k", context={}
        )
        again = email_only(
            to="zm@example.cn", language="zh-hans", kind="password_reset", key="k", context={}
        )

    assert first is not None and again is None
    assert len(mail.outbox) == 1
    assert Notice.objects.get().recipient is None


def test_the_sweep_sends_a_reset_email_the_broker_missed(client, user_a, time_machine):
    client.post(reverse("password_reset"), {"email": user_a.email})  # on-commit hook lost

    time_machine.move_to(timezone.now() + timedelta(minutes=2), tick=False)
    assert deliver_pending_emails() == 1
    assert [m.to for m in mail.outbox] == [[user_a.email]]

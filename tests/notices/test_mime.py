"""The e-mails written by notices.mime say what Django's message says, and reach an SMTP server."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from notices import mime, services
from notices.models import Notice
from tests.factories import UserFactory
from tests.notices.factories import NoticeFactory

pytestmark = pytest.mark.django_db

LONG_SUBJECT = "关于2026年度会员企业年报报送及“民营企业服务月”活动安排的通知" * 3


def read(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def what_it_says(message) -> dict:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return {
        "from": str(message["From"]),
        "to": str(message["To"]),
        "subject": str(message["Subject"]).strip(),  # Django's long ones parse with a space
        "message-id": str(message["Message-ID"]),
        "x-notice": str(message["X-Notice"]),
        "text": text.replace("\r\n", "\n"),
        "html": html.replace("\r\n", "\n"),
        "type": message.get_content_type(),
    }


def written_by_mime(notice) -> bytes:
    text, html = services.render_email(notice)
    return mime.email_bytes(
        from_header=mime.address("延庆区工商联 <noreply@localhost>"),
        to=notice.email,
        subject=notice.subject,
        text=text,
        html=html,
        headers=services.email_headers(notice),
    )


@pytest.mark.parametrize("subject", ["通知 1", LONG_SUBJECT[:200], "Plain ASCII: a, b; c", ""])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@override_settings(DEFAULT_FROM_EMAIL="延庆区工商联 <noreply@localhost>")
def test_the_written_email_says_what_djangos_says(subject, language):
    notice = NoticeFactory(
        subject=subject,
        body="尊敬的会员：\n\n请于月底前提交年报。<b>不是标签</b> & 符号\n" + "长" * 300,
        link="/notices/",
        language=language,
    )
    django_message = read(services.build_email(notice).message().as_bytes())
    ours = read(written_by_mime(notice))

    assert what_it_says(ours) == what_it_says(django_message)
    assert what_it_says(ours)["subject"] == subject
    assert ours["Date"] is not None and ours["MIME-Version"] == "1.0"


def test_every_header_line_is_short_and_every_line_ends_in_crlf():
    notice = NoticeFactory(subject=LONG_SUBJECT[:200], body="正文" * 500)
    raw = written_by_mime(notice)

    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78


def test_an_address_outside_the_plain_shape_is_left_to_django():
    assert mime.can_write(to="a@example.com", headers={"X-Notice": "k:1"})
    assert not mime.can_write(to="张三@例子.中国", headers={"X-Notice": "k:1"})
    assert not mime.can_write(to="a@example.com", headers={"X-Notice": "k:1\r\nBcc: x@y.z"})


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_sink():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        DEFAULT_FROM_EMAIL="延庆区工商联 <noreply@localhost>",
    ):
        yield sink
    controller.stop()


def test_a_batch_goes_to_the_smtp_server_written_here_and_each_is_marked_sent(smtp_sink):
    plain = NoticeFactory(recipient=UserFactory(email="a@example.com"), subject="年报通知")
    other = NoticeFactory(recipient=None, email="张三@例子.中国", link="/reset/secret/")

    assert services.deliver_emails([plain.pk, other.pk]) == 2

    by_rcpt = {tuple(rcpt): (sender, read(content)) for sender, rcpt, content in smtp_sink.messages}
    sender, message = by_rcpt[("a@example.com",)]
    assert sender == "noreply@localhost"
    assert str(message["Subject"]) == "年报通知"
    assert str(message["From"]) == "延庆区工商联 <noreply@localhost>"
    assert message["Message-ID"] == services.message_id(plain.key)
    assert "正文" in message.get_body(("plain",)).get_content()
    assert len(by_rcpt) == 2  # the address that is not ASCII went through Django's message
    for notice in (plain, other):
        notice.refresh_from_db()
        assert notice.email_state == Notice.EmailState.SENT
        assert notice.email_sent_at is not None and notice.email_due_at is None
    assert other.link == ""  # an e-mail-only notice's link (a reset's secret) is not kept
    assert plain.link == ""  # (the factory's)

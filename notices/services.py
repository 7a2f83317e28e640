"""Recording and delivering notices. Every app sends through `notify`."""

import logging
from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import kinds
from .models import EmailOptOut, Notice

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 8
# A delivery claimed this long ago without finishing was lost with its worker.
STALE_SENDING_AFTER = timedelta(minutes=15)


def notify(*, recipient, kind: str, key: str, context: dict | None = None, link: str = ""):
    """Record a notice for `recipient` and queue its e-mail, once per `key`.

    Subject and text are rendered from templates/emails/<kind>/ in the recipient's language.
    Returns the notice, or None when one with this key already exists (nothing is sent again).
    Safe to call inside a transaction: the e-mail is queued only once it commits.
    """
    kinds.get(kind)  # an unregistered kind is a programming error
    if Notice.objects.filter(key=key).exists():
        return None
    context = {**(context or {}), "recipient": recipient, "link": absolute_url(link)}
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{kind}/subject.txt", context).split())
        body = render_to_string(f"emails/{kind}/body.txt", context).strip()
    wants_email = bool(recipient.email) and not (
        kinds.get(kind).optional and EmailOptOut.objects.filter(user=recipient, kind=kind).exists()
    )
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                recipient=recipient,
                kind=kind,
                key=key,
                subject=subject[:200],
                body=body,
                link=link,
                email_state=Notice.EmailState.PENDING if wants_email else Notice.EmailState.SKIPPED,
            )
    except IntegrityError:
        return None  # a concurrent run created it first
    if wants_email:
        from .tasks import send_notice_email

        transaction.on_commit(lambda: send_notice_email.delay(notice.pk))
    return notice


def absolute_url(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.SITE_URL + link


def deliver_email(notice_id: int) -> bool:
    """Send one notice's e-mail unless it was already sent; True when it went out now.

    The row is claimed (pending/failed → sending) in one UPDATE, so two workers handed the same
    notice never both send it. An SMTP error marks it failed and is re-raised for the retry.
    """
    claimed = Notice.objects.filter(
        pk=notice_id,
        email_state__in=[Notice.EmailState.PENDING, Notice.EmailState.FAILED],
    ).update(email_state=Notice.EmailState.SENDING, email_attempts=F("email_attempts") + 1)
    if not claimed:
        return False
    notice = Notice.objects.select_related("recipient").get(pk=notice_id)
    try:
        build_email(notice).send()
    except (SMTPException, OSError) as exc:
        state = (
            Notice.EmailState.GAVE_UP
            if notice.email_attempts >= MAX_EMAIL_ATTEMPTS
            else Notice.EmailState.FAILED
        )
        Notice.objects.filter(pk=notice_id).update(
            email_state=state, email_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        logger.warning("E-mail for notice %s failed (attempt %s)", notice_id, notice.email_attempts)
        raise
    Notice.objects.filter(pk=notice_id).update(
        email_state=Notice.EmailState.SENT, email_sent_at=timezone.now(), email_error=""
    )
    return True


def build_email(notice: Notice) -> EmailMultiAlternatives:
    recipient = notice.recipient
    context = {
        "notice": notice,
        "recipient": recipient,
        "link": absolute_url(notice.link),
        "PORTAL_NAME": settings.PORTAL_NAME,
    }
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        text = render_to_string("emails/base.txt", context)
        html = render_to_string("emails/base.html", context)
    message = EmailMultiAlternatives(
        subject=notice.subject, body=text, to=[recipient.email], headers={"X-Notice": notice.key}
    )
    message.attach_alternative(html, "text/html")
    return message


def due_email_ids(now=None, limit: int = 500) -> list[int]:
    """Notices whose e-mail should be (re)queued: waiting, failed, or lost with a worker."""
    now = now or timezone.now()
    stale = Notice.objects.filter(
        email_state=Notice.EmailState.SENDING, created_at__lt=now - STALE_SENDING_AFTER
    )
    stale.update(email_state=Notice.EmailState.FAILED)
    return list(
        Notice.objects.email_due()
        .filter(created_at__lt=now - timedelta(minutes=1), email_attempts__lt=MAX_EMAIL_ATTEMPTS)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def mark_read(notice: Notice) -> None:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])


def mark_all_read(user) -> int:
    return Notice.objects.for_user(user).unread().update(read_at=timezone.now())


def set_email_opt_outs(*, user, kinds_off: set[str]) -> None:
    """Replace the user's e-mail preferences: e-mail for every optional kind not in `kinds_off`."""
    optional = {k.code for k in kinds.all_kinds() if k.optional}
    kinds_off = kinds_off & optional
    with transaction.atomic():
        EmailOptOut.objects.filter(user=user).exclude(kind__in=kinds_off).delete()
        existing = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
        EmailOptOut.objects.bulk_create(
            [EmailOptOut(user=user, kind=k) for k in sorted(kinds_off - existing)]
        )

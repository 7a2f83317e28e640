"""Recording and delivering notices. Every app sends through `notify`."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import kinds
from .models import EmailOptOut, Notice

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 8
# The task's retry back-off (Celery's retry_backoff/retry_backoff_max, in seconds).
RETRY_BACKOFF = 30
RETRY_BACKOFF_MAX = 3600
# How long the sweep leaves an e-mail to the task already queued for it (on commit, or as a
# retry) before queueing it again itself.
SWEEP_GRACE = timedelta(minutes=1)
# A delivery claimed this long ago without finishing was lost with its worker (the task's hard
# time limit is far shorter).
STALE_SENDING_AFTER = timedelta(minutes=15)


def notify(*, recipient, kind: str, key: str, context: dict | None = None, link: str = ""):
    """Record a notice for `recipient` and queue its e-mail, once per `key`.

    Subject and text are rendered from templates/emails/<kind>/ in the recipient's language.
    Returns the notice, or None when one with this key already exists (nothing is sent again).
    Safe to call inside a transaction: the e-mail is queued only once it commits, and a broker
    that cannot be reached then loses nothing (the sweep queues it later).
    """
    kind_ = kinds.get(kind)  # an unregistered kind is a programming error
    if Notice.objects.filter(key=key).exists():
        return None
    context = {**(context or {}), "recipient": recipient, "link": absolute_url(link)}
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{kind}/subject.txt", context).split())
        body = render_to_string(f"emails/{kind}/body.txt", context).strip()
    wants_email = bool(recipient.email) and not (
        kind_.optional and EmailOptOut.objects.filter(user=recipient, kind=kind).exists()
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
                email_due_at=timezone.now() + SWEEP_GRACE if wants_email else None,
            )
    except IntegrityError:
        return None  # a concurrent run created it first
    if wants_email:
        # Robust: the notice is committed whatever happens here; if the broker is down the
        # request still succeeds, the other callbacks still run and the sweep sends it later.
        transaction.on_commit(lambda: queue_email(notice.pk), robust=True)
    return notice


def queue_email(notice_id: int) -> None:
    from .tasks import send_notice_email

    send_notice_email.delay(notice_id)


def notify_each(recipients, *, kind: str, key: str, context: dict | None = None, link=""):
    """`notify` every recipient once; each notice's key is `key` plus the recipient's id."""
    return [
        notify(recipient=r, kind=kind, key=f"{key}:{r.pk}", context=context, link=link)
        for r in recipients
    ]


def absolute_url(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.SITE_URL + link


def retry_delay_ceiling(attempts: int) -> timedelta:
    """The longest the task's own retry may wait after failed attempt number `attempts`."""
    return timedelta(seconds=min(RETRY_BACKOFF * 2 ** max(attempts - 1, 0), RETRY_BACKOFF_MAX))


def next_due_after_failure(*, attempts: int, now: datetime) -> datetime:
    """When the sweep should retry a failed e-mail if the task's own retry never came."""
    return now + retry_delay_ceiling(attempts) + SWEEP_GRACE


def deliver_email(notice_id: int) -> bool:
    """Send one notice's e-mail unless it was already sent; True when it went out now.

    The row is claimed (pending/failed, or a long-lost claim → sending) in one UPDATE, so two
    workers handed the same notice never both send it. A failure marks it failed (or given up
    after MAX_EMAIL_ATTEMPTS) and is re-raised for the task's retry.
    """
    now = timezone.now()
    claimed = (
        Notice.objects.filter(pk=notice_id, email_attempts__lt=MAX_EMAIL_ATTEMPTS)
        .filter(
            Q(email_state__in=[Notice.EmailState.PENDING, Notice.EmailState.FAILED])
            | Q(email_state=Notice.EmailState.SENDING, email_due_at__lte=now)
        )
        .update(
            email_state=Notice.EmailState.SENDING,
            email_attempts=F("email_attempts") + 1,
            email_due_at=now + STALE_SENDING_AFTER,
        )
    )
    if not claimed:
        return False
    notice = Notice.objects.select_related("recipient").get(pk=notice_id)
    try:
        build_email(notice).send()
    except Exception as exc:
        record_email_failure(notice, exc)
        raise
    Notice.objects.filter(pk=notice_id).update(
        email_state=Notice.EmailState.SENT,
        email_sent_at=timezone.now(),
        email_due_at=None,
        email_error="",
    )
    return True


def record_email_failure(notice: Notice, exc: Exception) -> None:
    if notice.email_attempts >= MAX_EMAIL_ATTEMPTS:
        state, due = Notice.EmailState.GAVE_UP, None
    else:
        state = Notice.EmailState.FAILED
        due = next_due_after_failure(attempts=notice.email_attempts, now=timezone.now())
    Notice.objects.filter(pk=notice.pk).update(
        email_state=state, email_due_at=due, email_error=f"{type(exc).__name__}: {exc}"[:300]
    )
    logger.warning("E-mail for notice %s failed (attempt %s)", notice.pk, notice.email_attempts)


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


def due_email_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Notices whose e-mail should be (re)queued now: see `NoticeQuerySet.email_due`."""
    now = now or timezone.now()
    due = Notice.objects.email_due(now)
    # A worker lost during the last allowed attempt: nothing will claim the row again.
    due.filter(
        email_state=Notice.EmailState.SENDING, email_attempts__gte=MAX_EMAIL_ATTEMPTS
    ).update(email_state=Notice.EmailState.GAVE_UP, email_due_at=None)
    return list(
        due.filter(email_attempts__lt=MAX_EMAIL_ATTEMPTS)
        .order_by("email_due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def mark_read(*, notice: Notice) -> None:
    """Mark one notice read; the first time it was opened is kept."""
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])


def mark_all_read(*, user) -> int:
    """Mark every unread notice of `user` read; returns how many there were."""
    return Notice.objects.visible_to(user).unread().update(read_at=timezone.now())


def set_email_opt_outs(*, user, kinds_off: set[str]) -> None:
    """Replace the user's e-mail preferences: e-mail for every optional kind not in `kinds_off`."""
    optional = {k.code for k in kinds.all_kinds() if k.optional}
    kinds_off = kinds_off & optional
    with transaction.atomic():
        EmailOptOut.objects.filter(user=user).exclude(kind__in=kinds_off).delete()
        # ignore_conflicts: the same form submitted twice at once must not fail.
        EmailOptOut.objects.bulk_create(
            [EmailOptOut(user=user, kind=k) for k in sorted(kinds_off)], ignore_conflicts=True
        )

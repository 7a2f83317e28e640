"""Recording and delivering notices. Every app sends through `notify` (one user),
`notify_each` (many users at once) or `email_only` (an address without an account)."""

import hashlib
import logging
from datetime import datetime, timedelta
from functools import cache
from smtplib import SMTPRecipientsRefused
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, When
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from . import kinds
from .models import EmailOptOut, Notice

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 8
# Back-off after a failed attempt: 30 s doubling up to an hour (the sweep retries it then).
RETRY_BACKOFF = 30
RETRY_BACKOFF_MAX = 3600
# How long the sweep leaves a new e-mail to the task queued for it on commit before queueing
# it again itself (a broker that was down, a queued task lost with its worker).
SWEEP_GRACE = timedelta(minutes=1)
# E-mails per sending task, sent over one SMTP connection. Measured in bench/notices.py: a
# connection per message drained 83 e-mails/s; batches of 100 keep the queue short and lose at
# most one batch's claims per worker process to a crash, each claim resumed within
# STALE_SENDING_AFTER + a sweep.
EMAIL_BATCH = 100
# The sending task's hard time limit: a worker alive holds a claim no longer than this.
SEND_TIME_LIMIT = 45
# A claim this old was lost with its worker (it is longer than SEND_TIME_LIMIT); the sweep,
# every SWEEP_EVERY, queues it again: an interrupted e-mail goes out within 90 s.
STALE_SENDING_AFTER = timedelta(seconds=60)
SWEEP_EVERY = timedelta(seconds=30)
# A fan-out's e-mails wait behind every other task, the sweep's retries and resumed claims
# included (Redis serves priority 0, the default, first; 9 last). Measured with
# bench/notices.py --kill: queued after a fan-out's backlog, the claims a crash left were sent
# minutes late on a loaded machine.
FAN_OUT_PRIORITY = 9
# The most e-mails one sweep queues; the next sweep takes the rest.
SWEEP_LIMIT = 50_000


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
    wants_email = bool(recipient.email) and not (
        kind_.optional and EmailOptOut.objects.filter(user=recipient, kind=kind).exists()
    )
    return _record_one(
        _new_notice(
            kind=kind,
            key=key,
            recipient=recipient,
            email=recipient.email if wants_email else "",
            language=language_of(recipient),
            rendered=render_notice(kind, context, recipient, language_of(recipient), link),
            link=link,
        )
    )


def email_only(
    *, to: str, language: str, kind: str, key: str, context: dict | None = None, link: str = ""
):
    """E-mail someone who has no inbox (a password reset, an invitee without an account).

    Recorded and sent like a notice — queued, retried, once per `key` — but no inbox shows it;
    `context["recipient"]`, when the templates greet someone, is whatever has a `real_name`.
    """
    kinds.get(kind)
    if Notice.objects.filter(key=key).exists():
        return None
    recipient = (context or {}).get("recipient")
    return _record_one(
        _new_notice(
            kind=kind,
            key=key,
            recipient=None,
            email=to,
            language=language,
            rendered=render_notice(kind, context, recipient, language, link),
            link=link,
        )
    )


def _record_one(notice: Notice) -> Notice | None:
    try:
        with transaction.atomic():
            notice.save(force_insert=True)
    except IntegrityError:
        return None  # a concurrent run created it first
    if notice.email_state == Notice.EmailState.PENDING:
        # Robust: the notice is committed whatever happens here; if the broker is down the
        # request still succeeds, the other callbacks still run and the sweep sends it later.
        transaction.on_commit(lambda: queue_emails([notice.pk]), robust=True)
    return notice


def notify_each(recipients, *, kind: str, key: str, context: dict | None = None, link=""):
    """`notify` every recipient once; each notice's key is `key` plus the recipient's id.

    In bulk: one query for the keys already there, one for the opt-outs, the rows inserted a
    thousand at a time (a key recorded meanwhile by a concurrent run is skipped), and the
    e-mails queued in batches once the transaction commits. Subject and text are rendered once
    per language unless the templates mention the recipient. Returns, per recipient, the new
    notice or None when it existed already.
    """
    kind_ = kinds.get(kind)
    recipients = list(recipients)
    keys = [f"{key}:{r.pk}" for r in recipients]
    existing = set(Notice.objects.filter(key__in=keys).values_list("key", flat=True))
    opted_out = (
        set(
            EmailOptOut.objects.filter(kind=kind, user__in=[r.pk for r in recipients]).values_list(
                "user_id", flat=True
            )
        )
        if kind_.optional
        else set()
    )
    personal = mentions_recipient(kind)
    rendered_in = {}  # language -> (subject, body), for texts the same for everyone
    new = {}
    for recipient, notice_key in zip(recipients, keys, strict=True):
        if notice_key in existing or notice_key in new:
            continue
        language = language_of(recipient)
        if personal:
            rendered = render_notice(kind, context, recipient, language, link)
        else:
            if language not in rendered_in:
                rendered_in[language] = render_notice(kind, context, None, language, link)
            rendered = rendered_in[language]
        wants_email = bool(recipient.email) and recipient.pk not in opted_out
        new[notice_key] = _new_notice(
            kind=kind,
            key=notice_key,
            recipient=recipient,
            email=recipient.email if wants_email else "",
            language=language,
            rendered=rendered,
            link=link,
        )
    Notice.objects.bulk_create(new.values(), batch_size=1000, ignore_conflicts=True)
    # ignore_conflicts leaves the primary keys unset: ours are the rows with our public ids.
    inserted = dict(
        Notice.objects.filter(key__in=new).values_list("public_id", "pk").iterator(2000)
    )
    to_send = []
    for notice in new.values():
        notice.pk = inserted.get(notice.public_id)
        if notice.pk and notice.email_state == Notice.EmailState.PENDING:
            to_send.append(notice.pk)
    if to_send:
        transaction.on_commit(lambda: queue_emails(to_send, priority=FAN_OUT_PRIORITY), robust=True)
    result = []
    for k in keys:
        notice = new.pop(k, None)  # a recipient listed twice gets it once
        result.append(notice if notice is not None and notice.pk else None)
    return result


def _new_notice(*, kind, key, recipient, email, language, rendered, link) -> Notice:
    subject, body = rendered
    return Notice(
        recipient=recipient,
        email=email,
        language=language,
        kind=kind,
        key=key,
        subject=subject,
        body=body,
        link=link,
        email_state=Notice.EmailState.PENDING if email else Notice.EmailState.SKIPPED,
        email_due_at=timezone.now() + SWEEP_GRACE if email else None,
    )


def language_of(user) -> str:
    return user.language or settings.LANGUAGE_CODE


def render_notice(kind: str, context, recipient, language: str, link: str) -> tuple[str, str]:
    """The subject and text of a notice of `kind` in `language`."""
    context = {**(context or {}), "recipient": recipient, "link": absolute_url(link)}
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{kind}/subject.txt", context).split())
        body = render_to_string(f"emails/{kind}/body.txt", context).strip()
    return subject[:200], body


@cache
def mentions_recipient(kind: str) -> bool:
    """Whether a kind's subject or text differs by recipient ("Dear {{ name }}")."""
    return any(
        "recipient" in get_template(f"emails/{kind}/{part}.txt").template.source
        for part in ("subject", "body")
    )


def queue_emails(notice_ids, *, priority: int | None = None) -> None:
    """Queue the e-mails of these notices, EMAIL_BATCH to a task."""
    from .tasks import send_notice_emails

    notice_ids = list(notice_ids)
    for start in range(0, len(notice_ids), EMAIL_BATCH):
        send_notice_emails.apply_async(
            (notice_ids[start : start + EMAIL_BATCH],), priority=priority
        )


def absolute_url(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.SITE_URL + link


def retry_delay(attempts: int) -> timedelta:
    """How long a failed e-mail waits after failed attempt number `attempts`."""
    return timedelta(seconds=min(RETRY_BACKOFF * 2 ** max(attempts - 1, 0), RETRY_BACKOFF_MAX))


def deliver_emails(notice_ids) -> int:
    """Send these notices' e-mails over one SMTP connection, each at most once; the number sent.

    The rows are claimed (pending/failed, or a claim older than STALE_SENDING_AFTER → sending)
    in one transaction that skips rows another worker holds, so two workers handed the same
    notice never both send it. Each e-mail is marked sent as soon as the server took it: a
    crash can repeat only the message on the wire at that instant, with the same Message-ID.
    A failure marks the notice failed (or given up after MAX_EMAIL_ATTEMPTS) for the sweep to
    retry after its back-off; a failing server stops the batch and fails the rest with it.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            Notice.objects.filter(pk__in=notice_ids, email_attempts__lt=MAX_EMAIL_ATTEMPTS)
            .filter(
                Q(email_state__in=[Notice.EmailState.PENDING, Notice.EmailState.FAILED])
                | Q(email_state=Notice.EmailState.SENDING, email_due_at__lte=now)
            )
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        Notice.objects.filter(pk__in=claimed).update(
            email_state=Notice.EmailState.SENDING,
            email_attempts=F("email_attempts") + 1,
            email_due_at=now + STALE_SENDING_AFTER,
        )
    if not claimed:
        return 0
    notices = list(Notice.objects.filter(pk__in=claimed).order_by("pk"))
    connection = get_connection()
    try:
        connection.open()
    except OSError as exc:  # the server cannot be reached: the batch waits for its back-off
        record_email_failure(notices, exc)
        return 0
    sent = 0
    try:
        for index, notice in enumerate(notices):
            try:
                build_email(notice, connection=connection).send()
            except SoftTimeLimitExceeded:
                # Out of time: the rest go back, due now (the one on the wire may go again,
                # with the same Message-ID, as after a crash).
                release_claims(notices[index:])
                raise
            except SMTPRecipientsRefused as exc:  # this address only: the others go on
                record_email_failure([notice], exc)
                continue
            except OSError as exc:  # other SMTP errors too: the server or the way to it failed
                record_email_failure(notices[index:], exc)
                break
            except Exception as exc:  # noqa: BLE001  (this notice's own problem: recorded, the rest go on)
                record_email_failure([notice], exc)
                continue
            record_sent(notice)
            sent += 1
    finally:
        connection.close()
    return sent


def release_claims(notices: list[Notice]) -> None:
    """Give claims back unused: pending and due now, the attempt not counted."""
    Notice.objects.filter(
        pk__in=[n.pk for n in notices], email_state=Notice.EmailState.SENDING
    ).update(
        email_state=Notice.EmailState.PENDING,
        email_attempts=F("email_attempts") - 1,
        email_due_at=timezone.now(),
    )


def record_sent(notice: Notice) -> None:
    """Mark one e-mail sent, at once: a crash can then repeat only the message on the wire.

    Without waiting for the WAL to reach the disk (PostgreSQL's synchronous_commit off, for
    this transaction only): measured in bench/notices.py, the flush of one commit per e-mail
    held delivery to about 80 e-mails/s. A crash of the worker loses nothing by it; only a
    crash of the database server itself can forget the last fraction of a second of marks,
    whose e-mails would then go again, with the same Message-ID.
    """
    done = {"email_state": Notice.EmailState.SENT, "email_sent_at": timezone.now()}
    if notice.recipient_id is None:
        done["link"] = ""  # no inbox shows it; it may be a password reset's secret
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        Notice.objects.filter(pk=notice.pk).update(email_due_at=None, email_error="", **done)


def record_email_failure(notices: list[Notice], exc: Exception) -> None:
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:300]
    for notice in notices:
        done = {}
        if notice.email_attempts >= MAX_EMAIL_ATTEMPTS:
            state, due = Notice.EmailState.GAVE_UP, None
            if notice.recipient_id is None:
                done["link"] = ""  # never sent now; it may be a password reset's secret
        else:
            state, due = Notice.EmailState.FAILED, now + retry_delay(notice.email_attempts)
        Notice.objects.filter(pk=notice.pk).update(
            email_state=state, email_due_at=due, email_error=error, **done
        )
    logger.warning("E-mail for %s notice(s) failed: %s", len(notices), error)


def message_id(key: str) -> str:
    """The e-mail's Message-ID, the same for every attempt: a repeat is recognised as one."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}.notice@{urlsplit(settings.SITE_URL).hostname or 'localhost'}>"


def build_email(notice: Notice, *, connection=None) -> EmailMultiAlternatives:
    context = {
        "notice": notice,
        "link": absolute_url(notice.link),
        "PORTAL_NAME": settings.PORTAL_NAME,
    }
    with translation.override(notice.language):
        text = render_to_string("emails/base.txt", context)
        html = render_to_string("emails/base.html", context)
    message = EmailMultiAlternatives(
        subject=notice.subject,
        body=text,
        to=[notice.email],
        headers={"X-Notice": notice.key, "Message-ID": message_id(notice.key)},
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def queue_due_emails() -> int:
    """The sweep: queue every e-mail that is due; lost claims and failures at the default
    priority, e-mails never claimed (a fan-out's backlog, mostly still in the queue) behind
    everything else, where their first tasks are. Returns how many were queued."""
    ids = due_email_ids()
    never_claimed = set(
        Notice.objects.filter(pk__in=ids, email_state=Notice.EmailState.PENDING).values_list(
            "pk", flat=True
        )
    )
    queue_emails([pk for pk in ids if pk not in never_claimed])
    queue_emails([pk for pk in ids if pk in never_claimed], priority=FAN_OUT_PRIORITY)
    return len(ids)


def due_email_ids(*, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> list[int]:
    """Notices whose e-mail should be (re)queued now: see `NoticeQuerySet.email_due`."""
    now = now or timezone.now()
    due = Notice.objects.email_due(now)
    # A worker lost during the last allowed attempt: nothing will claim the row again.
    due.filter(
        email_state=Notice.EmailState.SENDING, email_attempts__gte=MAX_EMAIL_ATTEMPTS
    ).update(email_state=Notice.EmailState.GAVE_UP, email_due_at=None)
    # Lost claims and failures first, then e-mails never seen sent: after a crash in a large
    # fan-out, the many still waiting in the queue pass their grace too, and the deliveries
    # the crash interrupted must not wait behind them (bench/notices.py --kill).
    never_claimed = Case(When(email_state=Notice.EmailState.PENDING, then=1), default=0)
    return list(
        due.filter(email_attempts__lt=MAX_EMAIL_ATTEMPTS)
        .order_by(never_claimed, "email_due_at", "pk")
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

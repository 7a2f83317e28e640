"""Recording and delivering notices. Every app sends through `notify` (one user),
`notify_each` (many users at once) or `email_only` (an address without an account).

The rule: a notice to one person is written at once, in the caller's transaction (one row,
as cheap as recording that it is to be written); a notice to several people because of one
action — all staff, an enterprise's users, everyone registered for an event, a staff
message — goes through `notify_each`, which records one fan-out row and leaves the writing
to a Celery task. What is told person by person, each with their own context, stays
`notify` in a loop: the scheduled scans, already in a worker (a reminder naming the reader's
own registration, a petition's handler and leads, a month's chair), the invitations job
(each invitation claimed once), and the few people a freed seat promotes from a waiting
list. E-mails are always sent by tasks, never in the caller.
"""

import hashlib
import logging
from datetime import date, datetime, timedelta
from functools import cache
from smtplib import SMTPRecipientsRefused
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import Case, F, Model, Q, QuerySet, When
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from . import kinds, mime
from .models import EmailOptOut, FanOut, Notice

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
# A fan-out's notices are written this many recipients to a transaction (and a query each).
FAN_OUT_BATCH = 1000
# A fan-out's task renews its claim after each batch (a second or so); one not renewed this
# long was lost with its worker, and the sweep queues it again.
STALE_FAN_OUT_AFTER = timedelta(seconds=60)
# A fan-out taken up this often without finishing (its task fails each time) is given up.
MAX_FAN_OUT_ATTEMPTS = 5
# Fan-outs done are deleted by the sweep after this long (their notices stay).
FAN_OUT_KEEP = timedelta(days=7)
# Up to this many recipients, a fan-out whose notices all exist already is not recorded.
CHECK_RECORDED_UP_TO = 1000
MODEL_REF, DATE_REF, DATETIME_REF = "__model__", "__date__", "__datetime__"


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


def notify_each(recipients, *, kind: str, key: str, context: dict | None = None, link="") -> int:
    """Notify every recipient once, in the background; each notice's key is `key` plus the
    recipient's id. Returns how many recipients are to be told (0 when there is nobody, or,
    up to CHECK_RECORDED_UP_TO recipients, when every one has the notice already).

    Nothing is written for the recipients here: one `FanOut` row records that they are to be
    told, in the caller's transaction (it commits or rolls back with the action that caused
    it), and its task (`notices.tasks.fan_out`) is queued once that commits; the task writes
    the notices in bulk (`write_fan_out`). A broker down then, or a worker killed in it, loses
    nothing: the sweep queues a fan-out whose task did not finish. Model instances in
    `context` are passed by reference and read again by the task (`pack_context`). A single
    recipient is simply `notify`-ed: one row either way.
    """
    kinds.get(kind)  # an unregistered kind is a programming error
    recipients = recipients if isinstance(recipients, QuerySet) else list(recipients)
    ids = recipient_ids(recipients)
    if len(ids) == 1:
        given = [] if isinstance(recipients, QuerySet) else recipients
        only = next((r for r in given if isinstance(r, Model)), None)
        if only is None:
            only = get_user_model().objects.get(pk=ids[0])
        notice = notify(
            recipient=only, kind=kind, key=f"{key}:{only.pk}", context=context, link=link
        )
        return int(notice is not None)
    if len(ids) <= CHECK_RECORDED_UP_TO:  # a scan run again: nothing new, no row either
        keys = [f"{key}:{pk}" for pk in ids]
        if Notice.objects.filter(key__in=keys).count() == len(ids):
            return 0
    fan_out = FanOut.objects.create(
        kind=kind,
        key=key,
        context=pack_context(context or {}),
        link=link,
        recipient_ids=ids,
        due_at=timezone.now() + SWEEP_GRACE,
    )
    transaction.on_commit(lambda: queue_fan_out(fan_out.pk), robust=True)
    return len(ids)


def recipient_ids(recipients) -> list[int]:
    """The users' ids, each once, in order: from users, their ids, or a queryset (read for
    its ids only)."""
    if isinstance(recipients, QuerySet):
        ids = recipients.values_list("pk", flat=True)
    else:
        ids = (r if isinstance(r, int) else r.pk for r in recipients)
    return list(dict.fromkeys(ids))


def queue_fan_out(fan_out_id: int) -> None:
    from .tasks import fan_out

    fan_out.delay(fan_out_id)


def write_fan_out(fan_out_id: int, *, send_emails: bool = True) -> int:
    """Write a fan-out's notices, FAN_OUT_BATCH recipients at a time; the number written.

    Claimed first (a second task for the same fan-out, queued by the sweep while the first
    still runs, does nothing); each batch is one transaction, its e-mails queued once it has
    committed, and renews the claim. Run again after a crash, it writes only the notices the
    crash left unwritten (their keys are unique), and the sweep queues the e-mails of notices
    written whose queueing was lost. The queries are the same for every batch.
    `send_emails=False` writes the notices without queueing their e-mails: the demo writing
    its past, whose notices are not e-mailed (demo/clock.py).
    """
    now = timezone.now()
    claimed = (
        FanOut.objects.filter(pk=fan_out_id, done_at__isnull=True)
        .filter(attempts__lt=MAX_FAN_OUT_ATTEMPTS)
        .filter(Q(attempts=0) | Q(due_at__lte=now))
        .update(attempts=F("attempts") + 1, due_at=now + STALE_FAN_OUT_AFTER)
    )
    if not claimed:
        return 0
    fan_out = FanOut.objects.get(pk=fan_out_id)
    context = unpack_context(fan_out.context)
    rendered_in = {}  # language -> (subject, body), for texts the same for everyone
    written = 0
    ids = fan_out.recipient_ids
    for start in range(0, len(ids), FAN_OUT_BATCH):
        with transaction.atomic():
            new = _write_batch(fan_out, ids[start : start + FAN_OUT_BATCH], context, rendered_in)
            FanOut.objects.filter(pk=fan_out.pk).update(due_at=timezone.now() + STALE_FAN_OUT_AFTER)
        written += len(new)
        to_send = [pk for pk, state in new if state == Notice.EmailState.PENDING]
        if to_send and send_emails:
            queue_emails(to_send, priority=FAN_OUT_PRIORITY)
    FanOut.objects.filter(pk=fan_out.pk).update(done_at=timezone.now(), due_at=None, error="")
    return written


def _write_batch(fan_out: FanOut, ids, context, rendered_in) -> list[tuple[int, str]]:
    """Insert the notices of these recipients not yet recorded; (id, e-mail state) of each."""
    kind, key, link = fan_out.kind, fan_out.key, fan_out.link
    recipients = list(
        get_user_model()
        .objects.filter(pk__in=ids)
        .only("pk", "email", "language", "real_name")
        .order_by("pk")
    )
    keys = {r.pk: f"{key}:{r.pk}" for r in recipients}
    existing = set(Notice.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    recipients = [r for r in recipients if keys[r.pk] not in existing]
    if not recipients:
        return []
    opted_out = (
        set(
            EmailOptOut.objects.filter(kind=kind, user__in=[r.pk for r in recipients]).values_list(
                "user_id", flat=True
            )
        )
        if kinds.get(kind).optional
        else set()
    )
    personal = mentions_recipient(kind)
    new = []
    for recipient in recipients:
        language = language_of(recipient)
        if personal:
            rendered = render_notice(kind, context, recipient, language, link)
        else:
            if language not in rendered_in:
                rendered_in[language] = render_notice(kind, context, None, language, link)
            rendered = rendered_in[language]
        wants_email = bool(recipient.email) and recipient.pk not in opted_out
        new.append(
            _new_notice(
                kind=kind,
                key=keys[recipient.pk],
                recipient=recipient,
                email=recipient.email if wants_email else "",
                language=language,
                rendered=rendered,
                link=link,
            )
        )
    # A key recorded meanwhile (by another run) is skipped; ours are the rows with our ids.
    Notice.objects.bulk_create(new, batch_size=FAN_OUT_BATCH, ignore_conflicts=True)
    return list(
        Notice.objects.filter(public_id__in=[n.public_id for n in new]).values_list(
            "pk", "email_state"
        )
    )


def queue_due_fan_outs(now: datetime | None = None) -> int:
    """The sweep's part for fan-outs: queue again each one whose task was lost (never run,
    or its worker died: its claim was not renewed), give up on those tried
    MAX_FAN_OUT_ATTEMPTS times, and delete those done more than FAN_OUT_KEEP ago. Returns
    how many were queued."""
    now = now or timezone.now()
    due = FanOut.objects.filter(done_at__isnull=True, due_at__lte=now)
    for fan_out in due.filter(attempts__gte=MAX_FAN_OUT_ATTEMPTS).only("pk", "kind", "key"):
        logger.error("Fan-out %s (%s %s) given up", fan_out.pk, fan_out.kind, fan_out.key)
    due.filter(attempts__gte=MAX_FAN_OUT_ATTEMPTS).update(
        due_at=None, error="given up after repeated attempts"
    )
    FanOut.objects.filter(done_at__lt=now - FAN_OUT_KEEP).delete()
    waiting = list(due.order_by("pk").values_list("pk", flat=True)[:SWEEP_LIMIT])
    for pk in waiting:
        queue_fan_out(pk)
    return len(waiting)


def pack_context(value):
    """A template context made storable as JSON: model instances as references (read again
    by `unpack_context`), dates and times as text; strings, numbers, lists and dicts as
    they are. Anything else is a programming error."""
    if isinstance(value, Model):
        return {MODEL_REF: value._meta.label_lower, "pk": value.pk}
    if isinstance(value, dict):
        return {str(k): pack_context(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [pack_context(v) for v in value]
    if isinstance(value, datetime):
        return {DATETIME_REF: value.isoformat()}
    if isinstance(value, date):
        return {DATE_REF: value.isoformat()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"A notice's context cannot hold {type(value).__name__}: {value!r}")


def unpack_context(value):
    if isinstance(value, list):
        return [unpack_context(v) for v in value]
    if not isinstance(value, dict):
        return value
    if MODEL_REF in value:
        model = apps.get_model(value[MODEL_REF])
        return model._base_manager.filter(pk=value["pk"]).first()
    if DATETIME_REF in value:
        return datetime.fromisoformat(value[DATETIME_REF])
    if DATE_REF in value:
        return date.fromisoformat(value[DATE_REF])
    return {k: unpack_context(v) for k, v in value.items()}


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
    fast_marks = db_connection.vendor == "postgresql"
    if fast_marks:
        set_synchronous_commit(False)
    try:
        for index, notice in enumerate(notices):
            try:
                send_email(notice, connection)
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
        try:
            if fast_marks:  # first: a failing close must not leave the session's setting off
                set_synchronous_commit(True)
        finally:
            connection.close()
    return sent


def set_synchronous_commit(on: bool) -> None:
    """While a batch is sent, this session's commits do not wait for the WAL to reach the
    disk (see `record_sent`); back to the server's setting after it. Inside a transaction
    (the tests') SET is undone with it."""
    with db_connection.cursor() as cursor:
        cursor.execute("RESET synchronous_commit" if on else "SET synchronous_commit = off")


def send_email(notice: Notice, backend) -> None:
    """Send one notice's e-mail over the open `backend`: written by `notices.mime` and given
    straight to the SMTP connection when the backend is SMTP, else built by Django (the
    tests' in-memory outbox, the console in development)."""
    smtp = getattr(backend, "connection", None) if isinstance(backend, SMTPBackend) else None
    headers = email_headers(notice)
    if smtp is None or not mime.can_write(to=notice.email, headers=headers):
        build_email(notice, connection=backend).send()
        return
    text, html = render_email(notice)
    smtp.sendmail(
        mime.envelope_sender(settings.DEFAULT_FROM_EMAIL),
        [notice.email],
        mime.email_bytes(
            from_header=mime.address(settings.DEFAULT_FROM_EMAIL),
            to=notice.email,
            subject=notice.subject,
            text=text,
            html=html,
            headers=headers,
            localtime=settings.EMAIL_USE_LOCALTIME,
        ),
    )


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

    One UPDATE, committed on its own, without waiting for the WAL to reach the disk
    (PostgreSQL's synchronous_commit off for the batch, `deliver_emails`): measured in
    bench/notices.py, the flush of one commit per e-mail held delivery to about 80 e-mails/s,
    and the ORM's update cost more CPU than the statement. A crash of the worker loses nothing
    by it; only a crash of the database server itself can forget the last fraction of a second
    of marks, whose e-mails would then go again, with the same Message-ID.
    """
    # An e-mail to no account keeps nothing once sent: its link may be a password reset's
    # secret, its body an error report's request.
    link = ", link = '', body = ''" if notice.recipient_id is None else ""
    table = db_connection.ops.quote_name(Notice._meta.db_table)
    with db_connection.cursor() as cursor:
        cursor.execute(
            # The table's name quoted, as the ORM writes it: the page cache's stamps find the
            # tables a raw statement writes by their quoted names (core/stamps.py).
            f"UPDATE {table} SET email_state = %s, email_sent_at = %s,"  # noqa: S608
            f" email_due_at = NULL, email_error = ''{link} WHERE id = %s",
            [Notice.EmailState.SENT, timezone.now(), notice.pk],
        )


def record_email_failure(notices: list[Notice], exc: Exception) -> None:
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:300]
    for notice in notices:
        done = {}
        if notice.email_attempts >= MAX_EMAIL_ATTEMPTS:
            state, due = Notice.EmailState.GAVE_UP, None
            if notice.recipient_id is None:
                done.update(link="", body="")  # never sent now: as if sent (record_sent)
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


def email_headers(notice: Notice) -> dict[str, str]:
    return {"X-Notice": notice.key, "Message-ID": message_id(notice.key)}


def render_email(notice: Notice) -> tuple[str, str]:
    """The e-mail's text and HTML around the notice's subject and text, in its language."""
    context = {
        "notice": notice,
        "link": absolute_url(notice.link),
        "PORTAL_NAME": settings.PORTAL_NAME,
    }
    with translation.override(notice.language):
        return (
            render_to_string("emails/base.txt", context),
            render_to_string("emails/base.html", context),
        )


def build_email(notice: Notice, *, connection=None) -> EmailMultiAlternatives:
    text, html = render_email(notice)
    message = EmailMultiAlternatives(
        subject=notice.subject,
        body=text,
        to=[notice.email],
        headers=email_headers(notice),
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

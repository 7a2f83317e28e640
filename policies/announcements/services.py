"""Writing, sending and following up announcements: every change goes through here."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.services import TransitionError
from notices.services import notify_each

from . import audience, html
from .models import Announcement, AnnouncementAttachment, Receipt, Segment

ANNOUNCEMENT_FIELDS = ["kind", "title", "body", "is_public"]
# Receipts are written this many to a statement.
RECEIPT_BATCH = 2000


def _only(fields: dict) -> dict:
    unknown = set(fields) - set(ANNOUNCEMENT_FIELDS)
    if unknown:
        raise TypeError(f"Not announcement fields: {sorted(unknown)}")
    return fields


def save_draft(
    *, actor, announcement=None, criteria: dict, segment=None, save_as="", files=(), **fields
) -> Announcement:
    """Write a new draft or change a draft: its text (sanitised), audience and attachments.

    `criteria` are the audience's (a saved `segment`'s, when one is chosen); `save_as` names a
    new saved segment holding them. Only a draft is changed: a scheduled announcement is taken
    back to a draft first, a sent one never changes."""
    fields = _only(fields)
    fields["body"] = html.clean(fields.get("body", ""))
    criteria = audience.clean_criteria(segment.criteria if segment else criteria)
    with transaction.atomic():
        if announcement is None:
            announcement = Announcement(created_by=actor)
        else:
            announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
            if not announcement.is_draft:
                raise TransitionError(_("Only a draft can be changed."))
        if save_as:
            segment = _save_segment(actor=actor, name=save_as, criteria=criteria)
        for name, value in fields.items():
            setattr(announcement, name, value)
        announcement.audience = criteria
        announcement.segment = segment
        announcement.save()
        save_attachments(announcement=announcement, files=files)
    return announcement


def _save_segment(*, actor, name: str, criteria: dict) -> Segment:
    name = name.strip()
    if not criteria:
        raise TransitionError(_("Choose whom the segment reaches before saving it."))
    try:
        with transaction.atomic():
            return Segment.objects.create(name=name, criteria=criteria, created_by=actor)
    except IntegrityError:
        raise TransitionError(
            _("A saved segment named “%(name)s” exists already.") % {"name": name}
        ) from None


def save_attachments(*, announcement, files) -> list[AnnouncementAttachment]:
    saved = []
    for upload in files or []:
        attachment = AnnouncementAttachment(
            announcement=announcement,
            original_name=(upload.name or "file")[-200:],
            size=upload.size,
            content_type=getattr(upload, "content_type", "") or "application/octet-stream",
        )
        attachment.file.save(upload.name or "file", upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def schedule(*, actor, announcement, send_at: datetime | None = None) -> Announcement:
    """Send a draft now (`send_at` None or past) or at `send_at`.

    Either way the announcement becomes scheduled: sent now, its delivery is queued once this
    commits; later, the beat sweep (`deliver_due`) sends it when due. Refused when nobody
    would receive it."""
    now = timezone.now()
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if not announcement.is_draft:
            raise TransitionError(_("This announcement has been scheduled or sent already."))
        if not audience.count(announcement.audience):
            raise TransitionError(
                _("Nobody would receive this announcement: choose whom it is for.")
            )
        announcement.status = Announcement.Status.SCHEDULED
        announcement.send_at = max(send_at or now, now)
        announcement.save(update_fields=["status", "send_at", "updated_at"])
        if announcement.send_at <= now:
            pk, queued_for = announcement.pk, announcement.send_at.isoformat()
            transaction.on_commit(lambda: queue_delivery(pk, queued_for), robust=True)
    return announcement


def unschedule(*, actor, announcement) -> Announcement:
    """Take a scheduled announcement back to a draft (to change it or its time)."""
    updated = Announcement.objects.filter(
        pk=announcement.pk, status=Announcement.Status.SCHEDULED
    ).update(status=Announcement.Status.DRAFT, send_at=None, updated_at=timezone.now())
    if not updated:
        raise TransitionError(_("Only an announcement not yet sent can go back to a draft."))
    announcement.refresh_from_db()
    return announcement


def queue_delivery(announcement_id: int, queued_for: str | None = None) -> None:
    from .tasks import deliver_announcement

    deliver_announcement.delay(announcement_id, queued_for)


def deliver(
    announcement_id: int, now: datetime | None = None, *, queued_for: datetime | None = None
) -> int:
    """Send a due announcement to its recipients, exactly once; the number told (0 when it
    was not due or another run sent it).

    Due means `send_at` on or before `now`; or, for the task queued by "send now", still
    scheduled for the very `queued_for` it was queued with: the web server's clock set that
    time, and a worker whose clock runs behind must not wait for the sweep (a draft taken back
    and scheduled anew has another time, so a stale task sends nothing).
    One transaction: the claim (scheduled → sent, a conditional update that a concurrent run
    waits on and then finds done), a receipt per recipient, and one fan-out row for
    `notify_each`, whose task writes each inbox notice and e-mail once (keyed per recipient).
    A worker killed midway leaves it scheduled, for the next sweep."""
    now = now or timezone.now()
    if queued_for is None:
        due = Announcement.objects.due(now)
    else:
        due = Announcement.objects.filter(status=Announcement.Status.SCHEDULED, send_at=queued_for)
    with transaction.atomic():
        claimed = due.filter(pk=announcement_id).update(
            status=Announcement.Status.SENT, sent_at=now, updated_at=now
        )
        if not claimed:
            return 0
        announcement = Announcement.objects.get(pk=announcement_id)
        ids = list(
            audience.recipients(announcement.audience, timezone.localdate(now))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), RECEIPT_BATCH):
            Receipt.objects.bulk_create(
                [
                    Receipt(announcement_id=announcement_id, recipient_id=pk)
                    for pk in ids[start : start + RECEIPT_BATCH]
                ],
                ignore_conflicts=True,
            )
        Announcement.objects.filter(pk=announcement_id).update(recipient_count=len(ids))
        notify_each(
            ids,
            kind="announcement",
            key=f"announcement:{announcement_id}",
            context={"announcement": announcement, "text": html.text(announcement.body)},
            link=reverse("policies:announcement", args=[announcement.public_id]),
        )
    return len(ids)


def deliver_due(now: datetime | None = None) -> int:
    """Send every announcement due on or before now (a missed sweep is made up by the next)."""
    now = now or timezone.now()
    due = list(Announcement.objects.due(now).order_by("send_at").values_list("pk", flat=True))
    return sum(deliver(pk, now) for pk in due)


def mark_read(*, announcement, user) -> bool:
    """Record that `user` opened the announcement, the first time only; True if recorded."""
    if not user.is_authenticated:
        return False
    unread = Receipt.objects.filter(announcement=announcement, recipient=user, read_at__isnull=True)
    # Looked for first: an UPDATE, even of no row, renews the receipts' stamp and so every
    # cached page that shows them (core/stamps.py); a reader opens the page again and again.
    if not unread.exists():
        return False
    return bool(unread.update(read_at=timezone.now()))


def remind_unread(*, actor, announcement, round_seen: int) -> int:
    """Remind the recipients who have not opened the announcement: once per round (the round
    the staff member saw, so a form sent twice reminds once), in the background. Returns how
    many are reminded."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.status != Announcement.Status.SENT:
            raise TransitionError(_("Only a sent announcement has readers to remind."))
        if announcement.reminder_rounds != round_seen:
            raise TransitionError(_("This reminder has been sent already."))
        unread = list(
            announcement.receipts.unread()
            .filter(recipient__is_active=True)
            .order_by("recipient_id")
            .values_list("recipient_id", flat=True)
        )
        if not unread:
            if announcement.receipts.unread().exists():
                raise TransitionError(
                    _("Those who have not read it have no active account: nobody to remind.")
                )
            raise TransitionError(_("Everyone has read it: nobody to remind."))
        announcement.reminder_rounds += 1
        announcement.save(update_fields=["reminder_rounds", "updated_at"])
        notify_each(
            unread,
            kind="announcement_reminder",
            key=f"announcement_reminder:{announcement.pk}:{announcement.reminder_rounds}",
            context={"announcement": announcement},
            link=reverse("policies:announcement", args=[announcement.public_id]),
        )
    return len(unread)

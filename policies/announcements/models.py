"""An announcement, its audience (criteria kept as data, `audience.recipients` applies them),
its attachments, and one receipt per recipient (read or not)."""

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage


class Segment(models.Model):
    """A named, reusable audience: the same criteria an announcement's form chooses."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    criteria = models.JSONField(_("criteria"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved segment")
        verbose_name_plural = _("saved segments")
        ordering = ["name"]

    def __str__(self):
        return self.name


class AnnouncementQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(status=Announcement.Status.SENT)

    def public(self):
        """What anonymous visitors read on the news list: public and sent."""
        return self.sent().filter(is_public=True)

    def due(self, now=None):
        """Scheduled for now or earlier and not yet sent: what the sweep sends."""
        return self.filter(status=Announcement.Status.SCHEDULED, send_at__lte=now or timezone.now())


class Announcement(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting notice")
        BRIEFING = "briefing", _("Policy briefing")
        HOLIDAY = "holiday", _("Holiday notice")
        OTHER = "other", _("Other announcement")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        validators=[MaxLengthValidator(50000)],
        help_text=_("Formatted text: paragraphs, headings, bold, lists, tables and links."),
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Also shown on the public news list and the home page once sent."),
    )
    audience = models.JSONField(_("audience"), default=dict)
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("saved segment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="announcements",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    reminder_rounds = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "send_at"], name="announcement_due"),
            models.Index(
                fields=["-sent_at"], condition=Q(is_public=True), name="announcement_news"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(send_at__isnull=False),
                name="announcement_scheduled_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


def announcement_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"announcements/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class AnnouncementAttachment(models.Model):
    """A file sent with an announcement; public when the announcement is."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("announcement"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=announcement_upload_to)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("announcement attachment")
        verbose_name_plural = _("announcement attachments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.original_name


class ReceiptQuerySet(models.QuerySet):
    def read(self):
        return self.filter(read_at__isnull=False)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Receipt(models.Model):
    """That an announcement was sent to a person, and when they first opened it."""

    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("announcement"),
        on_delete=models.CASCADE,
        related_name="receipts",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="announcement_receipts",
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        ordering = ["announcement", "recipient"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "recipient"], name="receipt_once_per_recipient"
            ),
        ]

    def __str__(self):
        return f"{self.announcement} → {self.recipient}"

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Notices are personal: everyone, staff included, sees only their own."""
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def email_due(self, now):
        """E-mails a sweep should (re)queue: due on or before `now` and not yet done.

        That is: never queued or the queued task was lost, failed and past its back-off, or
        claimed by a worker so long ago that the worker must have died.
        """
        return self.filter(
            email_state__in=[
                Notice.EmailState.PENDING,
                Notice.EmailState.FAILED,
                Notice.EmailState.SENDING,
            ],
            email_due_at__lte=now,
        )


class Notice(models.Model):
    """One notice to one user, in the inbox and (unless turned off) by e-mail.

    `key` is unique: a sender derives it from what the notice is about ("application 42 was
    approved"), so a retried or re-run job finds the notice already there and sends nothing;
    the e-mail's Message-ID is derived from it too. A notice without a recipient is an e-mail
    only (a password reset, an invitee without an account): no inbox shows it. `email` and
    `language` are the address and language it is sent in, fixed when it is recorded.
    `email_due_at` is when the sweep should next look at the e-mail; empty once it is done.
    """

    class EmailState(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Failed, given up")
        SKIPPED = "skipped", _("Not sent (turned off or no address)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
        null=True,
        blank=True,
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    kind = models.CharField(_("kind"), max_length=60)
    key = models.CharField(_("de-duplication key"), max_length=200, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail status"), max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_due_at = models.DateTimeField(
        _("e-mail due"), null=True, blank=True, default=timezone.now
    )
    email_sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)
    email_error = models.CharField(_("last e-mail error"), max_length=300, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The admin's list, newest first: a page read from it, not every notice sorted.
            models.Index(fields=["created_at", "id"], name="notice_created"),
            models.Index(fields=["recipient", "-created_at"], name="notice_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notice_unread",
            ),
            models.Index(
                fields=["email_due_at"],
                condition=models.Q(email_due_at__isnull=False),
                name="notice_email_due",
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailOptOut(models.Model):
    """A user does not want e-mail for one kind of notice (the inbox still gets it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="email_opt_outs",
    )
    kind = models.CharField(_("kind"), max_length=60)

    class Meta:
        verbose_name = _("e-mail opt-out")
        verbose_name_plural = _("e-mail opt-outs")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_unique")
        ]

    def __str__(self):
        return f"{self.user} − {self.kind}"


class FanOut(models.Model):
    """A notice to many people, recorded in the caller's transaction, written by a task.

    The outbox of `notices.services.notify_each`: one row says that every user in
    `recipient_ids` is to get a notice of `kind` (keys `key`:<user id>). It commits or rolls
    back with the action that caused it; `notices.tasks.fan_out` then writes the notices in
    bulk and queues their e-mails. `due_at` is when the sweep should next queue it: a minute
    after it was made (its task lost with a broker that was down), or once a worker's claim
    has not been renewed for a while (the worker died). `done_at` is set once every notice
    is written.

    Not a `core.jobs.Job`: a job belongs to a person who follows it and is told its result
    (a notice of its own), and its sweep runs every two minutes and takes a job for lost after
    thirty; a fan-out often has nobody behind it (a scan, a petition filed), must not notify
    anyone about itself, and is resumed by the e-mails' 30-second sweep within about 90 s.
    """

    kind = models.CharField(_("kind"), max_length=60)
    key = models.CharField(_("de-duplication key"), max_length=200)
    # The template context, model instances as references (notices.services.pack_context).
    context = models.JSONField(_("context"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    recipient_ids = models.JSONField(_("recipients"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notice fan-out")
        verbose_name_plural = _("notice fan-outs")
        indexes = [
            models.Index(
                fields=["due_at"], condition=models.Q(due_at__isnull=False), name="fan_out_due"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.key} ({len(self.recipient_ids)})"

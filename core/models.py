import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .storage import private_storage


class Submission(models.Model):
    """A create form that was sent: its per-render token and what it made (core.submissions).

    The unique (form, token) pair is the claim: a second sending of the same rendered form, at
    any moment, meets it and gets the first sending's object instead of making another.
    """

    form = models.CharField(_("form"), max_length=100)
    token = models.UUIDField(_("token"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            models.UniqueConstraint(fields=["form", "token"], name="submission_once_per_token")
        ]

    def __str__(self):
        return f"{self.form} {self.token}"


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job is its owner's alone: anyone else is told it does not exist."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class Job(models.Model):
    """Long work done by a Celery worker for one person: an import, a large export, a send.

    The person who started it follows its progress (`done` of `total`) and finds its result
    here (`result`, and `file` to download); a notice tells them when it is over. It is
    deleted with its files `JOB_KEEP_SECONDS` after it was made (`core.tasks.sweep_jobs`).
    Its files (an uploaded workbook, an export) are in the private storage, under jobs/:
    served only to their owner through `core.views.job_download`.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    upload = models.FileField(
        _("uploaded file"), storage=private_storage, upload_to="jobs", blank=True
    )
    result = models.JSONField(_("result"), default=dict, blank=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to="jobs", blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("begun"), null=True, blank=True)
    # How often a worker took it up (core.jobs.run): one that keeps killing its worker stops.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self):
        return f"{self.kind} {self.public_id}"

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.public_id])

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

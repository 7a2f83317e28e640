from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


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

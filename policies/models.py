"""Policies for enterprises (惠企政策): what a government department offers, whom it is for in
terms the portal can check (eligibility), and how each enterprise follows it through to the
money (申兑).

A policy's eligibility is stated in the portal's own terms: industries (GB/T 4754 sections
such as "C" or divisions such as "C13"), size classes, townships, years since founding,
members only, and qualifications (any one of them, verified and unexpired). Every stated
condition must hold; an empty one does not restrict. What the portal cannot check is written in
`unchecked_conditions`, one per line, for the enterprise to check itself. policies/eligibility.py
is the one place these rules are applied.
"""

import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.dates import CALENDAR, PAST
from core.labels import in_reader_language
from core.storage import private_storage
from members.choices import Industry, Qualification, SizeClass
from members.models import Enterprise, Township
from members.pinyin import name_pinyin
from members.validators import is_division_of
from petitions.models import Department, Petition


class Topic(models.Model):
    """A policy topic (finance, tax, talent…): kept in the admin; a data migration brings the
    usual ones."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("Chinese name"), max_length=30, unique=True)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("policy topic")
        verbose_name_plural = _("policy topics")
        ordering = ["order", "code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return in_reader_language(self.name, self.name_en)


def validate_industry_codes(value):
    """A list of GB/T 4754 sections ("C") or divisions under their section ("C13")."""
    if not isinstance(value, list):
        raise ValidationError(_("Industries must be a list of codes."), code="industries")
    for code in value:
        section = code[:1] if isinstance(code, str) else ""
        if section not in Industry.values:
            raise ValidationError(
                _("“%(code)s” is not a GB/T 4754 section or division."),
                code="industries",
                params={"code": code},
            )
        if len(code) > 1 and not (
            re.fullmatch(r"[A-T]\d{2}", code, re.ASCII) and is_division_of(section, code[1:])
        ):
            raise ValidationError(
                _("“%(code)s” is not a GB/T 4754 section or division."),
                code="industries",
                params={"code": code},
            )


def validate_sizes(value):
    if not isinstance(value, list) or any(v not in SizeClass.values for v in value):
        raise ValidationError(_("Choose size classes from the list."), code="sizes")


def validate_qualifications(value):
    if not isinstance(value, list) or any(v not in Qualification.values for v in value):
        raise ValidationError(_("Choose qualifications from the list."), code="qualifications")


class PolicyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Policy.Status.PUBLISHED)

    def current(self, day=None):
        """Published and not past its validity."""
        day = day or timezone.localdate()
        return self.published().filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))

    def open_now(self, day=None):
        """Current, with an application window that includes `day`."""
        day = day or timezone.localdate()
        return self.current(day).filter(window_opens__lte=day, window_closes__gte=day)


class Policy(models.Model):
    """A policy as the federation publishes it: the document, its interpretation, the
    application guide, and whom it is for."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", pgettext_lazy("policy status", "Withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    departments = models.ManyToManyField(
        Department, verbose_name=_("issuing departments"), related_name="policies"
    )
    document_number = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("As printed on the document.")
    )
    issued_on = models.DateField(_("date of publication"), validators=[PAST])
    valid_from = models.DateField(_("valid from"), null=True, blank=True, validators=[CALENDAR])
    valid_until = models.DateField(_("valid until"), null=True, blank=True, validators=[CALENDAR])
    window_opens = models.DateField(
        _("applications open"), null=True, blank=True, validators=[CALENDAR]
    )
    window_closes = models.DateField(
        _("applications close"), null=True, blank=True, validators=[CALENDAR]
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="policies")
    summary = models.TextField(_("summary"), validators=[MaxLengthValidator(1000)])
    body = models.TextField(_("full text"), validators=[MaxLengthValidator(100000)])
    interpretation = models.TextField(
        _("interpretation"), blank=True, validators=[MaxLengthValidator(20000)]
    )
    # The application guide (申报指南).
    beneficiaries = models.TextField(
        _("who benefits"), blank=True, validators=[MaxLengthValidator(2000)]
    )
    conditions = models.TextField(
        _("conditions"), blank=True, validators=[MaxLengthValidator(5000)]
    )
    benefit = models.TextField(_("how much"), blank=True, validators=[MaxLengthValidator(2000)])
    time_to_payment = models.CharField(_("time to payment"), max_length=200, blank=True)
    where_to_apply = models.TextField(
        _("where to apply"), blank=True, validators=[MaxLengthValidator(2000)]
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    # Eligibility (policies/eligibility.py applies it).
    industries = models.JSONField(
        _("industries"),
        default=list,
        blank=True,
        validators=[validate_industry_codes],
        help_text=_("GB/T 4754 sections (C) or divisions (C13); empty: every industry."),
    )
    sizes = models.JSONField(
        _("size classes"),
        default=list,
        blank=True,
        validators=[validate_sizes],
        help_text=_("Empty: every size."),
    )
    townships = models.ManyToManyField(
        Township,
        verbose_name=_("townships and streets"),
        blank=True,
        related_name="policies",
        help_text=_("Empty: everywhere."),
    )
    min_years_founded = models.PositiveSmallIntegerField(
        _("founded at least (years)"), null=True, blank=True
    )
    max_years_founded = models.PositiveSmallIntegerField(
        _("founded at most (years)"), null=True, blank=True
    )
    members_only = models.BooleanField(_("members only"), default=False)
    qualifications = models.JSONField(
        _("qualifications"),
        default=list,
        blank=True,
        validators=[validate_qualifications],
        help_text=_("The enterprise must hold one of them, verified and unexpired."),
    )
    unchecked_conditions = models.TextField(
        _("conditions the portal cannot check"),
        blank=True,
        validators=[MaxLengthValidator(2000)],
        help_text=_("One per line; the enterprise checks them itself."),
    )

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)
    # For the search by pinyin (members/pinyin.py), kept by save().
    title_pinyin = models.CharField(max_length=400, editable=False, default="")
    title_initials = models.CharField(max_length=100, editable=False, default="")
    title_pinyin_pairs = models.TextField(editable=False, default="")

    history = HistoricalRecords(
        m2m_fields=[departments, topics, townships],
        excluded_fields=["title_pinyin", "title_initials", "title_pinyin_pairs"],
    )
    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "window_closes"], name="policy_status_window"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_from__lte=models.F("valid_until")),
                name="policy_validity_in_order",
            ),
            models.CheckConstraint(
                condition=(Q(window_opens__isnull=True) & Q(window_closes__isnull=True))
                | Q(window_opens__lte=models.F("window_closes")),
                name="policy_window_in_order",
            ),
            models.CheckConstraint(
                condition=Q(min_years_founded__isnull=True)
                | Q(max_years_founded__isnull=True)
                | Q(min_years_founded__lte=models.F("max_years_founded")),
                name="policy_years_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.title_pinyin, self.title_initials, self.title_pinyin_pairs = name_pinyin(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = {
                *update_fields, "title_pinyin", "title_initials", "title_pinyin_pairs"
            }  # fmt: skip
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            errors["valid_until"] = _("The end of validity cannot be before its start.")
        if bool(self.window_opens) != bool(self.window_closes):
            errors["window_closes"] = _(
                "Give both the day applications open and close, or neither."
            )
        elif self.window_opens and self.window_opens > self.window_closes:
            errors["window_closes"] = _("Applications cannot close before they open.")
        if (
            self.min_years_founded is not None
            and self.max_years_founded is not None
            and self.min_years_founded > self.max_years_founded
        ):
            errors["max_years_founded"] = _("The most years cannot be fewer than the least.")
        if errors:
            raise ValidationError(errors)

    def is_expired(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.valid_until is not None and self.valid_until < day

    def is_open(self, day=None) -> bool:
        day = day or timezone.localdate()
        return bool(
            self.status == self.Status.PUBLISHED
            and not self.is_expired(day)
            and self.window_opens
            and self.window_opens <= day <= self.window_closes
        )

    def status_label(self, day=None) -> str:
        """The status a reader sees: a published policy past its validity is expired."""
        if self.status == self.Status.PUBLISHED and self.is_expired(day):
            return str(_("Expired"))
        return self.get_status_display()

    def unchecked_list(self) -> list[str]:
        return [line.strip() for line in self.unchecked_conditions.splitlines() if line.strip()]


def policy_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"policies/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class PolicyAttachment(models.Model):
    """A file published with a policy (the document, the application form…); public once the
    policy is."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=policy_upload_to)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy attachment")
        verbose_name_plural = _("policy attachments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.original_name


class Subscription(models.Model):
    """An enterprise follows a topic or a department: a policy published in it is told to the
    enterprise's users even when the enterprise does not match it."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="policy_subscriptions",
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.CASCADE
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("subscribed"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy subscription")
        verbose_name_plural = _("policy subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(topic__isnull=False) & Q(department__isnull=True))
                | (Q(topic__isnull=True) & Q(department__isnull=False)),
                name="subscription_to_one_thing",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "topic"],
                condition=Q(topic__isnull=False),
                name="one_subscription_per_topic",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "department"],
                condition=Q(department__isnull=False),
                name="one_subscription_per_department",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} → {self.topic or self.department}"


class FollowUp(models.Model):
    """One enterprise and one policy: when it first read it and how far it has followed it
    through (申兑). The policy's funnel counts these rows: its stages those of enterprises
    that matched the policy (`matched`, from the eligibility rule on the day the row was
    created or last marked), its "other" column the rest."""

    class State(models.TextChoices):
        NONE = "", _("Not marked")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")
        WILL_APPLY = "will_apply", _("Will apply")
        APPLIED = "applied", _("Applied")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="policy_follow_ups",
    )
    read_at = models.DateTimeField(_("first read"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.NONE, blank=True
    )
    amount = models.DecimalField(
        _("amount granted (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    matched = models.BooleanField(
        _("matched the policy"),
        default=False,
        help_text=_("Whether the enterprise matched the policy when it read or last marked it."),
    )
    marked_at = models.DateTimeField(_("marked"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("policy follow-up")
        verbose_name_plural = _("policy follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "enterprise"], name="one_follow_up_per_enterprise"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(state="granted"),
                name="amount_only_when_granted",
            ),
            # An amount granted is money received: never zero or negative.
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="amount_granted_positive",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "state"], name="follow_up_enterprise_state")]

    def __str__(self):
        return f"{self.policy} · {self.enterprise}"


class Question(models.Model):
    """A question an enterprise asked about a policy: it is a petition of category "policy"
    (handled, timed and rated as every petition is), linked here to its policy, since petitions
    knows nothing of policies."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="questions"
    )
    petition = models.OneToOneField(
        Petition,
        verbose_name=_("petition"),
        on_delete=models.CASCADE,
        related_name="policy_question",
    )

    class Meta:
        verbose_name = _("question about a policy")
        verbose_name_plural = _("questions about policies")

    def __str__(self):
        return f"{self.policy} · {self.petition}"


from .announcements.models import Announcement, AnnouncementAttachment, Receipt, Segment  # noqa: E402, F401

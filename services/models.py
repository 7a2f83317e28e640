"""What the federation, its chambers and its partners do for member enterprises (服务企业):
one record per service given, in a field (policy, legal, finance…), to one or several
enterprises, each of which rates it.

A record's outcome is kept in its field's own terms (a loan and its bank for finance, hours
and the matter for legal advice, people placed for talent), so the ledger and the yearly
figures can add them up; what fits none of them goes in the free outcome text.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chambers.models import Organization
from core.dates import PAST
from core.labels import in_reader_language
from events.models import Event
from members.models import Enterprise
from petitions.models import Petition
from policies.models import Policy


class ServiceFieldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ServiceField(models.Model):
    """A field of service. The list is the staff's to keep in the admin (a data migration
    brings the usual eight); `terms` says which outcome figures a record of the field has."""

    class Terms(models.TextChoices):
        FINANCE = "finance", _("Loan amount and bank")
        LEGAL = "legal", _("Hours and matter")
        TALENT = "talent", _("People placed")
        NONE = "none", _("Outcome text only")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("Chinese name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    terms = models.CharField(
        _("outcome recorded as"), max_length=10, choices=Terms.choices, default=Terms.NONE
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Untick to stop offering it for new records.")
    )

    history = HistoricalRecords()
    objects = ServiceFieldQuerySet.as_manager()

    class Meta:
        verbose_name = _("field of service")
        verbose_name_plural = _("fields of service")
        ordering = ["order", "code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (the Chinese name when no English one is kept)."""
        return in_reader_language(self.name, self.name_en)


class Partner(models.Model):
    """An organisation outside the federation that gives services with it: a law firm, a
    bank, an accounting firm…"""

    class Kind(models.TextChoices):
        LAW_FIRM = "law_firm", _("Law firm")
        BANK = "bank", _("Bank or lender")
        ACCOUNTING = "accounting", _("Accounting or tax firm")
        HUMAN_RESOURCES = "human_resources", _("Human-resources agency")
        SCHOOL = "school", _("University or training school")
        GOVERNMENT = "government", _("Government department")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceRecord(models.Model):
    """One service given: what, when, by whom (staff, a chamber, a partner: at least one),
    its outcome, and where it came from (a petition, an event, a policy)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    field = models.ForeignKey(
        ServiceField, verbose_name=_("field"), on_delete=models.PROTECT, related_name="records"
    )
    what = models.CharField(_("what was done"), max_length=300)
    given_on = models.DateField(_("date"), validators=[PAST])
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services_given",
        limit_choices_to={"is_staff": True},
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("given by chamber"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services_given",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("given by partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services_given",
    )
    loan_yuan = models.DecimalField(
        _("loan amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    bank = models.CharField(_("lending bank"), max_length=100, blank=True)
    legal_hours = models.DecimalField(
        _("hours of legal advice"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    legal_matter = models.CharField(_("legal matter"), max_length=200, blank=True)
    people_placed = models.PositiveIntegerField(_("people placed"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True, validators=[MaxLengthValidator(2000)])
    petition = models.ForeignKey(
        Petition,
        verbose_name=_("from petition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("at event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    policy = models.ForeignKey(
        Policy,
        verbose_name=_("from policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-given_on", "-id"]
        # The list and the ledger, newest first: a page read from the index.
        indexes = [models.Index(fields=["given_on", "id"], name="service_given")]
        constraints = [
            models.CheckConstraint(
                condition=Q(staff_member__isnull=False)
                | Q(organization__isnull=False)
                | Q(partner__isnull=False),
                name="service_given_by_someone",
            ),
        ]

    def __str__(self):
        return self.what


def outcome_sums() -> dict:
    """The outcome figures of a set of records, each summed over the records of a field whose
    terms it is: loans over finance, hours over legal advice, people placed over talent. The
    dashboard, the yearly report and the services ledger all add them up so, and the ledger
    filtered by the same terms lists what was added. A field's terms are read as they are
    now: a record kept in a field whose terms changed counts with its field."""
    Terms = ServiceField.Terms
    return {
        "loans": models.Sum("loan_yuan", filter=Q(field__terms=Terms.FINANCE), default=Decimal(0)),
        "legal_hours": models.Sum(
            "legal_hours", filter=Q(field__terms=Terms.LEGAL), default=Decimal(0)
        ),
        "placed": models.Sum("people_placed", filter=Q(field__terms=Terms.TALENT), default=0),
    }


class ServiceRecipient(models.Model):
    """An enterprise a service was given to, and its rating of it."""

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        NOT_SATISFIED = "not", _("Not satisfied")
        UNRATED = "unrated", _("Not rated yet")

    record = models.ForeignKey(
        ServiceRecord,
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="recipients",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="services_received",
    )
    rating = models.CharField(
        _("rating"), max_length=10, choices=Rating.choices, default=Rating.UNRATED
    )
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise served")
        verbose_name_plural = _("enterprises served")
        ordering = ["record", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "enterprise"], name="service_recipient_once"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.record}"

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import PAST, TERMS
from core.fields import EncryptedCharField
from core.storage import private_storage

from .choices import (
    Industry,
    LegalForm,
    Ownership,
    PartyOrganisation,
    Qualification,
    SizeClass,
)
from .credit_code import CreditCodeField
from .pinyin import name_pinyin
from .validators import (
    mask_mobile,
    validate_credit_code_format,
    validate_landline,
    validate_mobile,
)


class UserManager(DjangoUserManager):
    """Users log in with their e-mail address; there is no separate user name."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def active_staff(self):
        """The federation's staff, who receive the notices addressed to the secretariat."""
        return self.filter(is_staff=True, is_active=True)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail"), unique=True)
    real_name = models.CharField(_("real name"), max_length=50)
    mobile = EncryptedCharField(
        _("mobile phone"), max_length=11, blank=True, validators=[validate_mobile]
    )
    enterprise = models.ForeignKey(
        "Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("The member enterprise this account acts for."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["real_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.real_name or self.email

    def get_full_name(self):
        return self.real_name

    def get_short_name(self):
        return self.real_name

    @property
    def is_member_user(self) -> bool:
        """Acts for an enterprise whose membership is current."""
        return self.enterprise_id is not None and self.enterprise.status == Enterprise.Status.MEMBER


# The district whose federation runs the portal (Yanqing, docs/domain.md). The table also holds
# another district's streets; an enterprise of the federation lies in one of this district's.
SERVED_DISTRICT = "110119"


def served_townships() -> models.Q:
    """The one rule for every list of townships an enterprise may lie in (forms, admin, filters)."""
    return models.Q(district_code=SERVED_DISTRICT)


class TownshipQuerySet(models.QuerySet):
    def served(self):
        return self.filter(served_townships())

    def names(self) -> dict[int, str]:
        """{pk: name}: how figures and rows that carry a township's key show its name."""
        return dict(self.values_list("pk", "name"))


class Township(models.Model):
    """A street (街道), town (镇) or township (乡) of a district, by its GB/T 2260-style code."""

    class Kind(models.TextChoices):
        STREET = "street", _("Street")
        TOWN = "town", _("Town")
        TOWNSHIP = "township", _("Township")

    code = models.CharField(_("code"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=30)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    district_code = models.CharField(_("district code"), max_length=6)
    district_name = models.CharField(_("district"), max_length=30)

    objects = TownshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("township or street")
        verbose_name_plural = _("townships and streets")
        ordering = ["code"]

    def __str__(self):
        return self.name


def licence_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"licences/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class EnterpriseDetails(models.Model):
    """What an enterprise states about itself: shared by the application and the member record."""

    name = models.CharField(_("enterprise name"), max_length=100)
    credit_code = CreditCodeField(
        _("unified social credit code"),
        max_length=18,
        validators=[validate_credit_code_format],
        help_text=_("18 characters, as printed on the business licence."),
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices)
    industry_division = models.CharField(
        _("industry division"),
        max_length=2,
        blank=True,
        help_text=_("Two-digit GB/T 4754 division, such as 39 under manufacturing."),
    )
    size = models.CharField(_("size"), max_length=10, choices=SizeClass.choices)
    ownership = models.CharField(_("ownership"), max_length=15, choices=Ownership.choices)
    legal_form = models.CharField(
        _("legal form"), max_length=15, choices=LegalForm.choices, blank=True
    )
    township = models.ForeignKey(
        Township,
        verbose_name=_("township or street"),
        on_delete=models.PROTECT,
        limit_choices_to=served_townships,
    )
    address = models.CharField(_("address"), max_length=200)
    founded_on = models.DateField(_("date founded"), null=True, blank=True, validators=[PAST])
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    business_scope = models.TextField(
        _("main business"), blank=True, validators=[MaxLengthValidator(2000)]
    )
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_mobile = EncryptedCharField(
        _("contact mobile"), max_length=11, validators=[validate_mobile]
    )
    contact_phone = EncryptedCharField(
        _("office telephone"), max_length=20, blank=True, validators=[validate_landline]
    )
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        abstract = True

    @property
    def masked_contact_mobile(self):
        return mask_mobile(self.contact_mobile)


def on_roll(day=None, via: str = "") -> Q:
    """The condition of `Enterprise.objects.members_on(day)`, for conditional counts and for
    rows that reach the enterprise through `via` (say "affiliations__enterprise__")."""
    day = day or timezone.localdate()
    return Q(**{f"{via}joined_on__lte": day}) & (
        Q(**{f"{via}left_on__isnull": True}) | Q(**{f"{via}left_on__gt": day})
    )


class EnterpriseChange(models.TextChoices):
    """Why the system changed an enterprise: stored as the code in its history, shown as the
    label. Staff changing a membership write their own reason, shown as written."""

    APPROVED = "approved application", _("application approved")
    IMPORTED = "roster import", _("imported from a roster")

    @classmethod
    def describe(cls, reason: str | None) -> str:
        return cls(reason).label if reason in cls.values else (reason or "")


class EnterpriseQuerySet(models.QuerySet):
    def members(self):
        """Members in good standing (not suspended): those whose users may file petitions,
        register for events and be invited. Not the member count: see `members_on`."""
        return self.filter(status=Enterprise.Status.MEMBER)

    def members_on(self, day=None):
        """The member enterprises, on `day` (today by default): joined by then and not yet
        withdrawn; a suspended member is still on the roll. Every page that counts members
        counts these."""
        return self.filter(on_roll(day))

    def visible_to(self, user):
        """Staff see every enterprise; a member enterprise's users see the members on the roll
        today in good standing (not suspended)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        if user.is_member_user:
            return self.members().members_on()
        return self.none()


class Enterprise(EnterpriseDetails):
    class Status(models.TextChoices):
        MEMBER = "member", _("Member")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("membership status"), max_length=10, choices=Status.choices, default=Status.MEMBER
    )
    member_number = models.CharField(_("member number"), max_length=20, unique=True)
    joined_on = models.DateField(_("date joined the federation"), validators=[PAST])
    # Set when the membership is withdrawn, cleared on reinstatement: with joined_on it tells
    # who was a member on any day (the yearly report counts members at the start and end).
    left_on = models.DateField(
        _("date left the federation"), null=True, blank=True, validators=[PAST]
    )
    status_reason = models.CharField(_("reason for the status"), max_length=500, blank=True)
    name_pinyin = models.CharField(max_length=400, editable=False, db_index=True)
    name_initials = models.CharField(max_length=100, editable=False, db_index=True)
    # Adjacent syllables as words, "yan0qing qing0qu ..." (members/pinyin.py), for search:
    # a full-text index on PostgreSQL (migration 0011).
    name_pinyin_pairs = models.TextField(editable=False, default="")

    party_organisation = models.CharField(
        _("party organisation"),
        max_length=12,
        choices=PartyOrganisation.choices,
        default=PartyOrganisation.NONE,
    )
    party_members = models.PositiveIntegerField(_("party members"), default=0)
    party_instructor = models.CharField(_("party-building instructor"), max_length=50, blank=True)
    party_organisation_since = models.DateField(
        _("party organisation set up on"), null=True, blank=True, validators=[PAST]
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["name_pinyin", "name_initials", "name_pinyin_pairs", "updated_at"]
    )
    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("member enterprise")
        verbose_name_plural = _("member enterprises")
        ordering = ["name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(fields=["credit_code"], name="enterprise_credit_code_unique"),
            models.CheckConstraint(
                condition=Q(party_members__gte=0), name="enterprise_party_members_nonnegative"
            ),
        ]
        indexes = [
            models.Index(fields=["name_pinyin", "id"], name="enterprise_name_order"),
            models.Index(fields=["status", "name_pinyin", "id"], name="enterprise_dir_name"),
            models.Index(fields=["status", "joined_on", "id"], name="enterprise_dir_joined"),
            models.Index(fields=["joined_on"], name="enterprise_joined"),
            models.Index(fields=["industry", "name_pinyin"], name="enterprise_industry"),
            models.Index(fields=["township", "name_pinyin"], name="enterprise_township"),
            # The dashboard's roll (members on a day by industry, township, size and party
            # organisation) and growth by year read this index alone, not the wide table.
            models.Index(
                fields=[
                    "joined_on",
                    "left_on",
                    "industry",
                    "township",
                    "size",
                    "party_organisation",
                ],
                include=["party_members", "party_organisation_since"],
                name="enterprise_roll",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {
                *update_fields,
                "name_pinyin",
                "name_initials",
                "name_pinyin_pairs",
            }
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*kwargs["update_fields"], "left_on"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The enterprise's page in the portal (the admin's "view on site")."""
        return reverse("members:enterprise_detail", args=[self.public_id])

    def set_derived_fields(self) -> None:
        """The fields computed from others: the name's pinyin, and the day a withdrawn member
        left (kept if given, today if not; none while on the roll). `save` calls it, and so
        does whatever writes enterprises in bulk (members.roll)."""
        self.name_pinyin, self.name_initials, self.name_pinyin_pairs = name_pinyin(self.name)
        if self.status == self.Status.WITHDRAWN:
            self.left_on = self.left_on or timezone.localdate()
        else:
            self.left_on = None

    @property
    def has_party_organisation(self) -> bool:
        return self.party_organisation in (
            PartyOrganisation.OWN_BRANCH,
            PartyOrganisation.JOINT_BRANCH,
        )


def member_number(year: int, n: int) -> str:
    """The member number written as the portal writes every one: 2026-0042."""
    return f"{year}-{n:04d}"


class MemberNumberCounter(models.Model):
    """The last member number handed out in a year; locked while the next is taken."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class ApplicationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Application.Status.PENDING)

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(applicant=user)


class Application(EnterpriseDetails):
    """A registering enterprise's request to join; approval turns it into a member."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    licence = models.FileField(
        _("business licence"), storage=private_storage, upload_to=licence_upload_to
    )
    credit_code_checksum_ok = models.BooleanField(
        _("credit code check character correct"),
        default=True,
        help_text=_("Unticked when the applicant confirmed a code that fails the check."),
    )
    consent_version = models.CharField(_("privacy notice version"), max_length=20)
    consent_at = models.DateTimeField(_("consent given at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("member enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )

    history = HistoricalRecords(excluded_fields=["licence"])
    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One application per code under review at a time (also stops a double-click).
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=Q(status="pending"),
                name="application_one_pending_per_code",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="application_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return self.name


class RepresentativePerson(models.Model):
    """A figure in the representative-persons database (代表人士库)."""

    class Gender(models.TextChoices):
        MALE = "m", _("Male")
        FEMALE = "f", _("Female")

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_year = models.PositiveIntegerField(_("year of birth"), null=True, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representatives",
    )
    position = models.CharField(_("position in the enterprise"), max_length=50, blank=True)
    mobile = EncryptedCharField(
        _("mobile phone"), max_length=11, blank=True, validators=[validate_mobile]
    )
    tags = models.ManyToManyField(
        "RepresentativeTag", verbose_name=_("tags"), blank=True, related_name="people"
    )
    notes = models.TextField(_("notes"), blank=True, validators=[MaxLengthValidator(5000)])

    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        verbose_name = _("representative figure")
        verbose_name_plural = _("representative figures")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class RepresentativeTag(models.Model):
    """A label such as 'young generation' or 'women entrepreneurs'."""

    name = models.CharField(_("name"), max_length=30, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("representative tag")
        verbose_name_plural = _("representative tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PublicPost(models.Model):
    """A public post a representative figure holds: deputy, CPPCC member and the like."""

    class Kind(models.TextChoices):
        NPC_DEPUTY = "npc", _("People's Congress deputy")
        CPPCC_MEMBER = "cppcc", _("CPPCC member")
        OTHER = "other", _("Other post")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        MUNICIPAL = "municipal", _("Municipal")
        DISTRICT = "district", _("District")
        TOWNSHIP = "township", _("Township")

    person = models.ForeignKey(RepresentativePerson, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    title = models.CharField(_("title"), max_length=100, blank=True)
    term = models.CharField(_("term"), max_length=30, blank=True, help_text=_("Such as “the 10th”"))
    started_on = models.DateField(_("from"), null=True, blank=True, validators=[TERMS])
    ended_on = models.DateField(_("until"), null=True, blank=True, validators=[TERMS])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public post")
        verbose_name_plural = _("public posts")
        ordering = ["-started_on", "id"]

    def __str__(self):
        return f"{self.get_level_display()} {self.get_kind_display()}"


class TrainingRecord(models.Model):
    """A training a representative figure attended."""

    person = models.ForeignKey(
        RepresentativePerson, on_delete=models.CASCADE, related_name="trainings"
    )
    name = models.CharField(_("training"), max_length=100)
    organiser = models.CharField(_("organiser"), max_length=100, blank=True)
    attended_on = models.DateField(_("date"), validators=[PAST])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-attended_on", "id"]

    def __str__(self):
        return self.name


class EnterpriseQualificationQuerySet(models.QuerySet):
    def valid(self, day=None):
        """Verified by staff and not expired on `day` (today)."""
        day = day or timezone.localdate()
        return self.filter(verified_at__isnull=False).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )

    def awaiting_review(self):
        """Declared, neither verified nor rejected: staff's queue."""
        return self.filter(verified_at__isnull=True, rejected_at__isnull=True)


class EnterpriseQualification(models.Model):
    """A qualification an enterprise declares (高新技术企业, 专精特新…): the certificate, how long
    it is valid, and the staff member who checked it. Only a verified, unexpired one counts
    where a policy asks for it."""

    Kind = Qualification

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="qualifications",
    )
    kind = models.CharField(_("qualification"), max_length=20, choices=Qualification.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        validators=[TERMS],
        help_text=_("Leave empty if it does not expire."),
    )
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rejected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)

    history = HistoricalRecords()
    objects = EnterpriseQualificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise qualification")
        verbose_name_plural = _("enterprise qualifications")
        ordering = ["enterprise", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind"], name="one_qualification_of_a_kind"
            )
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_kind_display()}"

    def is_valid(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.verified_at is not None and (
            self.valid_until is None or self.valid_until >= day
        )

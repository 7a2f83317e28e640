"""The federation's structure, its leadership, and the rotating executive chair's roster.

Organisations of every kind share one model with a `kind`: they have the same shape (a name,
members, leaders with terms, evaluations) and the pages list them side by side; the few
kind-specific facts (a township, a home region, the date a friendship was signed) are
optional fields that the admin shows for every kind.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import CALENDAR, PAST, TERMS
from members.models import Enterprise, Township, served_townships

# Addresses under /chambers/ that pages use, so no organisation may take them as its slug.
RESERVED_SLUGS = {"structure", "new", "export"}


def validate_not_reserved(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved; choose another."))


class OrganizationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def chambers(self):
        return self.exclude(kind__in=[Organization.Kind.FEDERATION, Organization.Kind.FRIENDLY])


class Organization(models.Model):
    class Kind(models.TextChoices):
        FEDERATION = "federation", _("Federation")
        INDUSTRY = "industry", _("Industry chamber")
        TOWNSHIP = "township", _("Township or street chamber")
        OUT_OF_TOWN = "out_of_town", _("Out-of-town chamber")
        ASSOCIATION = "association", _("Association")
        WORKING_GROUP = "working_group", _("Special working group")
        FRIENDLY = "friendly", _("Friendly federation")

    slug = models.SlugField(
        _("short address"),
        max_length=80,
        unique=True,
        validators=[validate_not_reserved],
        help_text=_("Latin letters, digits and hyphens, used in the page's address."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    township = models.ForeignKey(
        Township,
        verbose_name=_("township or street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to=served_townships,
        help_text=_("For a township or street chamber."),
    )
    home_region = models.CharField(
        _("home region"),
        max_length=50,
        blank=True,
        help_text=_("For an out-of-town chamber: the province or city its members come from."),
    )
    founded_on = models.DateField(_("founded"), null=True, blank=True, validators=[PAST])
    tie_signed_on = models.DateField(
        _("friendship signed"),
        null=True,
        blank=True,
        help_text=_("For a friendly federation: when the friendship agreement was signed."),
        validators=[PAST],
    )
    group_member_since = models.DateField(
        _("group member of the federation since"),
        null=True,
        blank=True,
        help_text=_("A chamber or association that is itself a group member of the federation."),
        validators=[PAST],
    )
    description = models.TextField(
        _("description"), blank=True, validators=[MaxLengthValidator(5000)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Affiliation(models.Model):
    """An enterprise's membership of an organisation, with its role there."""

    class Role(models.TextChoices):
        PRESIDENT_UNIT = "president", _("President unit")
        VICE_PRESIDENT_UNIT = "vice_president", _("Vice-president unit")
        COUNCIL_UNIT = "council", _("Council member unit")
        MEMBER_UNIT = "member", _("Member unit")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="affiliations",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="affiliations",
    )
    role = models.CharField(
        _("role"), max_length=15, choices=Role.choices, default=Role.MEMBER_UNIT
    )
    joined_on = models.DateField(_("joined"), default=timezone.localdate, validators=[PAST])
    left_on = models.DateField(_("left"), null=True, blank=True, validators=[PAST])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["role", "enterprise__name_pinyin"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "enterprise"],
                condition=Q(left_on__isnull=True),
                name="affiliation_one_current_per_enterprise",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="affiliation_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} @ {self.organization}"


class Term(models.Model):
    """A term (届) of an organisation's leadership."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    starts_on = models.DateField(_("starts"), validators=[TERMS])
    ends_on = models.DateField(_("ends"), null=True, blank=True, validators=[TERMS])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["organization", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="term_number_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="term_dates_ordered",
            ),
        ]

    def __str__(self):
        return _("%(organization)s, term %(number)d") % {
            "organization": self.organization,
            "number": self.number,
        }

    def is_current(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class PostQuerySet(models.QuerySet):
    def current(self, day=None):
        day = day or timezone.localdate()
        return self.filter(
            Q(started_on__lte=day),
            Q(ended_on__isnull=True) | Q(ended_on__gte=day),
            Q(term__starts_on__lte=day),
            Q(term__ends_on__isnull=True) | Q(term__ends_on__gte=day),
        )

    def eligible_for_duty(self, day=None):
        """Posts whose holders take turns as executive chair."""
        return self.current(day).filter(
            position__in=Post.DUTY_POSITIONS, full_time=False, in_rotation=True
        )


class Post(models.Model):
    """A person holding a position in an organisation for (part of) a term."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        PRESIDENT = "president", _("President")
        EXECUTIVE_PRESIDENT = "executive_president", _("Executive president")
        EXECUTIVE_VICE_PRESIDENT = "executive_vice_president", _("Executive vice-president")
        VICE_PRESIDENT = "vice_president", _("Vice-president")
        SECRETARY_GENERAL = "secretary_general", _("Secretary-general")
        CHIEF_SUPERVISOR = "chief_supervisor", _("Chief supervisor")
        STANDING_COMMITTEE = "standing_committee", _("Standing committee member")
        EXECUTIVE_COMMITTEE = "executive_committee", _("Executive committee member")
        COUNCIL_MEMBER = "council_member", _("Council member")

    DUTY_POSITIONS = [
        Position.CHAIR,
        Position.VICE_CHAIR,
        Position.PRESIDENT,
        Position.EXECUTIVE_PRESIDENT,
        Position.EXECUTIVE_VICE_PRESIDENT,
        Position.VICE_PRESIDENT,
    ]
    # Those who may keep their own chamber's member list.
    KEEPER_POSITIONS = [Position.PRESIDENT, Position.SECRETARY_GENERAL]

    term = models.ForeignKey(
        Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="posts"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
    )
    position = models.CharField(_("position"), max_length=30, choices=Position.choices)
    full_time = models.BooleanField(
        _("full-time"),
        default=False,
        help_text=_("A full-time vice-chair is federation staff, not an entrepreneur."),
    )
    in_rotation = models.BooleanField(
        _("takes turns as executive chair"),
        default=True,
        help_text=_("Untick to leave this leader out of the rotating chair's roster."),
    )
    started_on = models.DateField(_("from"), validators=[TERMS])
    ended_on = models.DateField(_("until"), null=True, blank=True, validators=[TERMS])

    history = HistoricalRecords()
    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("leadership post")
        verbose_name_plural = _("leadership posts")
        ordering = ["term", "position", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="post_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.holder} · {self.get_position_display()} · {self.term.organization}"

    @property
    def organization(self):
        return self.term.organization


class FourGoodEvaluation(models.Model):
    """A 'four-good chamber' (四好商会) evaluation of a chamber for one period."""

    class Rating(models.TextChoices):
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair")
        POOR = "poor", _("Needs improvement")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        MUNICIPAL = "municipal", _("Municipal")
        DISTRICT = "district", _("District")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    political_guidance = models.CharField(
        _("political guidance"), max_length=5, choices=Rating.choices
    )
    team_building = models.CharField(_("team building"), max_length=5, choices=Rating.choices)
    service = models.CharField(_("service to development"), max_length=5, choices=Rating.choices)
    self_discipline = models.CharField(_("self-discipline"), max_length=5, choices=Rating.choices)
    awarded = models.BooleanField(_("named a four-good chamber"), default=False)
    notes = models.TextField(_("notes"), blank=True, validators=[MaxLengthValidator(2000)])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("four-good evaluation")
        verbose_name_plural = _("four-good evaluations")
        ordering = ["-year", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "level"], name="evaluation_unique_per_year"
            )
        ]

    def __str__(self):
        return f"{self.organization} {self.year} {self.get_level_display()}"


# --- The rotating executive chair -------------------------------------------------------------


class DutyMonthQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .access import can_see_roster

        return self if can_see_roster(user) else self.none()


class DutyChange(models.TextChoices):
    """Why the system changed a duty month: stored as the code in the month's history, shown as
    the label. Staff changing a month by hand write their own reason, shown as written."""

    PLANNED = "planned", _("planned by the roster")
    CONFIRMED = "confirmed", _("confirmed")
    MONTH_BEGAN = "month began", _("the month began")
    MONTH_ENDED = "month ended", _("the month ended")
    SWAP_APPROVED = "swap approved", _("swap approved")
    SUMMARY = "summary", _("summary written")

    @classmethod
    def describe(cls, reason: str | None) -> str:
        return cls(reason).label if reason in cls.values else (reason or "")


class DutyMonth(models.Model):
    """One month of the rotating executive chair (轮值主席). Every change is kept in history."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        SERVING = "serving", _("Serving")
        COMPLETED = "completed", _("Completed")

    month = models.DateField(
        _("month"), unique=True, help_text=_("The first day of the month."), validators=[CALENDAR]
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executive chair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_months",
    )
    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_months",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    summary = models.TextField(
        _("monthly summary"), blank=True, validators=[MaxLengthValidator(10000)]
    )
    summary_written_at = models.DateTimeField(_("summary written"), null=True, blank=True)

    history = HistoricalRecords()
    objects = DutyMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty month")
        verbose_name_plural = _("duty months")
        ordering = ["month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="duty_month_first_day"),
        ]

    def __str__(self):
        # "2027年4月" or "April 2027": a month as the reader writes it (the key is for URLs).
        return date_format(self.month, "YEAR_MONTH_FORMAT")

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_fixed(self) -> bool:
        """Confirmed or begun: the planner leaves it alone."""
        return self.status != self.Status.PLANNED or self.month <= timezone.localdate()


class Secondment(models.Model):
    """Staff an enterprise seconds (挂职) to the federation during a duty month."""

    duty_month = models.ForeignKey(
        DutyMonth,
        verbose_name=_("duty month"),
        on_delete=models.CASCADE,
        related_name="secondments",
    )
    person_name = models.CharField(_("name"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="secondments",
        help_text=_("Link an account so the person sees the roster and can log work."),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("sending enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="secondments",
    )
    role = models.CharField(_("post at the federation"), max_length=50, blank=True)
    starts_on = models.DateField(_("from"), validators=[CALENDAR])
    ends_on = models.DateField(_("until"), validators=[CALENDAR])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("secondment")
        verbose_name_plural = _("secondments")
        ordering = ["duty_month", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="secondment_dates_ordered"
            )
        ]

    def __str__(self):
        return self.person_name


class DutyLogEntry(models.Model):
    """What the chair or seconded staff did on a day of their month."""

    class Kind(models.TextChoices):
        OFFICE_DAY = "office", _("Office day")
        VISIT = "visit", _("Visit to members")
        RECRUITMENT = "recruitment", _("Member recruitment")
        EVENT = "event", _("Event")
        PROBLEM = "problem", _("Problem handled")
        OTHER = "other", _("Other")

    duty_month = models.ForeignKey(
        DutyMonth, verbose_name=_("duty month"), on_delete=models.PROTECT, related_name="log"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="duty_log_entries",
    )
    day = models.DateField(_("date"), validators=[CALENDAR])
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("what was done"), validators=[MaxLengthValidator(5000)])
    members_recruited = models.PositiveSmallIntegerField(_("members recruited"), default=0)
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta:
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log entries")
        ordering = ["day", "id"]

    def __str__(self):
        return f"{date_format(self.day)} {self.get_kind_display()}"


class Unavailability(models.Model):
    """A month a leader cannot serve as executive chair."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.CASCADE,
        related_name="unavailable_months",
    )
    month = models.DateField(_("month"), validators=[CALENDAR])
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unavailable month")
        verbose_name_plural = _("unavailable months")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="unavailability_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="unavailability_first_day"),
        ]

    def __str__(self):
        return f"{self.user} {date_format(self.month, 'YEAR_MONTH_FORMAT')}"


class SwapRequest(models.Model):
    """A chair asks another eligible leader to exchange months (or take theirs over)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the other leader")
        ACCEPTED = "accepted", _("Accepted, waiting for staff")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined by the other leader")
        REJECTED = "rejected", _("Rejected by staff")
        WITHDRAWN = "withdrawn", _("Withdrawn by the asker")

    OPEN = [Status.REQUESTED, Status.ACCEPTED]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    month = models.ForeignKey(
        DutyMonth,
        verbose_name=_("month to give"),
        on_delete=models.PROTECT,
        related_name="swaps_out",
    )
    other_month = models.ForeignKey(
        DutyMonth,
        verbose_name=_("month to take in exchange"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="swaps_in",
        help_text=_("Leave empty to ask the other leader to take the month over."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="swap_requests_made",
    )
    counterpart = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("other leader"),
        on_delete=models.PROTECT,
        related_name="swap_requests_received",
    )
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(status__in=["requested", "accepted"]),
                name="swap_one_open_per_month",
            )
        ]

    def __str__(self):
        return f"{self.month} ⇄ {self.counterpart}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a leader's personal iCal link; revoking it stops the link at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_tokens",
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, validators=[PAST])

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="calendar_one_active"
            )
        ]

    def __str__(self):
        if self.revoked_at:
            return _("%(user)s (revoked)") % {"user": self.user}
        return _("%(user)s (active)") % {"user": self.user}

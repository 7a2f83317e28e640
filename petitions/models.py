"""Petitions (诉求) and their handling, departments, deadlines, suggestions (建言/社情民意).

A petition's every action is a `PetitionEvent` on its immutable timeline. The petition row
also carries a summary of that timeline (first response, replies, latest rating, reopenings),
written by the same service call that writes the event, so the ledger and the three rates are
plain indexed queries; `petitions.metrics.summary_from_timeline` recomputes it from the events.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import CALENDAR, PAST
from core.storage import private_storage
from members.models import Enterprise

from .states import CLOCK_RUNNING, OPEN, Action, Status, is_overdue


class Category(models.TextChoices):
    POLICY = "policy", _("Policy")
    FINANCING = "financing", _("Financing")
    LEGAL = "legal", _("Legal")
    TALENT = "talent", _("Talent and employment")
    LAND = "land", _("Land and planning")
    APPROVALS = "approvals", _("Approvals")
    MARKET_ACCESS = "market_access", _("Market access")
    ARREARS = "arrears", _("Payment arrears")
    TAX = "tax", _("Tax and fees")
    UTILITIES = "utilities", _("Water, power, gas and heating")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency: risk to life or property")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    SURVEY_VISIT = "survey_visit", _("Survey visit")
    BREAKFAST = "breakfast", _("Breakfast meeting")
    APPEAL_FORUM = "appeal_forum", _("Appeal forum")
    MEETING = "meeting", _("Other meeting or event")
    PHONE = "phone", _("Phone call")
    LETTER = "letter", _("Letter")


# The channels through which a problem raised at one of the federation's events arrives.
MEETING_CHANNELS = (Channel.BREAKFAST, Channel.APPEAL_FORUM, Channel.MEETING)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


SOLVED_RATINGS = [Rating.SATISFIED, Rating.BASICALLY]


class Department(models.Model):
    """A government department that petitions are forwarded to."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Holiday(models.Model):
    """A day whose working status the federation sets itself: it overrides the calendar
    package for any year, and is the only source of holidays for years the package does not
    cover yet."""

    day = models.DateField(_("date"), unique=True, validators=[CALENDAR])
    is_workday = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Tick for a make-up working day on a weekend; leave for a holiday."),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays and make-up working days")
        ordering = ["day"]

    def __str__(self):
        return f"{date_format(self.day)} {self.name}".strip()


class DeadlineRule(models.Model):
    """Time limits for a category and urgency; an empty category or urgency means "any".

    The most specific rule applies: category and urgency, then category, then urgency, then
    the default row. First response is in clock hours (an emergency cannot wait for Monday);
    the reply is in working days, or in clock hours where `reply_hours` is set (utilities).
    """

    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, blank=True)
    first_response_hours = models.PositiveIntegerField(
        _("first response within (hours)"), validators=[MinValueValidator(1)]
    )
    reply_working_days = models.PositiveIntegerField(
        _("reply within (working days)"), validators=[MinValueValidator(1)]
    )
    complex_reply_working_days = models.PositiveIntegerField(
        _("reply to a complex case within (working days)"), validators=[MinValueValidator(1)]
    )
    reply_hours = models.PositiveIntegerField(
        _("reply within (hours)"),
        null=True,
        blank=True,
        help_text=_("Instead of working days, for matters that cannot wait (utilities)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["category", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["category", "urgency"], name="deadline_rule_unique")
        ]

    def __str__(self):
        any_ = _("any")
        return f"{self.get_category_display() or any_} / {self.get_urgency_display() or any_}"


class TrackingCounter(models.Model):
    """The last tracking number handed out in a year; locked while the next is taken."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


RUNNING_VALUES = sorted(s.value for s in CLOCK_RUNNING)


class PetitionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see every petition; an enterprise's users see their enterprise's."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        if user.enterprise_id:
            return self.filter(enterprise_id=user.enterprise_id)
        return self.none()

    def open(self):
        return self.filter(status__in=OPEN)

    def overdue(self, now=None):
        """Open, the reply clock running, and the reply deadline passed."""
        now = now or timezone.now()
        # The same list, in the same order, as the partial index `petition_running`, so that
        # PostgreSQL sees the index applies.
        return self.filter(status__in=RUNNING_VALUES, reply_due__lt=now)


class Petition(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="petitions"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="petitions_filed",
    )
    channel = models.CharField(
        _("channel"), max_length=15, choices=Channel.choices, default=Channel.ONLINE
    )
    source_event = models.ForeignKey(
        "events.Event",
        verbose_name=_("raised at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    raised_problem = models.OneToOneField(
        "events.RaisedProblem",
        verbose_name=_("problem raised at the meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petition",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    is_complex = models.BooleanField(_("complex case"), default=False)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), validators=[MaxLengthValidator(10000)])
    anonymous_sharing = models.BooleanField(
        _("may be shared anonymously"),
        default=False,
        help_text=_(
            "The federation may use this case, without the enterprise's name, in reports and "
            "with the month's executive chair."
        ),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.SUBMITTED
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions_handled",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    department_reference = models.CharField(
        _("department's reference number"), max_length=50, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    created_at = models.DateTimeField(_("filed"), default=timezone.now)
    first_response_due = models.DateTimeField(_("first response due"))
    reply_due = models.DateTimeField(_("reply due"))
    paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    # The timeline's summary, kept by the services (see the module docstring).
    responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    responded_in_time = models.BooleanField(_("first response in time"), null=True)
    first_replied_at = models.DateTimeField(_("first reply"), null=True, blank=True)
    replied_at = models.DateTimeField(_("latest reply"), null=True, blank=True)
    replied_late = models.BooleanField(_("replied after the deadline"), null=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])
    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="petition_created"),
            models.Index(fields=["status", "created_at"], name="petition_status"),
            models.Index(fields=["category", "created_at"], name="petition_category"),
            models.Index(fields=["department", "created_at"], name="petition_department"),
            models.Index(fields=["handler", "created_at"], name="petition_handler"),
            models.Index(fields=["enterprise", "created_at"], name="petition_enterprise"),
            # The overdue filter and the deadline scans look only at open petitions.
            models.Index(
                fields=["reply_due"],
                name="petition_open_reply_due",
                condition=Q(status__in=sorted(s.value for s in OPEN)),
            ),
            # Overdue counts by month, category and department (the metrics page) and the
            # overdue ledger: an index-only scan over the petitions with the clock running.
            models.Index(
                fields=["created_at", "category", "department", "reply_due"],
                name="petition_running",
                condition=Q(status__in=RUNNING_VALUES),
            ),
            models.Index(
                fields=["first_response_due", "created_at", "category", "department"],
                name="petition_unanswered",
                condition=Q(responded_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="petition_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="petition_merged_has_target",
            ),
        ]

    def __str__(self):
        return f"{self.tracking_number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def is_overdue(self, now=None) -> bool:
        """The row's answer to `Petition.objects.overdue(now)`."""
        return is_overdue(self.status, self.reply_due, now or timezone.now())


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("The timeline cannot be changed."))

    def delete(self):
        raise ValidationError(_("The timeline cannot be changed."))


class PetitionEvent(models.Model):
    """One entry of a petition's timeline. Written once, never changed or deleted."""

    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    action = models.CharField(_("action"), max_length=15, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=15, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=15, choices=Status.choices)
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(10000)])
    visible_to_enterprise = models.BooleanField(_("visible to the enterprise"), default=False)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["petition", "at", "id"], name="petition_event_timeline"),
            # The admin's list of every timeline entry, in this order (the largest table).
            models.Index(fields=["at", "id"], name="petition_event_at"),
        ]

    def __str__(self):
        at = date_format(timezone.localtime(self.at), "DATETIME_FORMAT")
        return f"{self.get_action_display()} {at}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("The timeline cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The timeline cannot be changed."))


def attachment_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"petitions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """A file sent with a petition or an answer; private, served through an access check."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="attachments"
    )
    event = models.ForeignKey(
        PetitionEvent,
        verbose_name=_("timeline entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=attachment_upload_to)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    visible_to_enterprise = models.BooleanField(_("visible to the enterprise"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name


class PetitionTally(models.Model):
    """Per month, category and department: the counts behind the three rates.

    Recomputed from the petitions of its group after every change to one of them (and for
    the recent months by the scheduled scan), so the metrics page sums a few hundred rows
    instead of scanning a million petitions. See petitions.metrics.
    """

    month = models.DateField(_("month"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    filed = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    responded_in_time = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    replied_late = models.PositiveIntegerField(default=0)
    reply_seconds = models.BigIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("petition tally")
        verbose_name_plural = _("petition tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "category", "department"],
                name="petition_tally_unique",
                condition=Q(department__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["month", "category"],
                name="petition_tally_unique_no_department",
                condition=Q(department__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["month"], name="petition_tally_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.category} {self.department_id}"


# --- Suggestions (建言) and social-condition reports (社情民意) -------------------------------


class SuggestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(author=user)


class Suggestion(models.Model):
    """A proposal or social-condition report and its chain: where it was sent, whether it
    went further up, where it was adopted and what a leader wrote on it (批示)."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggestion")
        REPORT = "report", _("Social-condition report")

    class SentTo(models.TextChoices):
        DISTRICT_COMMITTEE = "district_committee", _("District party committee")
        DISTRICT_GOVERNMENT = "district_government", _("District government")
        MUNICIPAL_FEDERATION = "municipal_federation", _("Municipal federation")

    class ForwardedTo(models.TextChoices):
        MUNICIPAL_FEDERATION = "municipal_federation", _("Municipal federation")
        NATIONAL_FEDERATION = "national_federation", _("National federation (ACFIC)")

    class Level(models.TextChoices):
        DISTRICT = "district", _("District")
        MUNICIPAL = "municipal", _("Municipal")
        NATIONAL = "national", _("National")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    text = models.TextField(_("text"), validators=[MaxLengthValidator(20000)])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    sent_to = models.CharField(_("sent to"), max_length=25, choices=SentTo.choices, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True, validators=[PAST])
    forwarded_to = models.CharField(
        _("forwarded on to"), max_length=25, choices=ForwardedTo.choices, blank=True
    )
    forwarded_on = models.DateField(_("forwarded on"), null=True, blank=True, validators=[PAST])
    adopted_level = models.CharField(
        _("adopted at level"), max_length=10, choices=Level.choices, blank=True
    )
    adopted_by = models.CharField(_("adopted by"), max_length=100, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True, validators=[PAST])
    instruction = models.TextField(_("leader's instruction"), blank=True)
    instruction_by = models.CharField(_("instruction by"), max_length=100, blank=True)
    instruction_on = models.DateField(_("instruction on"), null=True, blank=True, validators=[PAST])
    points = models.PositiveSmallIntegerField(
        _("points"), default=0, validators=[MaxValueValidator(1000)]
    )

    history = HistoricalRecords()
    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion or report")
        verbose_name_plural = _("suggestions and reports")
        ordering = ["-created_at", "-id"]
        # The suggestions list and ledger, newest first, and a year's suggestions.
        indexes = [models.Index(fields=["created_at", "id"], name="suggestion_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_to="") | Q(sent_on__isnull=False),
                name="suggestion_sent_has_date",
            ),
            models.CheckConstraint(
                condition=Q(forwarded_to="") | ~Q(sent_to=""),
                name="suggestion_forwarded_after_sent",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def adopted(self) -> bool:
        return bool(self.adopted_level)

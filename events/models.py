"""Events the federation and its chambers run, with invitations, registrations and attendance.

Seats: a `Registration` is one booking with a number of `seats` (1 for an open sign-up, up to
10 for an invitee who accepts "with attendees"), so the capacity is the sum of confirmed seats.
No database constraint can express "the sum of seats stays within the capacity", so
`services.register_for_event` locks the event row (SELECT … FOR UPDATE) while it counts and
decides; every path that takes or frees a seat goes through that lock.

Records of who came and who gave (registrations, donations, problems raised) are history:
they PROTECT their event, so an event that happened can be cancelled or finished, never deleted.
"""

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chambers.models import Organization
from core.dates import CALENDAR, PAST
from core.fields import EncryptedCharField
from core.queries import aggregate_of
from members.models import Enterprise


def new_token() -> str:
    """An unguessable secret for a personal link (invitation, check-in QR code)."""
    return secrets.token_urlsafe(24)


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.FINISHED])

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())

    def visible_to(self, user):
        """Who sees which event; `access.visible_events` explains the rules."""
        from .access import visible_events

        return visible_events(self, user)

    def with_counts(self):
        """Each event with its confirmed registrations and its invitations.

        One correlated subquery per figure: two counts over two joined relations would count
        every pair (4 registrations and 15 invitations made 60), and the subqueries run only
        for the rows of the page shown.
        """
        return self.annotate(
            confirmed=aggregate_of(Registration.objects.confirmed(), "event", models.Count("pk")),
            invited=aggregate_of(Invitation.objects.all(), "event", models.Count("pk")),
        )


class Event(models.Model):
    class Kind(models.TextChoices):
        BREAKFAST = "breakfast", _("Entrepreneurs' breakfast meeting")
        APPEAL_FORUM = "appeal_forum", _("Private enterprise appeal forum")
        SYMPOSIUM = "symposium", _("Symposium")
        FORUM = "forum", _("Forum")
        LECTURE = "lecture", _("Private enterprise lecture")
        TRAINING = "training", _("Training")
        FINANCING_FAIR = "financing_fair", _("Financing fair")
        RECRUITMENT_FAIR = "recruitment_fair", _("Recruitment fair")
        VILLAGE_TOUR = "village_tour", _("Village tour")
        STUDY_VISIT = "study_visit", _("Study visit")
        VOLUNTEER = "volunteer", _("Volunteer activity")
        CHARITY = "charity", _("Charity campaign")

    class Audience(models.TextChoices):
        MEMBERS = "members", _("Open to members")
        INVITATION = "invitation", _("Invitation only")
        PUBLIC = "public", _("Public")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        FINISHED = "finished", _("Finished")

    # Kinds where problems raised by enterprises are the point of the meeting.
    PROBLEM_KINDS = [Kind.BREAKFAST, Kind.APPEAL_FORUM, Kind.SYMPOSIUM]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text=_("A chamber, association or working group; leave empty for the federation."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, validators=[MaxLengthValidator(10000)]
    )
    venue = models.CharField(_("venue"), max_length=200)
    starts_at = models.DateTimeField(_("starts"), validators=[CALENDAR])
    ends_at = models.DateTimeField(_("ends"), validators=[CALENDAR])
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Seats available; leave empty for no limit."),
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, validators=[CALENDAR]
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"), null=True, blank=True, validators=[CALENDAR]
    )
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.MEMBERS
    )
    needs_approval = models.BooleanField(
        _("registrations need approval"),
        default=False,
        help_text=_("Staff confirm each registration before it takes a seat."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    invitations_send_at = models.DateTimeField(
        _("send invitations at"),
        null=True,
        blank=True,
        help_text=_("Invitations go out at this time; leave empty to send them by hand."),
        validators=[CALENDAR],
    )
    minutes = models.TextField(_("minutes"), blank=True, validators=[MaxLengthValidator(50000)])
    feedback_url = models.URLField(
        _("feedback form address"),
        blank=True,
        help_text=_("Sent with the thank-you notice after the event."),
    )
    cancellation_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_times_ordered"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gte=models.F("registration_opens_at")),
                name="event_registration_window_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_starts"),
            # The events and attendance ledgers, newest first: a page read from the index.
            models.Index(fields=["starts_at", "id"], name="event_starts"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open_for_registration(self) -> bool:
        """Published, not invitation-only, not started, and inside the registration window."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.audience != self.Audience.INVITATION
            and now < self.starts_at
            and (self.registration_opens_at is None or self.registration_opens_at <= now)
            and (self.registration_closes_at is None or now <= self.registration_closes_at)
        )

    @property
    def invitations_due(self) -> bool:
        """The planned time for sending the invitations has come (the scheduled job sends them)."""
        return self.invitations_send_at is not None and self.invitations_send_at <= timezone.now()

    @property
    def is_charity(self) -> bool:
        return self.kind == self.Kind.CHARITY


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(response=Invitation.Response.PENDING)

    def for_user(self, user):
        """Invitations addressed to this account or to the enterprise it acts for."""
        if not user.is_authenticated:
            return self.none()
        who = Q(user=user)
        if user.enterprise_id:
            who |= Q(enterprise_id=user.enterprise_id)
        return self.filter(who)


class Invitation(models.Model):
    """One invitee of an event: an enterprise, a leader's account, or a named guest.

    The token in the invitee's personal link is their only credential for answering, so a
    guest without an account can answer too; it is bound to this invitee and this event.
    """

    class Response(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    MAX_ATTENDEES = 10

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="invitations"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations",
        help_text=_("The account that is told; for an enterprise, its first user."),
    )
    guest_name = models.CharField(_("guest's name"), max_length=50, blank=True)
    guest_title = models.CharField(_("guest's title"), max_length=100, blank=True)
    guest_email = models.EmailField(_("guest's e-mail"), blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    response = models.CharField(
        _("response"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    attendees = models.PositiveSmallIntegerField(
        _("attendees"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ATTENDEES)],
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # Guests have no inbox whose notice keys de-duplicate, so their e-mails are recorded here.
    guest_day_before_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    guest_thanked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["token"])
    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["event", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | Q(user__isnull=False) | ~Q(guest_name=""),
                name="invitation_has_invitee",
            ),
            models.CheckConstraint(
                condition=Q(attendees__gte=1) & Q(attendees__lte=10),
                name="invitation_attendees_bounded",
            ),
            models.UniqueConstraint(
                fields=["event", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="invitation_one_per_enterprise",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False, enterprise__isnull=True),
                name="invitation_one_per_person",
            ),
        ]
        # An enterprise's timeline, newest first from where its page begins (reports.timeline).
        indexes = [
            models.Index(
                "enterprise", Coalesce("sent_at", "created_at"), "id",
                name="invitation_timeline",
            ),
        ]  # fmt: skip

    def __str__(self):
        return self.invitee_name

    @property
    def is_guest(self) -> bool:
        return self.user_id is None and self.enterprise_id is None

    @property
    def invitee_name(self) -> str:
        if self.enterprise_id:
            return self.enterprise.name
        if self.user_id:
            return self.user.real_name
        return self.guest_name

    @property
    def addressee(self) -> str:
        """Who the card is addressed to: a person's name, with the title or enterprise."""
        if self.is_guest:
            return f"{self.guest_name} {self.guest_title}".strip()
        if self.user_id:
            return self.user.real_name
        return self.enterprise.contact_name


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Holding a seat, on the waiting list, or waiting for approval."""
        return self.filter(status__in=Registration.ACTIVE)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self):
        """The waiting list in its order: first come, first served."""
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "id")

    def checked_in(self):
        return self.filter(checked_in_at__isnull=False)


class Registration(models.Model):
    """A booking of one or more seats, by a member user, an accepted invitee or a walk-in."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Not approved")

    ACTIVE = [Status.PENDING, Status.CONFIRMED, Status.WAITING]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_registrations",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_registrations",
    )
    invitation = models.OneToOneField(
        Invitation,
        verbose_name=_("invitation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registration",
    )
    person_name = models.CharField(_("name"), max_length=50)
    organisation_name = models.CharField(
        _("organisation"),
        max_length=100,
        blank=True,
        help_text=_("For a guest or walk-in without a member enterprise."),
    )
    mobile = EncryptedCharField(_("mobile phone"), max_length=20, blank=True)
    seats = models.PositiveSmallIntegerField(
        _("seats"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    checkin_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True, validators=[PAST])
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    promoted_at = models.DateTimeField(_("promoted from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["checkin_token"])
    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "id"]
        constraints = [
            # One live booking per account and event; cancelling frees the user to book again.
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False, status__in=["pending", "confirmed", "waiting"]),
                name="registration_one_active_per_user",
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1) & Q(seats__lte=10), name="registration_seats_bounded"
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="confirmed"),
                name="registration_checkin_only_confirmed",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="registration_queue"),
            # Attendance figures (the dashboard, the yearly report) read only who came.
            models.Index(
                fields=["event"],
                include=["enterprise", "seats"],
                condition=Q(checked_in_at__isnull=False),
                name="registration_attended",
            ),
            # An enterprise's timeline, newest first from where its page begins (reports.timeline).
            models.Index(fields=["enterprise", "created_at", "id"], name="registration_timeline"),
            models.Index(
                fields=["enterprise", "checked_in_at", "id"],
                condition=Q(checked_in_at__isnull=False),
                name="registration_attended_timeline",
            ),
        ]

    def __str__(self):
        return self.person_name

    @property
    def attendee_organisation(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.organisation_name


class EventPhoto(models.Model):
    """A caption for one of the event's photographs.

    Only the caption and the photographer's credit are kept: the pictures themselves live in
    the federation's photo archive (and its WeChat account), which the caption names by file.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="photos"
    )
    caption = models.CharField(_("caption"), max_length=300)
    file_reference = models.CharField(_("file in the photo archive"), max_length=200, blank=True)
    credit = models.CharField(_("photographer"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo caption")
        verbose_name_plural = _("photo captions")
        ordering = ["event", "id"]

    def __str__(self):
        return self.caption


class RaisedProblem(models.Model):
    """A problem an enterprise raised at a meeting (a breakfast meeting, an appeal forum).

    The petitions app links a petition to the meeting it came from; this is the meeting's own
    list, kept whether or not a petition was opened for it.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="problems"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_problems",
    )
    text = models.TextField(_("problem"), validators=[MaxLengthValidator(5000)])
    raised_by = models.CharField(_("raised by"), max_length=50, blank=True)
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
        verbose_name = _("problem raised")
        verbose_name_plural = _("problems raised")
        ordering = ["event", "id"]

    def __str__(self):
        return self.text[:50]


class DonationQuerySet(models.QuerySet):
    def totals(self) -> dict:
        agg = self.aggregate(
            cash=models.Sum("cash_yuan", default=Decimal("0")),
            goods=models.Sum("goods_value_yuan", default=Decimal("0")),
            donors=models.Count("id"),
        )
        agg["total"] = agg["cash"] + agg["goods"]
        return agg


class Donation(models.Model):
    """A gift to a charity campaign by one enterprise or one chamber, in money and goods."""

    event = models.ForeignKey(
        Event, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="donations"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("chamber"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    cash_yuan = models.DecimalField(
        _("money (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    goods_value_yuan = models.DecimalField(
        _("value of goods (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    description = models.CharField(_("what was given"), max_length=300, blank=True)
    received_on = models.DateField(_("received"), validators=[PAST])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["event", "received_on", "id"]
        # The donations ledger, newest first: a page read from the index.
        indexes = [
            models.Index(fields=["received_on", "id"], name="donation_received"),
            # An enterprise's timeline (reports.timeline).
            models.Index(fields=["enterprise", "received_on", "id"], name="donation_timeline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(enterprise__isnull=False) & Q(organization__isnull=True))
                | (Q(enterprise__isnull=True) & Q(organization__isnull=False)),
                name="donation_one_donor",
            ),
            models.CheckConstraint(
                condition=Q(cash_yuan__gte=0) & Q(goods_value_yuan__gte=0),
                name="donation_amounts_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(cash_yuan__gt=0) | Q(goods_value_yuan__gt=0),
                name="donation_not_empty",
            ),
        ]

    def __str__(self):
        return str(self.enterprise or self.organization)

    @property
    def donor(self):
        return self.enterprise or self.organization

"""Visits (走访调研): the federation's staff and leaders going to see member enterprises and
chambers, what they found there, and the coverage rule that every member is visited.

A visit is planned (which enterprises or chambers, by whom, when), then recorded as done (who
went, whom they met, what they found) or cancelled. Each problem found on it is a `Finding`,
which staff turn into a petition (channel "survey visit"): the finding keeps the link, so the
petitions app knows nothing of visits. A duty-log entry of the kind "visit to members" is
linked from the visit it records (`Visit.duty_log_entry`), for the same reason.
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chambers.models import DutyLogEntry, Organization
from core.dates import CALENDAR, PAST
from core.months import add_years
from members.models import Enterprise, on_roll


class VisitQuerySet(models.QuerySet):
    def with_day(self):
        """Each visit with `visit_day`: the date it was made, or until then the date planned."""
        return self.annotate(visit_day=Coalesce(F("done_on"), F("planned_on")))

    def done(self):
        return self.filter(status=Visit.Status.DONE)

    def in_year(self, year: int):
        """The visits whose day (see `with_day`) falls in `year`."""
        start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        return self.filter(
            Q(done_on__gte=start, done_on__lt=end)
            | Q(done_on__isnull=True, planned_on__gte=start, planned_on__lt=end)
        )


class Visit(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    planned_on = models.DateField(_("planned date"), validators=[CALENDAR])
    done_on = models.DateField(_("date visited"), null=True, blank=True, validators=[PAST])
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("enterprises visited"), blank=True, related_name="visits"
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("chambers visited"), blank=True, related_name="visits"
    )
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visitors (staff)"),
        blank=True,
        related_name="visits_made",
    )
    other_visitors = models.CharField(
        _("other visitors"),
        max_length=300,
        blank=True,
        help_text=_("Leaders, chamber officers or department officials who went, by name."),
    )
    met = models.TextField(_("whom they met"), blank=True, validators=[MaxLengthValidator(2000)])
    found = models.TextField(
        _("what they found"), blank=True, validators=[MaxLengthValidator(10000)]
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    duty_log_entry = models.OneToOneField(
        DutyLogEntry,
        verbose_name=_("duty-log entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visit",
        limit_choices_to={"kind": DutyLogEntry.Kind.VISIT},
        help_text=_("The executive chair's duty-log entry that records this visit."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords(m2m_fields=[enterprises, organizations, visitors])
    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-planned_on", "-id"]
        indexes = [
            models.Index(fields=["planned_on", "id"], name="visit_planned"),
            # The coverage rule: the done visits since a day.
            models.Index(fields=["status", "done_on"], name="visit_status_done"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="done") & Q(done_on__isnull=False))
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="visit_done_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="visit_cancel_has_reason",
            ),
        ]

    def __str__(self):
        day = self.done_on or self.planned_on
        return f"{date_format(day)} {self.purpose}".strip() if day else str(self.purpose)

    @property
    def day(self):
        return self.done_on or self.planned_on


class Finding(models.Model):
    """A problem found on a visit, for one enterprise; `petition` is set once it is filed."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="findings"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="visit_findings",
    )
    text = models.TextField(_("problem found"), validators=[MaxLengthValidator(5000)])
    petition = models.OneToOneField(
        "petitions.Petition",
        verbose_name=_("petition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visit_finding",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("problem found on a visit")
        verbose_name_plural = _("problems found on visits")
        ordering = ["visit", "id"]

    def __str__(self):
        return self.text[:50]


def coverage_cutoff(today=None) -> datetime.date:
    """The first day of the coverage period: `VISIT_COVERAGE_YEARS` years before today."""
    today = today or timezone.localdate()
    return add_years(today, -settings.VISIT_COVERAGE_YEARS)


def overdue_members(today=None):
    """The member enterprises on the roll today, members for the whole coverage period, that
    no done visit reached in it; each with `last_visited` (their latest done visit, if any)."""
    today = today or timezone.localdate()
    cutoff = coverage_cutoff(today)
    through = Visit.enterprises.through.objects.filter(
        enterprise_id=OuterRef("pk"), visit__status=Visit.Status.DONE
    )
    last = through.order_by().values("enterprise_id").annotate(last=Max("visit__done_on"))
    return (
        Enterprise.objects.filter(on_roll(today), joined_on__lte=cutoff)
        .exclude(Exists(through.filter(visit__done_on__gte=cutoff)))
        .annotate(last_visited=Subquery(last.values("last")))
    )

"""What the reports app keeps: the yearly report's figures, computed once (reports.services)."""

import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def year_over_at(year: int) -> datetime.datetime:
    """The first moment after `year` in the federation's time zone."""
    return datetime.datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())


class ReportFigures(models.Model):
    """A year's work-report figures, as numbers (`reports.dashboard.report.compute`), not as a
    page: the page, its print view and its workbook are drawn from them in the reader's
    language.

    A closed year's figures are computed once and kept; when its data change later (a
    petition closed, a donation entered late) they stay as computed, saying when, until staff
    compute them again from the report page, which records who did it (`computed_by`, and
    history keeps the figures they replaced; this year's as beat renews them are not kept
    in history). This year's are computed again by Celery beat
    (`reports.tasks.keep_report_figures`).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    figures = models.JSONField(_("figures"), encoder=DjangoJSONEncoder)
    through = models.DateField(_("figures up to"))
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the portal computed them on its schedule."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yearly report figures")
        verbose_name_plural = _("yearly report figures")

    def __str__(self):
        return str(self.year)

    @property
    def is_partial(self) -> bool:
        """This year's figures so far."""
        return self.through < datetime.date(self.year, 12, 31)

    @property
    def is_final(self) -> bool:
        """Computed after the year was over: a closed year's figures, kept for good."""
        return self.computed_at >= year_over_at(self.year)

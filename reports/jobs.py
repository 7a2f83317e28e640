"""The ledgers' exports as background jobs, when they are over EXPORT_IMMEDIATE_ROWS rows; the
yearly report's figures, computed and kept (reports.services.compute_in_background)."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.jobs import JobError, Outcome, register

from .ledgers.petitions import PETITIONS
from .ledgers.registry import LEDGERS

LEDGER_EXPORT = "ledger_export"
PETITION_LEDGER_EXPORT = "petition_ledger_export"
REPORT_FIGURES = "report_figures"


def exported(count) -> str:
    return _("%(count)s rows exported.") % {"count": count}


def write_ledger(name: str, queryset, progress=None) -> Outcome:
    """A ledger's workbook, in the request or in a job (`progress`)."""
    ledger = LEDGERS[name]
    return Outcome(file=ledger.export(queryset, progress), title=ledger.title)


@register(LEDGER_EXPORT, gettext_lazy("Ledger export"))
def export_ledger(job, progress) -> Outcome:
    ledger = LEDGERS[job.params["name"]]
    filterset = ledger.filterset(QueryDict(job.params["query"]))
    if not filterset.is_valid():
        raise JobError(_("Correct the filters, then export again."))
    outcome = write_ledger(ledger.name, filterset.qs, progress)
    outcome.summary = exported(job.done)
    return outcome


def petition_rows(query: str):
    return PETITIONS.filtered(PETITIONS.form(QueryDict(query)))


def write_petitions(query: str, progress=None) -> Outcome:
    """The petition ledger's workbook, in the request or in a job (`progress`)."""
    return Outcome(file=PETITIONS.export(petition_rows(query), progress), title=PETITIONS.title)


@register(PETITION_LEDGER_EXPORT, gettext_lazy("Petition ledger export"))
def export_petition_ledger(job, progress) -> Outcome:
    outcome = write_petitions(job.params["query"], progress)
    outcome.summary = exported(job.done)
    return outcome


@register(REPORT_FIGURES, gettext_lazy("Yearly report figures"))
def compute_report_figures(job, progress) -> Outcome:
    """Compute and keep a year's report figures for the staff member who asked. Safe to
    repeat: the figures are kept in place of the year's earlier ones."""
    from . import services  # services start these jobs

    year = job.params["year"]
    progress(0, 1, force=True)
    services.keep_report_figures(year=year, actor=job.owner)
    progress(1, 1, force=True)
    return Outcome(summary=_("The %(year)s work report's figures are computed.") % {"year": year})

"""The ledgers' exports as background jobs, when they are over EXPORT_IMMEDIATE_ROWS rows."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.jobs import JobError, Outcome, register

from .ledgers.petitions import PETITIONS
from .ledgers.registry import LEDGERS

LEDGER_EXPORT = "ledger_export"
PETITION_LEDGER_EXPORT = "petition_ledger_export"


def exported(count) -> str:
    return _("%(count)s rows exported.") % {"count": count}


def write_ledger(name: str, queryset, progress=None) -> Outcome:
    ledger = LEDGERS[name]
    file = ledger.export(queryset, progress)
    done = progress.job.done if progress is not None else None
    return Outcome(summary=exported(done), file=file, title=ledger.title)


@register(LEDGER_EXPORT, gettext_lazy("Ledger export"))
def export_ledger(job, progress) -> Outcome:
    ledger = LEDGERS[job.params["name"]]
    filterset = ledger.filterset(QueryDict(job.params["query"]))
    if not filterset.is_valid():
        raise JobError(_("Correct the filters, then export again."))
    return write_ledger(ledger.name, filterset.qs, progress)


def petition_rows(query: str):
    return PETITIONS.filtered(PETITIONS.form(QueryDict(query)))


def write_petitions(query: str, progress=None) -> Outcome:
    file = PETITIONS.export(petition_rows(query), progress)
    done = progress.job.done if progress is not None else None
    return Outcome(summary=exported(done), file=file, title=PETITIONS.title)


@register(PETITION_LEDGER_EXPORT, gettext_lazy("Petition ledger export"))
def export_petition_ledger(job, progress) -> Outcome:
    return write_petitions(job.params["query"], progress)

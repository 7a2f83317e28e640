"""The members' background jobs: the roster import, the directory's large exports and the
admin's notice to a large selection of enterprises."""

import tablib
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import excel
from core.jobs import JobError, Outcome, register

from . import services
from .filters import DirectoryFilter
from .forms import too_many_rows
from .models import Enterprise
from .resources import SHEET_TITLE, EnterpriseResource, read_roster
from .roll import RollChanged, put_on_roll

IMPORT = "members_import"
EXPORT = "members_export"
ADMIN_EXPORT = "members_admin_export"
ADMIN_NOTICE = "members_admin_notice"


@register(IMPORT, gettext_lazy("Member roster import"))
def import_roster(job, progress) -> Outcome:
    """Read the uploaded workbook (its rows counted first, no further than the limit) and put
    its rows on the roll, or only check them: in two steps, reading the sheet
    (resources.read_roster) and putting rows on the roll (roll.put_on_roll, as the demo does
    too). The report lists every row with a problem; one such row and nothing is imported."""
    limit = settings.IMPORT_MAX_ROWS
    with job.upload.open("rb") as upload:
        if excel.row_count(upload, limit) > limit:
            raise JobError(too_many_rows())
        try:
            dataset = tablib.Dataset().load(upload.read(), format="xlsx")
        except Exception as error:  # any unreadable workbook gets the same answer
            raise JobError(_("The workbook could not be read.")) from error
    dry_run = job.params.get("dry_run", True)
    try:
        result = put_on_roll(
            rows=read_roster(dataset), actor=job.owner, dry_run=dry_run, progress=progress
        )
    except RollChanged as error:
        raise JobError(
            _("The roll changed while the file was checked; nothing was imported. Import it again.")
        ) from error
    progress(len(dataset), len(dataset), force=True)
    if result.problems:
        verdict = _("Nothing was imported: correct the rows below and upload the file again.")
    elif dry_run:
        verdict = _("The file was checked; nothing was imported.")
    else:
        verdict = _("The roster was imported.")
    figures = (
        _("New: %(new)s · updated: %(update)s · unchanged: %(skip)s · invalid rows: %(invalid)s")
        % result.figures
    )
    return Outcome(summary=f"{verdict} {figures}", figures=result.figures, problems=result.problems)


def directory_rows(query: str, user):
    filterset = DirectoryFilter(QueryDict(query), queryset=Enterprise.objects.all(), user=user)
    if not filterset.is_valid():
        return Enterprise.objects.none()
    return filterset.qs.select_related("township")


def write_directory(query: str, user, progress=None) -> Outcome:
    """The directory's workbook, in the request or in a job (`progress`)."""
    include_private = QueryDict(query).get("private") == "1"
    resource = EnterpriseResource(include_private=include_private)
    file = resource.export_workbook(directory_rows(query, user), progress)
    return Outcome(file=file, title=SHEET_TITLE)


@register(EXPORT, gettext_lazy("Member directory export"))
def export_directory(job, progress) -> Outcome:
    outcome = write_directory(job.params["query"], job.owner, progress)
    outcome.summary = _("%(count)s members exported.") % {"count": job.done}
    return outcome


def admin_selection(query: str, selected: list | None, user):
    """The enterprises selected on the admin's list: the list as `query` (its filters, search
    and order) shows it to `user`, built by the admin's own changelist, and of those the
    `selected` ids, or all of them when "select all" was chosen (None)."""
    from django.contrib import admin  # the admin's registry, filled once the apps are ready

    model_admin = admin.site._registry[Enterprise]
    request = HttpRequest()
    request.method, request.GET, request.user = "GET", QueryDict(query), user
    try:
        rows = model_admin.get_changelist_instance(request).get_queryset(request)
    except IncorrectLookupParameters as error:
        raise JobError(_("The list's filters could not be read.")) from error
    return rows if selected is None else rows.filter(pk__in=selected)


def write_selection(rows, progress=None) -> Outcome:
    """The admin's selection: the directory's columns, without phone numbers."""
    rows = rows.select_related("township").order_by("name")
    file = EnterpriseResource().export_workbook(rows, progress)
    return Outcome(file=file, title=SHEET_TITLE)


@register(ADMIN_EXPORT, gettext_lazy("Export of the enterprises selected in the admin"))
def export_admin_selection(job, progress) -> Outcome:
    rows = admin_selection(job.params["query"], job.params["selected"], job.owner)
    outcome = write_selection(rows, progress)
    outcome.summary = _("%(count)s members exported.") % {"count": job.done}
    return outcome


def log_notice_sent(actor, enterprises, subject: str) -> None:
    """The admin's history of each enterprise a notice reached: who sent which."""
    LogEntry.objects.log_actions(
        actor.pk, enterprises, CHANGE, change_message=_("Sent a notice: %s") % subject
    )


@register(ADMIN_NOTICE, gettext_lazy("Notice to the enterprises selected in the admin"))
def send_admin_notice(job, progress) -> Outcome:
    """The message to every active user of the selection, each once (safe to run again: the
    sending's key); the enterprises without an active user are listed, not counted."""
    params = job.params
    enterprises = admin_selection(params["query"], params["selected"], job.owner)
    total = enterprises.count()
    progress(0, total, force=True)
    reached = services.send_message(
        enterprises=enterprises,
        actor=job.owner,
        subject=params["subject"],
        text=params["text"],
        sending=params["sending"],
    )
    log_notice_sent(job.owner, enterprises.filter(pk__in=reached), params["subject"])
    progress(total, total, force=True)
    missed = enterprises.exclude(pk__in=reached).order_by("name").values_list("name", flat=True)
    problem = _("No active user: sent nothing.")
    counts = {"reached": len(reached), "missed": total - len(reached)}
    sent = ngettext("Notice sent to %(reached)d enterprise.",
                    "Notice sent to %(reached)d enterprises.", counts["reached"])  # fmt: skip
    unreached = ngettext("%(missed)d has no active user.",
                         "%(missed)d have no active user.", counts["missed"])  # fmt: skip
    return Outcome(
        summary=f"{sent % counts} {unreached % counts}",
        figures=counts,
        problems=[(name, problem) for name in missed.iterator()],
    )

"""The ledger pages and their Excel exports: the same two views serve every ledger."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import jobs, pagecache
from core.access import staff_required

from .. import jobs as report_jobs
from .petitions import PETITIONS
from .registry import LEDGERS


def get_ledger(name: str):
    try:
        return LEDGERS[name]
    except KeyError:
        raise Http404 from None


@staff_required
@pagecache.kept_page
def index(request):
    ledgers = [
        {
            "ledger": ledger,
            "url": reverse(f"ledgers:{name}"),
            "export_url": reverse(f"ledgers:{name}_export"),
        }
        for name, ledger in LEDGERS.items()
    ]
    ledgers.append(
        {
            "ledger": PETITIONS,
            "url": reverse("petitions:ledger"),
            "export_url": reverse("petitions:ledger_export"),
        }
    )
    return render(request, "ledgers/index.html", {"ledgers": ledgers})


@staff_required
@pagecache.kept_page
def ledger_page(request, name):
    """The filtered ledger, a page at a time; with a filter that does not validate, the
    field says why and nothing is listed."""
    ledger = get_ledger(name)
    filterset = ledger.filterset(request.GET)
    valid = filterset.is_valid()
    queryset = filterset.qs if valid else filterset.queryset.none()
    page = ledger.paginate(queryset, request.GET.get("page"))
    rows = list(page.object_list)
    ledger.extend(rows)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ledgers/ledger.html", {
        "ledger": ledger,
        "filter": filterset,
        "valid": valid,
        "page": page,
        "columns": ledger.page_columns,
        "rows": ledger.present(rows),
        "totals": ledger.totals(queryset) if valid else [],
        "query": query.urlencode(),
        "page_url": reverse(f"ledgers:{ledger.name}"),
        "export_url": reverse(f"ledgers:{ledger.name}_export"),
    })  # fmt: skip


@staff_required
def ledger_export(request, name):
    """The whole filtered ledger as an Excel workbook: at once when small, else a background job."""
    ledger = get_ledger(name)
    filterset = ledger.filterset(request.GET)
    if not filterset.is_valid():
        messages.error(request, _("Correct the filters, then export again."))
        return redirect(f"{reverse(f'ledgers:{ledger.name}')}?{request.GET.urlencode()}")
    return jobs.export(
        request,
        kind=report_jobs.LEDGER_EXPORT,
        params={"name": ledger.name, "query": request.GET.urlencode()},
        rows=filterset.qs,
        write=lambda: report_jobs.write_ledger(ledger.name, filterset.qs),
    )


@staff_required
@pagecache.kept_page
def petition_ledger(request):
    """The petition ledger keeps its own page: the petitions' list with the ledger's filters;
    with a filter that does not validate, the field says why and nothing is listed."""
    form = PETITIONS.form(request.GET)
    page = PETITIONS.page(PETITIONS.filtered(form), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "petitions/ledger.html",
        {"form": form, "valid": form.is_valid(), "page": page, "query": query.urlencode()},
    )


@staff_required
def petition_ledger_export(request):
    form = PETITIONS.form(request.GET)
    if not form.is_valid():
        messages.error(request, _("Correct the filters, then export again."))
        return redirect(f"{reverse('petitions:ledger')}?{request.GET.urlencode()}")
    query = request.GET.urlencode()
    return jobs.export(
        request,
        kind=report_jobs.PETITION_LEDGER_EXPORT,
        params={"query": query},
        rows=report_jobs.petition_rows(query),
        write=lambda: report_jobs.write_petitions(query),
    )

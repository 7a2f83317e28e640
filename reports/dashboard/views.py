import html
import math

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import excel, pagecache
from core.access import staff_required

from .. import services
from . import figures, report

FIRST_YEAR = 2000


def chosen_year(request) -> int:
    """The `year` asked for, within reason; this year when absent or not a year."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except (TypeError, ValueError):
        return this_year
    return year if FIRST_YEAR <= year <= this_year else this_year


def year_choices(today=None) -> range:
    this_year = (today or timezone.localdate()).year
    return range(this_year, this_year - figures.GROWTH_YEARS, -1)


@staff_required
def dashboard(request):
    """The charts for a year. The figures and their tables are rendered once and kept in the
    cache (per year and language): staff reading the dashboard together cost one computation.
    Celery beat renders this year's and last year's ahead (`services.refresh_dashboard`), so
    those read at once; another year is computed when asked for and kept for
    DASHBOARD_CACHE_SECONDS."""
    year = chosen_year(request)
    seconds = settings.DASHBOARD_CACHE_SECONDS
    cached = cache.get(services.cache_key(year)) if seconds else None
    if cached is None:
        cached = services.store(year, ttl=seconds)
    return render(
        request,
        "dashboard/index.html",
        {
            "year": year,
            "years": year_choices(),
            "body": cached["body"],
            "computed_at": cached["computed_at"],
            "cache_seconds": seconds,
        },
    )


def kept_report(request, year: int):
    """The year's kept figures, or None after making sure a background job computes them:
    the request never computes a year (seconds at full size). This year's are kept ahead by
    Celery beat; see `services.compute_in_background`."""
    kept = services.kept_figures(year)
    if kept is None and services.failed(year) is None:
        services.compute_in_background(year=year, actor=request.user)
    return kept


def report_of(kept) -> SimpleLazyObject | None:
    """The report labelled in the current language, built only if something reads it."""
    if kept is None:
        return None
    return SimpleLazyObject(lambda: report.from_figures(kept.year, kept.figures))


def report_body(kept, built, *, links: bool) -> SafeString:
    """The report's tables, rendered once per kept figures, language and links (on the page)
    or not (printed): the same for every reader, so kept in the page cache. A year's kept
    figures are told apart by when they were computed; nothing else is shown."""
    html = pagecache.cached_fragment(
        "report-body",
        depends_on=(),
        vary_on=(kept.year, kept.computed_at.isoformat(), get_language(), links),
        render=lambda: pagecache.render_part(
            "dashboard/_report_body.html", {"report": built, "links": links}
        ),
    )
    return mark_safe(html)  # rendered by our template, which escapes what it shows


def render_report(request, year: int, kept):
    # Only a year without figures asks which job computes them: a page of kept figures
    # reads them alone (the button to compute again starts no second job, whoever presses).
    computing = services.computing(year) if kept is None else None
    failed = services.failed(year) if kept is None and computing is None else None
    built = report_of(kept)
    return render(
        request,
        "dashboard/report.html",
        {
            "report": built,
            "body": report_body(kept, built, links=True) if kept else "",
            "kept": kept,
            "computing": computing,
            "failed": failed,
            "computing_is_mine": computing is not None and computing.owner_id == request.user.pk,
            "year": year,
            "years": year_choices(),
            "is_this_year": year == timezone.localdate().year,
            # 0: no schedule (REPORT_FIGURES_SECONDS=0), and the page does not promise one.
            "schedule_minutes": math.ceil(settings.REPORT_FIGURES_SECONDS / 60),
        },
    )


@staff_required
def report_page(request):
    year = chosen_year(request)
    return render_report(request, year, kept_report(request, year))


@staff_required
@require_POST
def report_recompute(request):
    """Staff compute a year's figures again (its records changed after it was kept): in a
    background job, which records who asked; the page shows the kept figures meanwhile."""
    this_year = timezone.localdate().year
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = None
    if year is None or not FIRST_YEAR <= year <= this_year:
        years = {"first": FIRST_YEAR, "last": this_year}
        messages.error(request, _("Choose a year from %(first)s to %(last)s.") % years)
        return redirect("dashboard:report")
    services.compute_in_background(year=year, actor=request.user, again=True)
    messages.success(request, _("The %(year)s figures are being computed again.") % {"year": year})
    return redirect(f"{reverse('dashboard:report')}?year={year}")


@staff_required
def report_print(request):
    year = chosen_year(request)
    kept = kept_report(request, year)
    if kept is None:
        return render_report(request, year, kept)  # nothing to print yet
    built = report_of(kept)
    return render(
        request,
        "dashboard/report_print.html",
        {
            "report": built,
            "body": report_body(kept, built, links=False),
            "kept": kept,
            "year": year,
            "printed_at": timezone.localtime(),
        },
    )


@staff_required
def report_export(request):
    year = chosen_year(request)
    kept = kept_report(request, year)
    if kept is None:
        return render_report(request, year, kept)  # nothing to export yet
    data = report.from_figures(year, kept.figures)
    book = excel.Workbook()
    sheet = book.sheet(_("Report %(year)s") % {"year": year}, widths=[60, 16, 10])
    title = _("%(year)s work report: figures") % {"year": year}
    if data.is_partial:
        title += " " + _("(to %(day)s)") % {"day": date_format(data.period.last, "DATE_FORMAT")}
    sheet.append([title], font=excel.TITLE)
    computed_at = render_to_string("dashboard/_computed_at.html", {"kept": kept})
    sheet.append([html.unescape(strip_tags(computed_at))])  # text, not the page's HTML
    sheet.append([])
    sheet.append([_("Figure"), _("Value"), _("Unit")], font=excel.BOLD)
    for section in data.sections:
        sheet.append([section.title], font=excel.BOLD)
        for item in section.items:
            label = ("    " if item.indent else "") + str(item.label)
            sheet.append([label, item.value, item.unit])

    growth = book.sheet(
        _("Member growth"),
        header=[_("Year"), _("Members at the year's end"), _("New members"), _("Withdrawn")],
    )
    for row in zip(
        data.growth.years, data.growth.at_end, data.growth.joined, data.growth.left, strict=True
    ):
        growth.append(row)
    return excel.response(book.save(), _("%(year)s work report") % {"year": year})

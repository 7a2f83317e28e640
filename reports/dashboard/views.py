from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import excel
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


@staff_required
def report_page(request):
    year = chosen_year(request)
    return render(
        request,
        "dashboard/report.html",
        {"report": report.build(year), "year": year, "years": year_choices()},
    )


@staff_required
def report_print(request):
    year = chosen_year(request)
    return render(
        request,
        "dashboard/report_print.html",
        {"report": report.build(year), "year": year, "printed_at": timezone.localtime()},
    )


@staff_required
def report_export(request):
    year = chosen_year(request)
    data = report.build(year)
    book = excel.Workbook()
    sheet = book.sheet(_("Report %(year)s") % {"year": year}, widths=[60, 16, 10])
    title = _("%(year)s work report: figures") % {"year": year}
    if data.is_partial:
        title += " " + _("(to %(day)s)") % {"day": date_format(data.period.last, "DATE_FORMAT")}
    sheet.append([title], font=excel.TITLE)
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

import tempfile

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from members.access import staff_required

from . import charts, figures, report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
    Celery beat renders this year's and last year's ahead (`refresh`), so those read at once;
    another year is computed when asked for and kept for DASHBOARD_CACHE_SECONDS."""
    year = chosen_year(request)
    seconds = settings.DASHBOARD_CACHE_SECONDS
    cached = cache.get(cache_key(year)) if seconds else None
    if cached is None:
        cached = store(year, ttl=seconds)
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


def cache_key(year: int) -> str:
    return f"dashboard:v1:{year}:{get_language()}"


def store(year: int, *, ttl: int) -> dict:
    """Render the year's figures in the current language, and keep them for `ttl` seconds."""
    rendered = {"body": render_body(year), "computed_at": timezone.now()}
    if ttl:
        cache.set(cache_key(year), rendered, ttl)
    return rendered


def refresh() -> list[tuple[int, str]]:
    """Render this year's and last year's dashboard in every language (Celery beat runs it
    every DASHBOARD_CACHE_SECONDS). Kept three periods, so a late run leaves no gap."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return []
    this_year = timezone.localdate().year
    done = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for year in (this_year, this_year - 1):
                store(year, ttl=3 * seconds)
                done.append((year, language))
    return done


def render_body(year: int) -> str:
    data = figures.for_year(year)
    sections = [
        (
            _("Members"),
            list(charts.member_charts(year, data.roll, data.growth, figures.township_names())),
        ),
        (_("Events"), list(charts.event_charts(year, data.events))),
        (_("Petitions"), list(charts.petition_charts(year, data.petitions))),
        (
            _("Suggestions, donations and the duty roster"),
            [
                charts.suggestion_chart(year, data.suggestions),
                charts.donation_chart(year, data.donations),
                charts.duty_chart(year, data.duty),
            ],
        ),
    ]
    growth = data.growth
    return render_to_string(
        "dashboard/_body.html",
        {
            "data": data,
            "year": year,
            "new_members": growth.joined[-1] if growth.years and growth.years[-1] == year else 0,
            "sections": sections,
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
    book = Workbook()
    sheet = book.active
    sheet.title = _("Report %(year)s") % {"year": year}
    bold = Font(bold=True)
    title = _("%(year)s work report: figures") % {"year": year}
    if data.is_partial:
        title += " " + _("(to %(day)s)") % {"day": date_format(data.period.last, "DATE_FORMAT")}
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append([_("Figure"), _("Value"), _("Unit")])
    for cell in sheet[3]:
        cell.font = bold
    for section in data.sections:
        sheet.append([str(section.title)])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for item in section.items:
            label = ("    " if item.indent else "") + str(item.label)
            sheet.append([label, item.value, str(item.unit)])
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 16

    growth = book.create_sheet(_("Member growth"))
    growth.append([_("Year"), _("Members at the year's end"), _("New members"), _("Withdrawn")])
    for cell in growth[1]:
        cell.font = bold
    for row in zip(
        data.growth.years, data.growth.at_end, data.growth.joined, data.growth.left, strict=True
    ):
        growth.append(list(row))

    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — FileResponse closes it
    book.save(out)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=f"work-report-{year}.xlsx", content_type=XLSX
    )

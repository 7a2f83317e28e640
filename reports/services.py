"""Use cases of the reports app: the dashboard's figures rendered once and kept in the cache;
the yearly report's figures computed once and kept in the database."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import jobs as core_jobs
from core import pagecache
from core.models import Job
from members.models import Township
from services.models import ServiceField

from . import jobs
from .dashboard import charts, figures, links, report
from .models import ReportFigures


def cache_key(year: int) -> str:
    return f"dashboard:v1:{year}:{get_language()}"


def store(year: int, *, ttl: int) -> dict:
    """Render the year's figures in the current language, and keep them for `ttl` seconds."""
    rendered = {"body": render_body(year), "computed_at": timezone.now()}
    if ttl:
        cache.set(cache_key(year), rendered, ttl)
    return rendered


def refresh_dashboard() -> list[tuple[int, str]]:
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
            list(charts.member_charts(year, data.roll, data.growth, Township.objects.names())),
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
        (
            _("Services and visits"),
            [
                charts.service_chart(year, data.services),
                charts.visit_chart(year, data.visits),
            ],
        ),
        (
            _("Enterprise-support policies"),
            [
                charts.policy_chart(year, data.policies),
                # The dashboard alone: the report keeps no names, which may change.
                charts.policy_department_chart(year, figures.top_departments(year)),
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
            "ledgers": figure_links(year),
        },
    )


def figure_links(year: int) -> dict:
    """The list behind each of the key figures on services, visits and policies."""
    Terms = ServiceField.Terms
    return {
        "services": links.ledger("services", year=year),
        # The services of every field of these terms: those the outcome figures add up.
        **{
            terms: links.ledger("services", year=year, terms=terms)
            for terms in (Terms.FINANCE, Terms.LEGAL, Terms.TALENT)
        },
        "visits": links.ledger("visits", year=year, status="done"),
        "funnel": links.funnel(year),
        "granted": links.funnel_enterprises(year, "granted"),
    }


# --- The yearly report's kept figures ------------------------------------------------------------


def kept_figures(year: int) -> ReportFigures | None:
    """The figures to show for `year`: this year's as last computed; a closed year's only
    once computed after it was over (figures so far, kept on its last day, are not its
    report)."""
    [kept] = pagecache.cached_fragment(
        "report-figures",
        depends_on=(ReportFigures, get_user_model()),  # the name shown: renamed, shown anew
        vary_on=(year,),
        render=lambda: [read_figures(year)],  # a list: a year with none is kept too
    )
    if kept is None or (year < timezone.localdate().year and not kept.is_final):
        return None
    if kept.figures.get("version") != report.FIGURES_VERSION:
        return None  # kept by a release whose figures were others: computed again
    return kept


def read_figures(year: int) -> ReportFigures | None:
    """The row, with the name and e-mail address (what names them when they gave no name) of
    whoever asked for it and nothing else of theirs (it goes into the cache: no phone
    number)."""
    return (
        ReportFigures.objects.filter(year=year)
        .select_related("computed_by")
        .only(*KEPT_FIELDS, "computed_by__real_name", "computed_by__email")
        .first()
    )


KEPT_FIELDS = ("year", "figures", "through", "computed_at", "computed_by")


def keep_report_figures(*, year: int, actor=None) -> ReportFigures:
    """Compute `year`'s report figures and keep them in place of those kept before (history
    keeps those). `actor` is whoever asked; None is the portal's schedule.

    Computed outside the transaction (seconds at full size, reading only). Two computations
    of one year at once keep the later-started one: an older reading never replaces a newer.
    """
    started = timezone.now()
    values = report.compute(year, today=timezone.localdate(started))
    for _attempt in range(2):
        with transaction.atomic():
            kept = ReportFigures.objects.select_for_update().filter(year=year).first()
            if kept is not None and kept.computed_at > started:
                return kept
            kept = kept or ReportFigures(year=year)
            kept.figures = values
            kept.through = datetime.date.fromisoformat(values["last"])
            kept.computed_at = started
            kept.computed_by = actor
            kept._history_user = actor
            if actor is None and not kept.is_final:
                # This year's figures, kept again every few minutes: no history row each time
                # (a year of them would be a hundred thousand). Staff's and final ones have one.
                kept.skip_history_when_saving = True
            try:
                with transaction.atomic():
                    kept.save()
            except IntegrityError:
                continue  # another computation kept the year first: take its row's place
            return kept
    raise RuntimeError(f"The {year} report's figures could not be kept.")


def keep_this_years_figures() -> list[int]:
    """What Celery beat runs (`reports.tasks.keep_report_figures`): this year's figures so
    far, and last year's once more after it is over, so that its final figures are ready
    when staff first open it. Older years are computed when first asked for
    (`compute_in_background`)."""
    this_year = timezone.localdate().year
    done = [keep_report_figures(year=this_year).year]
    if kept_figures(this_year - 1) is None:
        done.append(keep_report_figures(year=this_year - 1).year)
    return done


def computing(year: int, *, waiting_only: bool = False) -> Job | None:
    """The background job computing `year`'s figures, if one is waiting or running (or only
    waiting: a running one may have read the records before they were corrected)."""
    states = [Job.State.QUEUED] if waiting_only else [Job.State.QUEUED, Job.State.RUNNING]
    return (
        Job.objects.filter(kind=jobs.REPORT_FIGURES, params__year=year, state__in=states)
        .select_related("owner")
        .order_by("created_at")
        .first()
    )


def failed(year: int) -> Job | None:
    """The last job that computed `year`'s figures, if it failed: the page then says so and
    leaves it to staff to try again, rather than start a job each time it is opened."""
    last = (
        Job.objects.filter(kind=jobs.REPORT_FIGURES, params__year=year)
        .order_by("-created_at", "-pk")
        .first()
    )
    return last if last is not None and last.state == Job.State.FAILED else None


def compute_in_background(*, year: int, actor, again: bool = False) -> Job:
    """Start a background job that computes and keeps `year`'s figures for `actor`, unless
    one is already at it (whoever started it); `again` (staff's button: the records were
    corrected) starts one unless one is still waiting, as a running one may have read them
    before.

    A background job rather than the request: a year costs seconds of the database's time
    at full size, and the staff member who asked is told when it is done (a notice). Beat
    keeps only this year and last year ahead (`keep_this_years_figures`): an older year is
    asked for seldom, and once kept it is never computed again unless staff ask. Two
    requests at once start one job: the year is locked while one looks and starts.
    """
    with transaction.atomic():
        lock_year(year)
        return computing(year, waiting_only=again) or core_jobs.start(
            owner=actor, kind=jobs.REPORT_FIGURES, params={"year": year}
        )


def lock_year(year: int) -> None:
    """Hold a lock on `year`'s figures until the transaction ends (PostgreSQL's advisory
    lock; SQLite, for `make run`, lets one writer in at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"report:{year}"])

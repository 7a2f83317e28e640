"""Use cases of the reports app: the dashboard's figures rendered once and kept in the cache."""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from members.models import Township

from .dashboard import charts, figures


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

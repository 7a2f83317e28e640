from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from members import urls as member_urls
from members.password_reset import PasswordResetView
from petitions import urls as petition_urls
from reports.ledgers.urls import petition_urlpatterns
from reports.timeline.urls import enterprise_urlpatterns

from . import views

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME
admin.site.site_url = None  # the header's "back to the portal" (templates/admin/base_site.html)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # An enterprise's timeline is defined in reports, which members may not import: it joins
    # the members namespace here, under the enterprise's address.
    path(
        "members/",
        include((enterprise_urlpatterns + member_urls.urlpatterns, member_urls.app_name)),
    ),
    path("notices/", include("notices.urls")),
    path("chambers/", include("chambers.urls")),
    path("roster/", include("chambers.roster.urls")),
    path("events/", include("events.urls")),
    # The petition ledger is defined in reports, which petitions may not import: its two
    # addresses join the petitions namespace here.
    path(
        "petitions/",
        include(
            (
                petition_urlpatterns + petition_urls.urlpatterns,
                petition_urls.app_name,
            )
        ),
    ),
    path("policies/", include("policies.urls")),
    path("visits/", include("visits.urls")),
    path("services/", include("services.urls")),
    path("ledgers/", include("reports.ledgers.urls")),
    path("dashboard/", include("reports.dashboard.urls")),
    path("jobs/", include("core.urls")),
    path("admin/", admin.site.urls),
]

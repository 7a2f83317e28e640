from django.urls import path

from . import views
from .registry import LEDGERS

app_name = "ledgers"
urlpatterns = [path("", views.index, name="index")]
for name in LEDGERS:
    urlpatterns += [
        path(f"{name}/", views.ledger_page, {"name": name}, name=name),
        path(f"{name}/export.xlsx", views.ledger_export, {"name": name}, name=f"{name}_export"),
    ]

# The petition ledger keeps its address under /petitions/ and its names in that namespace: the
# root URLconf adds these to the petitions app's own patterns (petitions does not import reports).
petition_urlpatterns = [
    path("ledger/", views.petition_ledger, name="ledger"),
    path("ledger/export.xlsx", views.petition_ledger_export, name="ledger_export"),
]

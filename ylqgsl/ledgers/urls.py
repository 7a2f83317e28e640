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

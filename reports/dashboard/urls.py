from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("report/", views.report_page, name="report"),
    path("report/recompute/", views.report_recompute, name="report_recompute"),
    path("report/print/", views.report_print, name="report_print"),
    path("report/export.xlsx", views.report_export, name="report_export"),
]

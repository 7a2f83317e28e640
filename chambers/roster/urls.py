from django.urls import path, register_converter

from . import views


class MonthConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(MonthConverter, "month")

app_name = "roster"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("generate/", views.generate, name="generate"),
    path("export.xlsx", views.export, name="export"),
    path("unavailable/", views.unavailable, name="unavailable"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("ical/<str:token>.ics", views.ical, name="ical"),
    path("ical/<str:token>/all.ics", views.ical_all, name="ical_all"),
    path("swaps/", views.swaps, name="swaps"),
    path("swaps/new/", views.swap_new, name="swap_new"),
    path("swaps/<uuid:public_id>/answer/", views.swap_answer, name="swap_answer"),
    path("swaps/<uuid:public_id>/withdraw/", views.swap_withdraw, name="swap_withdraw"),
    path("swaps/<uuid:public_id>/decide/", views.swap_decide, name="swap_decide"),
    path("<month:key>/", views.month, name="month"),
    path("<month:key>/edit/", views.month_edit, name="month_edit"),
    path("<month:key>/log/", views.log_add, name="log_add"),
    path("<month:key>/summary/", views.summary, name="summary"),
]

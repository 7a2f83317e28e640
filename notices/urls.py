from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("preferences/", views.email_preferences, name="preferences"),
    path("<uuid:public_id>/", views.open_notice, name="open"),
]

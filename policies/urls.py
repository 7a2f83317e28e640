from django.urls import path  # noqa: F401

from . import follow_views

app_name = "policies"

urlpatterns: list = [*follow_views.urlpatterns]

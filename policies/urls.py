from django.urls import path  # noqa: F401

from .announcements import urls as announcement_urls

app_name = "policies"

urlpatterns: list = [
    *announcement_urls.urlpatterns,
]

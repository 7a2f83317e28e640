from django.urls import path

from . import follow_views, views
from .announcements import urls as announcement_urls

app_name = "policies"

urlpatterns = [
    *announcement_urls.urlpatterns,
    *follow_views.urlpatterns,
    path("", views.policy_list, name="list"),
    path("for-you/", views.for_you, name="for_you"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("staff/", views.manage, name="manage"),
    path("new/", views.policy_new, name="new"),
    path("<uuid:public_id>/", views.policy_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.policy_edit, name="edit"),
    path("<uuid:public_id>/withdraw/", views.policy_withdraw, name="withdraw"),
    path("<uuid:public_id>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "<uuid:public_id>/attachments/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<uuid:public_id>/attachments/<uuid:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
]

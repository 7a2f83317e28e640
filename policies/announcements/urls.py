"""The announcements' addresses, under /policies/announcements/ in the policies namespace."""

from django.urls import path

from . import views

ONE = "announcements/<uuid:public_id>/"

urlpatterns = [
    path("announcements/", views.news, name="announcements"),
    path("announcements/manage/", views.manage, name="announcement_manage"),
    path("announcements/new/", views.new, name="announcement_new"),
    path(ONE, views.detail, name="announcement"),
    path(
        f"{ONE}attachments/<uuid:attachment_id>/",
        views.attachment,
        name="announcement_attachment",
    ),
    path(f"{ONE}edit/", views.edit, name="announcement_edit"),
    path(f"{ONE}review/", views.review, name="announcement_review"),
    path(f"{ONE}send/", views.send, name="announcement_send"),
    path(f"{ONE}unschedule/", views.unschedule, name="announcement_unschedule"),
    path(f"{ONE}receipts/", views.receipts, name="announcement_receipts"),
    path(f"{ONE}remind/", views.remind, name="announcement_remind"),
    path(f"{ONE}export/", views.export, name="announcement_export"),
]

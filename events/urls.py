from django.urls import path

from . import door_views, views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("calendar/", views.this_month, name="calendar"),
    path("calendar/<int:year>/<int:month>/", views.month, name="month"),
    path("events.ics", views.ical, name="ical"),
    path("mine/", views.mine, name="mine"),
    path("manage/", views.manage, name="manage"),
    path("new/", views.create, name="create"),
    path("checkin/<str:token>/", door_views.checkin_scan, name="checkin_scan"),
    path(
        "registrations/<uuid:public_id>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "registrations/<uuid:public_id>/decide/",
        views.registration_decide,
        name="registration_decide",
    ),
    path("registrations/<uuid:public_id>/qr.svg", views.registration_qr, name="registration_qr"),
    path("registrations/<uuid:public_id>/check-in/", door_views.check_in, name="check_in"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/register/", views.register, name="register"),
    path("<uuid:public_id>/edit/", views.edit, name="edit"),
    path("<uuid:public_id>/publish/", views.publish, name="publish"),
    path("<uuid:public_id>/cancel/", views.cancel, name="cancel"),
    path("<uuid:public_id>/dashboard/", views.dashboard, name="dashboard"),
    path("<uuid:public_id>/invite/", views.invite, name="invite"),
    path("<uuid:public_id>/invitations/send/", views.send_invitations, name="send_invitations"),
    path("<uuid:public_id>/invitations/remind/", views.remind, name="remind"),
    path("<uuid:public_id>/attendees.xlsx", views.export, name="export"),
    path("<uuid:public_id>/checkin/", door_views.checkin, name="checkin"),
    path("<uuid:public_id>/walk-in/", door_views.walk_in, name="walk_in"),
    path("<uuid:public_id>/record/", door_views.record, name="record"),
    path("<uuid:public_id>/invitation/<str:token>/", views.invitation, name="invitation"),
    path(
        "<uuid:public_id>/invitation/<str:token>/card/",
        views.invitation_card,
        name="invitation_card",
    ),
    path(
        "<uuid:public_id>/invitation/<str:token>/qr.svg", views.invitation_qr, name="invitation_qr"
    ),
]

from django.urls import path

from . import qualification_views, views

app_name = "members"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("export.xlsx", views.export_directory, name="export"),
    path("import/", views.import_roster, name="import"),
    path("profile/", views.profile, name="profile"),
    path("qualifications/", qualification_views.qualifications, name="qualifications"),
    path(
        "qualifications/<int:pk>/edit/",
        qualification_views.qualification_edit,
        name="qualification_edit",
    ),
    path(
        "qualifications/<int:pk>/withdraw/",
        qualification_views.qualification_withdraw,
        name="qualification_withdraw",
    ),
    path(
        "qualifications/review/",
        qualification_views.qualification_review,
        name="qualification_review",
    ),
    path(
        "qualifications/<int:pk>/verify/",
        qualification_views.qualification_verify,
        name="qualification_verify",
    ),
    path(
        "qualifications/<int:pk>/reject/",
        qualification_views.qualification_reject,
        name="qualification_reject",
    ),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<uuid:public_id>/", views.application_detail, name="application_detail"),
    path(
        "applications/<uuid:public_id>/approve/",
        views.application_approve,
        name="application_approve",
    ),
    path(
        "applications/<uuid:public_id>/reject/",
        views.application_reject,
        name="application_reject",
    ),
    path(
        "applications/<uuid:public_id>/licence/",
        views.application_licence,
        name="application_licence",
    ),
    path("<uuid:public_id>/", views.enterprise_detail, name="enterprise_detail"),
    path("<uuid:public_id>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("<uuid:public_id>/status/", views.enterprise_status, name="enterprise_status"),
]

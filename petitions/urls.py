from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list, name="list"),
    path("new/", views.petition_new, name="new"),
    path("record/", views.petition_record_new, name="record_new"),
    path(
        "from-event/<uuid:event_id>/problems/<int:problem_id>/",
        views.petition_from_problem,
        name="from_problem",
    ),
    path("metrics/", views.metrics_view, name="metrics"),
    path("duty/", views.duty_view, name="duty"),
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("suggestions/new/", views.suggestion_new, name="suggestion_new"),
    path("suggestions/<uuid:public_id>/", views.suggestion_detail, name="suggestion_detail"),
    path("<uuid:public_id>/", views.petition_detail, name="detail"),
    path("<uuid:public_id>/timeline/", views.petition_timeline, name="timeline"),
    path("<uuid:public_id>/record/", views.petition_record, name="record"),
    path("<uuid:public_id>/act/<slug:action>/", views.petition_act, name="act"),
    path("<uuid:public_id>/information/", views.petition_provide_info, name="provide_info"),
    path("<uuid:public_id>/rate/", views.petition_rate, name="rate"),
    path(
        "<uuid:public_id>/files/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]

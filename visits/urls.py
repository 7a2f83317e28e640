from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("", views.visit_list, name="list"),
    path("plan/", views.visit_plan, name="plan"),
    path("overdue/", views.overdue, name="overdue"),
    path("<uuid:public_id>/", views.visit_detail, name="detail"),
    path("<uuid:public_id>/record/", views.visit_record, name="record"),
    path("<uuid:public_id>/cancel/", views.visit_cancel, name="cancel"),
    path("<uuid:public_id>/findings/", views.finding_add, name="finding_add"),
    path(
        "<uuid:public_id>/findings/<int:finding_id>/petition/",
        views.finding_petition,
        name="finding_petition",
    ),
]

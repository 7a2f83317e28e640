from django.urls import path

from . import views

app_name = "services"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("new/", views.service_new, name="new"),
    path("mine/", views.services_received, name="mine"),
    path("chamber/<slug:slug>/", views.chamber_services, name="chamber"),
    path("<uuid:public_id>/", views.service_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.service_edit, name="edit"),
    path("<uuid:public_id>/rate/", views.service_rate, name="rate"),
]

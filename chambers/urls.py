from django.urls import path

from . import views

app_name = "chambers"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("structure/", views.structure, name="structure"),
    path("<slug:slug>/", views.organization_detail, name="detail"),
    path("<slug:slug>/members/", views.member_list, name="members"),
    path("<slug:slug>/members/<int:pk>/end/", views.member_end, name="member_end"),
]

from django.urls import path

from . import views

# An enterprise's timeline keeps its address under the enterprise's, /members/<id>/timeline/,
# and its name in the members namespace: the root URLconf adds these to the members app's own
# patterns (members does not import reports).
enterprise_urlpatterns = [
    path("<uuid:public_id>/timeline/", views.enterprise_timeline, name="enterprise_timeline"),
]

"""The portal's URLs and one that fails, for the test of the 500 page."""

from django.urls import path

from ylqgsl.urls import urlpatterns as portal


def fail(request):
    raise RuntimeError("a failure the test provokes")


urlpatterns = [*portal, path("fail/", fail)]

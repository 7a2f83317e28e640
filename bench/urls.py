"""The project's URLs plus two reference views that the benchmark compares pages with."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from ylqgsl.urls import urlpatterns as project_urlpatterns


def bare(request):
    """What Django costs with no work: the same middleware, no query, no template."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def base_page(request):
    """The floor of any portal page: a logged-in user (session and user queries) and the
    base template (navigation, unread notices, language menu) with no content."""
    return render(request, "base.html")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/base/", base_page, name="bench_base"),
    *project_urlpatterns,
]

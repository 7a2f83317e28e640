"""core.access: anonymous users are sent to log in, signed-in users who fail get 403."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from core.access import staff_required, user_passes


def view(request, *args, **kwargs):
    return HttpResponse("seen")


def request_by(user, path="/ledgers/?year=2026"):
    request = RequestFactory().get(path)
    request.user = user
    return request


@pytest.mark.django_db
def test_staff_required(staff, user_a):
    guarded = staff_required(view)
    assert guarded(request_by(staff)).content == b"seen"
    with pytest.raises(PermissionDenied):
        guarded(request_by(user_a))
    response = guarded(request_by(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/ledgers/%3Fyear%3D2026"


@pytest.mark.django_db
def test_user_passes_asks_its_test_of_the_signed_in_user_only(user_a, user_b):
    asked = []

    def acts_for_a(user):
        asked.append(user)
        return user.enterprise_id == user_a.enterprise_id

    guarded = user_passes(acts_for_a)(view)
    assert guarded(request_by(user_a)).content == b"seen"
    with pytest.raises(PermissionDenied):
        guarded(request_by(user_b))
    assert guarded(request_by(AnonymousUser())).status_code == 302
    assert asked == [user_a, user_b]
    assert guarded.__name__ == "view"

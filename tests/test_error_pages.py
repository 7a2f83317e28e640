"""Error pages are the portal's pages, in the visitor's language, with a way back home."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import client_for

PAGES = {
    "zh-hans": {
        400: "无法处理的请求",
        403: "无权访问",
        404: "页面不存在",
        500: "出了点问题",
        "csrf": "表单已过期",
        "home": "返回首页",
    },
    "en": {
        400: "Bad request",
        403: "Not allowed",
        404: "Page not found",
        500: "Something went wrong",
        "csrf": "The form has expired",
        "home": "Back to the home page",
    },
}
LANGUAGES = list(PAGES)


def in_language(client: Client, language: str) -> Client:
    client.cookies["django_language"] = language
    return client


def assert_portal_page(response, language: str, key):
    html = response.content.decode()
    words = PAGES[language]
    assert words[key] in html
    assert words["home"] in html
    assert f'<html lang="{language}">' in html
    assert f'href="{reverse("home")}" id="error-home"' in html
    assert "延庆区工商联会员服务平台" in html  # the portal's header
    other = PAGES["en" if language == "zh-hans" else "zh-hans"]
    assert other[key] not in html


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_page_not_found_is_the_portals_page(client, language):
    response = in_language(client, language).get("/no-such-page/")
    assert response.status_code == 404
    assert_portal_page(response, language, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_page_not_found_for_a_signed_in_user_keeps_the_navigation(user_a, language):
    response = in_language(client_for(user_a), language).get("/petitions/no-such-petition/")
    assert response.status_code == 404
    assert_portal_page(response, language, 404)
    assert 'id="petitions-link"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_forbidden_is_the_portals_page(outsider, language):
    response = in_language(client_for(outsider), language).get(reverse("members:directory"))
    assert response.status_code == 403
    assert_portal_page(response, language, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_error_pages_work_with_the_page_cache(page_cache, user_a, outsider, language):
    for _ in range(2):  # the second time from the cached parts
        response = in_language(client_for(outsider), language).get(reverse("members:directory"))
        assert response.status_code == 403
        assert_portal_page(response, language, 403)
        response = in_language(client_for(user_a), language).get("/members/no-such-page/")
        assert response.status_code == 404
        assert_portal_page(response, language, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@override_settings(ROOT_URLCONF="tests.error_urls")
def test_server_error_is_the_portals_page(client, language):
    client.raise_request_exception = False
    response = in_language(client, language).get("/fail/")
    assert response.status_code == 500
    assert_portal_page(response, language, 500)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_bad_request_is_the_portals_page(client, language):
    response = in_language(client, language).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert_portal_page(response, language, 400)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_form_is_the_portals_page(language):
    client = in_language(Client(enforce_csrf_checks=True), language)
    response = client.post(reverse("login"), {"username": "a@ylqgsl.test", "password": "x"})
    assert response.status_code == 403
    assert_portal_page(response, language, "csrf")

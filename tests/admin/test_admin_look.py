"""The admin carries the portal's name, colours and the way back, under the portal's CSP."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "back"), [("zh-hans", "返回门户"), ("en", "Back to the portal")]
)
def test_the_admin_has_the_portals_name_colours_and_way_back(admin_client, language, back):
    admin_client.cookies["django_language"] = language
    response = admin_client.get(reverse("admin:index"))
    page = response.content.decode()
    assert f"<title>{settings.PORTAL_NAME}" in page or f"| {settings.PORTAL_NAME}</title>" in page
    assert f'<a href="{reverse("admin:index")}">{settings.PORTAL_NAME}</a>' in page
    assert re.search(rf'<a class="portal-link" href="{reverse("home")}">{back}</a>', page)
    assert 'href="/static/css/admin.css"' in page
    assert "--header-bg: #0d6efd" in Path(finders.find("css/admin.css")).read_text()
    # Everything from the portal itself, under the portal's policy.
    csp = response["Content-Security-Policy"]
    assert "style-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    for url in re.findall(r'(?:src|href)="([^"]+\.(?:css|js))"', page):
        assert url.startswith("/static/"), url
    assert "<style" not in page and " style=" not in page


@pytest.mark.django_db
def test_the_admin_log_in_page_has_the_portals_name(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert settings.PORTAL_NAME in page

"""The admin in the portal's colours in light mode only: Django's dark mode, chosen by the
theme toggle or by the system while the toggle is on "auto", keeps its own colours."""

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PORTAL_BLUE = "#0d6efd"


def header_bg(page) -> str:
    return page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--header-bg').trim()"
    )


@pytest.mark.parametrize(
    ("system", "toggle", "portal"),
    [
        ("light", "auto", True),
        ("dark", "auto", False),
        ("light", "dark", False),
        ("dark", "light", True),
    ],
)
def test_the_portal_colours_only_in_light_mode(new_page, superuser, system, toggle, portal):
    page = new_page()
    page.emulate_media(color_scheme=system)
    page.goto("/admin/login/")
    page.fill("#id_username", superuser.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.evaluate(f"localStorage.setItem('theme', '{toggle}')")
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == toggle
    assert (header_bg(page) == PORTAL_BLUE) is portal, header_bg(page)

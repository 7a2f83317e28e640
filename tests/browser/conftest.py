"""A real Chromium driven by Playwright against the live test server.

The browser is Debian's chromium (CHROMIUM_PATH to override). Without one the tests are
skipped on a developer's machine; in CI (CI=true) a missing browser fails the run.
"""

import os
import shutil

import pytest

from tests.conftest import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def log_in(page, email, password=PASSWORD):
    """Sign in through the log-in page, as a person would."""
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/")


def fill_registration(page, licence, *, person, email, mobile, password, enterprise, credit_code,
                      industry, size, township, address, contact_mobile=None):  # fmt: skip
    """Fill in and send the registration form as an applicant would: `person` registers,
    represents the enterprise and is its contact; `licence` is the file to upload."""
    page.goto("/members/register/")
    page.fill("#id_account-real_name", person)
    page.fill("#id_account-email", email)
    page.fill("#id_account-mobile", mobile)
    page.fill("#id_account-password1", password)
    page.fill("#id_account-password2", password)
    page.fill("#id_name", enterprise)
    page.fill("#id_credit_code", credit_code)
    page.fill("#id_legal_representative", person)
    page.select_option("#id_industry", industry)
    page.select_option("#id_size", size)
    page.select_option("#id_ownership", "private")
    page.select_option("#id_township", label=township)
    page.fill("#id_address", address)
    page.fill("#id_contact_name", person)
    page.fill("#id_contact_mobile", contact_mobile or mobile)
    page.set_input_files("#id_licence", str(licence))
    page.check("#id_consent")
    page.click("#submit-id-submit")


def chromium_path():
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        message = "Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Pages in separate contexts (separate cookies): one per person in the story."""
    contexts = []

    def make(language="zh-hans"):
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _cached_pages(page_cache):
    """The stories run with cached page parts, users and counts, as production does: every
    change a story makes must show on the next page it opens."""

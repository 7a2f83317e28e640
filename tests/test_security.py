"""Log-in, lock-out, enumeration and the security headers."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext as _

from tests.factories import UserFactory
from ylqgsl.checks import proxy_count_behind_proxy
from ylqgsl.lockout import client_ip_address

pytestmark = pytest.mark.django_db
BASE_DIR = Path(settings.BASE_DIR)


def login(client, email, password="wrong password"):
    return client.post(reverse("login"), {"username": email, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_with_the_right_password(client, user_a):
    response = login(client, "a@ylqgsl.test", "correct horse battery")
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user_a


def test_login_error_does_not_tell_whether_the_account_exists(client, user_a):
    wrong_password = login(client, "a@ylqgsl.test").context["form"].errors
    unknown_account = login(client, "nobody@ylqgsl.test").context["form"].errors
    assert wrong_password == unknown_account


def test_lockout_after_repeated_failures(client, user_a, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "a@ylqgsl.test")
    response = login(client, "a@ylqgsl.test", "correct horse battery")
    assert response.status_code == 429
    assert _("Too many failed log-in attempts") in response.content.decode()
    assert not signed_in(client)
    user_a.refresh_from_db()
    assert user_a.last_login is None


def test_lockout_looks_the_same_for_unknown_accounts(client, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "nobody@ylqgsl.test")
    assert login(client, "nobody@ylqgsl.test").status_code == 429


PROXY = "10.0.0.2"  # the HTTPS proxy's address, as gunicorn sees every request
OWNER = "198.51.100.7"
ATTACKER = "203.0.113.9"


def login_via_proxy(client, email, forwarded_for, password="wrong password"):
    """A log-in passed on by the proxy, which appends the client's address to the header."""
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_behind_the_proxy_a_stranger_cannot_lock_the_owner_out(
    client, user_a, settings, behind_proxy
):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login_via_proxy(client, "a@ylqgsl.test", ATTACKER)
    assert login_via_proxy(client, "a@ylqgsl.test", ATTACKER).status_code == 429
    response = login_via_proxy(client, "a@ylqgsl.test", OWNER, "correct horse battery")
    assert response.status_code == 302


def test_behind_the_proxy_forged_forwarded_entries_do_not_escape_the_lock(
    client, user_a, settings, behind_proxy
):
    # The client writes its own X-Forwarded-For; the proxy appends the address it saw.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login_via_proxy(client, "a@ylqgsl.test", f"192.0.2.{attempt}, {ATTACKER}")
    response = login_via_proxy(
        client, "a@ylqgsl.test", f"192.0.2.99, {ATTACKER}", "correct horse battery"
    )
    assert response.status_code == 429
    assert not signed_in(client)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, user_a, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login_via_proxy(client, "a@ylqgsl.test", f"192.0.2.{attempt}")
    response = login_via_proxy(client, "a@ylqgsl.test", "192.0.2.99", "correct horse battery")
    assert response.status_code == 429
    assert not signed_in(client)


def test_one_password_sprayed_over_many_accounts_is_limited_per_address(
    client, user_a, settings, behind_proxy
):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        response = login_via_proxy(client, f"member{number}@ylqgsl.test", ATTACKER)
        assert response.status_code == 200
    login_via_proxy(client, "member-last@ylqgsl.test", ATTACKER)
    # Each account failed once only, yet this address may try no account any more.
    blocked = login_via_proxy(client, "a@ylqgsl.test", ATTACKER, "correct horse battery")
    assert blocked.status_code == 429
    assert not signed_in(client)
    # The same accounts from another address are not affected.
    response = login_via_proxy(client, "a@ylqgsl.test", OWNER, "correct horse battery")
    assert response.status_code == 302


def test_logging_in_to_ones_own_account_does_not_clear_sprayed_failures(
    client, user_a, settings, behind_proxy
):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        login_via_proxy(client, f"member{number}@ylqgsl.test", ATTACKER)
    own = login_via_proxy(client, "a@ylqgsl.test", ATTACKER, "correct horse battery")
    assert own.status_code == 302
    client.logout()
    login_via_proxy(client, "member-last@ylqgsl.test", ATTACKER)
    assert login_via_proxy(client, "member-next@ylqgsl.test", ATTACKER).status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "203.0.113.9", PROXY),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "192.0.2.1, 203.0.113.9", "203.0.113.9"),
        (2, "192.0.2.1, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, "203.0.113.9", PROXY),  # came past one proxy only
        (1, "not an address", PROXY),
        (1, "", PROXY),
        (1, "2001:db8::1", "2001:db8::"),
        (1, "2001:db8::1:2:3:4", "2001:db8::"),  # one /64, one client
        (1, "2001:db8:0:1::1", "2001:db8:0:1::"),
        (1, "203.0.113.9:51234", "203.0.113.9"),  # a proxy that appends the port
        (1, "[2001:db8::1]:443", "2001:db8::"),
        (1, "::ffff:203.0.113.9", "203.0.113.9"),
    ],
)
def test_client_address_behind_trusted_proxies(rf, settings, count, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip_address(request) == expected


def test_password_reset_does_not_tell_whether_the_account_exists(
    client, user_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("password_reset"), {"email": "a@ylqgsl.test"})
        unknown = client.post(reverse("password_reset"), {"email": "nobody@ylqgsl.test"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert [m.to for m in mail.outbox] == [["a@ylqgsl.test"]]


def test_password_reset_by_email_works(client, user_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "a@ylqgsl.test"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    path = link.removeprefix(settings.SITE_URL).strip()
    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Brand-New-Pass-2026", "new_password2": "Brand-New-Pass-2026"},
    )
    assert response.status_code == 302
    user_a.refresh_from_db()
    assert user_a.check_password("Brand-New-Pass-2026")


def test_security_headers(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_use_no_inline_scripts(client):
    content = client.get(reverse("members:register")).content.decode()
    assert "<script>" not in content
    assert "onclick=" not in content


def test_phone_numbers_stay_out_of_the_logs(client, caplog, user_a):
    with caplog.at_level("DEBUG"):
        login(client, "a@ylqgsl.test")
        client.post(reverse("members:register"), {"account-mobile": "13912345678"})
    assert "13912345678" not in caplog.text
    assert "a@ylqgsl.test" not in caplog.text


def production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "SECURE_COOKIES",
            "STATICFILES_STORAGE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ylqgsl.settings",
        DEBUG="false",
        SECRET_KEY="x7#Kq!v9Lm2@Rt5$Wz8^Yb3&Np6*Dc4(Hf1)Gj0-Sa+Ue_Io=Pl;Mk:Nj<Bh>Vg?",
        ALLOWED_HOSTS="portal.example.org",
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_PRELOAD="true",
        BEHIND_HTTPS_PROXY="true",
        **extra,
    )
    return env


def readme_production_env() -> dict[str, str]:
    """The variables the README's Production block exports, its `...` placeholders filled."""
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^export (.*?)(?<!\\)$", readme, re.MULTILINE | re.DOTALL).group(1)
    words = shlex.split(block.replace("\\\n", " "))
    variables = dict(word.split("=", 1) for word in words)
    variables["SECRET_KEY"] = "x7#Kq!v9Lm2@Rt5$Wz8^Yb3&Np6*Dc4(Hf1)Gj0-Sa+Ue_Io=Pl;Mk:Nj<Bh>Vg?"
    return {key: value.replace("...", "secret") for key, value in variables.items()}


def test_readme_production_block_is_parsed_whole():
    variables = readme_production_env()
    assert variables["DEBUG"] == "false"
    assert variables["SECURE_HSTS_SECONDS"] == "31536000"
    assert "..." not in "".join(variables.values())


def test_check_deploy_is_clean_with_the_readmes_production_environment():
    # Only the README's variables (and what finds the interpreter): nothing from this shell.
    env = {"PATH": os.environ["PATH"], **readme_production_env()}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_behind_a_proxy_that_is_not_trusted(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0
    assert [w.id for w in proxy_count_behind_proxy(None)] == ["ylqgsl.W001"]
    settings.TRUSTED_PROXY_COUNT = 1
    assert proxy_count_behind_proxy(None) == []


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_malformed_setting_fails_at_start_up():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=production_env(AXES_FAILURE_LIMIT="five"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0


def test_default_language_is_chinese_and_english_is_available(client):
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "zh-hans"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.get(reverse("home"))["Content-Language"] == "en"


def test_user_factory_sanity():
    assert UserFactory().check_password("correct horse battery")

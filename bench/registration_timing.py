"""Does registration take as long for an address that has an account as for a new one?

    .venv/bin/python bench/registration_timing.py [--tries 40]

Posts the registration form through Django's test client (the whole view, forms, services and
middleware; no network) with Django's default password hasher (PBKDF2, as in production; the
test suite uses MD5). Each try posts once with the address of an existing account and once
with a new address (new credit code too), alternating so that drift in the machine's load
affects both alike; prints the median and quartiles of each and the difference of medians.

It uses its own database `ylqgsl_bench_registration` (or BENCH_REGISTRATION_DATABASE_URL;
the name must contain "bench": the script deletes the users and applications it made), a
temporary DATA_DIR for the licences, and the file-system broker unless CELERY_BROKER_URL is
set (the e-mails are queued on commit, as in production, and never sent).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:  # run as a script
    sys.path.insert(0, str(BASE_DIR))
os.environ["BENCH_DATABASE_URL"] = os.environ.get(
    "BENCH_REGISTRATION_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/ylqgsl_bench_registration",
)
os.environ.setdefault("CELERY_BROKER_URL", "filesystem://")
os.environ["CACHE_URL"] = "locmemcache://"
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="ylqgsl-bench-registration-")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

EMAIL_DOMAIN = "registration.bench.example"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def form(email: str, seq: int) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from members.models import Township
    from tests.factories import make_credit_code

    return {
        "account-real_name": "刘晓燕",
        "account-email": email,
        "account-mobile": "139 1000 2000",
        "account-password1": "Yanqing-Snow-2026",
        "account-password2": "Yanqing-Snow-2026",
        "name": f"北京延庆测速{seq:05d}有限公司",
        "credit_code": make_credit_code(700_000 + seq),
        "legal_representative": "刘晓燕",
        "industry": "C",
        "industry_division": "15",
        "size": "small",
        "ownership": "private",
        "legal_form": "llc",
        "township": Township.objects.get(code="110119105").pk,
        "address": "北京市延庆区张山营镇葡萄园路8号",
        "founded_on": "2016-05-20",
        "employees": "45",
        "registered_capital": "500",
        "business_scope": "葡萄酒生产、销售",
        "contact_name": "王芳",
        "contact_mobile": "13600001234",
        "email": "office@example.com",
        "consent": "on",
        "licence": SimpleUploadedFile("licence.pdf", PDF),
    }


def clean_up() -> None:
    from members.models import Application, User

    Application.objects.filter(applicant__email__endswith=EMAIL_DOMAIN).delete()
    User.objects.filter(email__endswith=EMAIL_DOMAIN).delete()


def timed_post(client, data) -> float:
    start = time.perf_counter()
    response = client.post("/members/register/", data)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 302:
        sys.exit(f"Registration answered {response.status_code}, not a redirect: check the form.")
    return elapsed


def summary(label: str, times: list[float]) -> str:
    q1, median, q3 = statistics.quantiles(times, n=4)
    return f"{label:<16} median {median:7.1f} ms   quartiles {q1:7.1f} – {q3:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tries", type=int, default=40, help="posts of each kind (default 40)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import get_hasher
    from django.core.management import call_command
    from django.test import Client

    from bench.directory import ensure_database
    from members.models import User

    ensure_database()
    call_command("migrate", verbosity=0)
    clean_up()
    User.objects.create_user(email=f"taken@{EMAIL_DOMAIN}", password="Some-Other-Pass-2026")  # noqa: S106
    print(f"Hasher: {get_hasher().algorithm} ({settings.PASSWORD_HASHERS[0]})")
    client = Client()
    # One of each first, unmeasured: imports, template loading, connections.
    timed_post(client, form(f"taken@{EMAIL_DOMAIN}", 0))
    timed_post(client, form(f"warm-up@{EMAIL_DOMAIN}", 0))
    existing, new = [], []
    for seq in range(1, args.tries + 1):
        existing.append(timed_post(client, form(f"taken@{EMAIL_DOMAIN}", seq)))
        new.append(timed_post(client, form(f"new{seq}@{EMAIL_DOMAIN}", seq)))
    clean_up()
    print(f"{args.tries} tries of each, alternating")
    print(summary("existing address", existing))
    print(summary("new address", new))
    difference = statistics.median(new) - statistics.median(existing)
    print(f"difference of medians (new − existing): {difference:+.1f} ms")


if __name__ == "__main__":
    main()

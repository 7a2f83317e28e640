"""Benchmark of the admin's enterprise changelist at 100,000 enterprises, on PostgreSQL and
gunicorn, against the bare view (the same machinery as bench/directory.py).

    BENCH_DATABASE_URL=postgres://…/ylqgsl_bench_NAME .venv/bin/python bench/admin.py \\
        [--rows 100000] [--duration 10] [--connections 8] [--workers 2] [--cache-url URL]

Fills the bench database as bench/directory.py does (when it holds another number of
rows), makes the bench staff user a superuser, counts the queries of each page, then
measures each with wrk and prints requests/s and p50/p95 latency.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import directory as bench

PAGES = [
    ("bare", "/bench/bare/"),
    ("changelist", "/admin/members/enterprise/"),
    ("page 1000", "/admin/members/enterprise/?p=1000"),
    ("filtered", "/admin/members/enterprise/?status__exact=member&industry__exact=C"
                 "&size__exact=small"),
    ("searched by pinyin", "/admin/members/enterprise/?q=yqxy"),
    ("searched by name", "/admin/members/enterprise/?q=%E7%A7%91%E6%8A%80"),
    ("a year", "/admin/members/enterprise/?joined_on__year=2020"),
]  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache-url", default=bench.CACHE_URL)
    args = parser.parse_args()
    os.environ["CACHE_URL"] = args.cache_url

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import Enterprise

    bench.ensure_database()
    call_command("migrate", verbosity=0, interactive=False)
    if Enterprise.objects.count() != args.rows:
        bench.fill(args.rows)
    staff, _member = bench.bench_users()
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    cookie = bench.session_cookie(staff)

    client = Client()
    client.force_login(staff, backend="core.auth.CachedModelBackend")
    queries = {}
    for label, path in PAGES[1:]:
        client.get(path)
        with CaptureQueriesContext(connection) as asked:
            status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        queries[label] = len(asked.captured_queries)
    connection.close()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    env["PYTHONPATH"] = str(bench.BASE_DIR)
    port = bench.free_port()
    server = bench.start_gunicorn(port, args.workers, 1, env)
    try:
        print(f"{'page':<22}{'queries':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
        for label, path in PAGES:
            url = f"http://127.0.0.1:{port}{path}"
            stats = bench.run_wrk(
                url, cookie, duration=args.duration, connections=args.connections, threads=2
            )
            print(
                f"{label:<22}{queries.get(label, 0):>8}{stats['rps']:>9.1f}"
                f"{stats['p50_ms']:>9.1f}{stats['p95_ms']:>9.1f}"
            )
    finally:
        bench.stop(server)


if __name__ == "__main__":
    main()

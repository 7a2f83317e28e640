"""What the admin's "send the selected enterprises a notice" costs the request, with "select
all" over many enterprises: sent in the request (as before, and still up to
EXPORT_IMMEDIATE_ROWS) against recorded as a background job (above it).

    BENCH_DATABASE_URL=postgres://…/ylqgsl_bench_NAME CELERY_BROKER_URL=redis://…/0 \\
        .venv/bin/python bench/admin_notice.py [--rows 10000] [--repeat 3]

Fills the bench database as bench/directory.py does (when it holds another number of rows),
gives each enterprise an active user, and times the confirming POST of the action: wall time
and this process's CPU time (the database's work is in the wall time only). No worker runs:
the job's task waits in the broker.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import directory as bench

NO_LOGIN = "!"  # an unusable password hash: these users never sign in


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.core.management import call_command
    from django.test import Client, override_settings
    from django.urls import reverse

    from core.models import Job
    from members.models import Enterprise, User
    from notices.models import Notice

    bench.ensure_database()
    call_command("migrate", verbosity=0, interactive=False)
    if Enterprise.objects.count() != args.rows:
        bench.fill(args.rows)
    staff, _member = bench.bench_users()
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    User.objects.filter(email__endswith="@notice.bench").delete()
    User.objects.bulk_create(
        User(email=f"u{pk}@notice.bench", real_name="联络员", enterprise_id=pk, password=NO_LOGIN)
        for pk in Enterprise.objects.values_list("pk", flat=True)
    )
    client = Client()
    client.force_login(staff, backend="core.auth.CachedModelBackend")
    url = reverse("admin:members_enterprise_changelist")
    first = Enterprise.objects.order_by("pk").first()

    def post(limit):
        data = {
            "action": "send_notice",
            ACTION_CHECKBOX_NAME: [first.pk],
            "select_across": "1",
            "confirm": "yes",
            "subject": "年检通知",
            "text": "请于月底前提交年报。",
            "sending": uuid.uuid4().hex,
        }
        with override_settings(EXPORT_IMMEDIATE_ROWS=limit):
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.post(url, data)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if response.status_code != 302:
            sys.exit(f"The action answered {response.status_code}, not a redirect.")
        return wall * 1000, cpu * 1000

    print(f"{args.rows} enterprises, one active user each; select all")
    for label, limit in [("in the request", 10**9), ("as a job", 2000)]:
        figures = []
        for _ in range(args.repeat):
            Notice.objects.filter(kind="federation_message").delete()
            Job.objects.filter(owner=staff).delete()
            figures.append(post(limit))
            sent = Notice.objects.filter(kind="federation_message").count()
        wall = statistics.median(w for w, _c in figures)
        cpu = statistics.median(c for _w, c in figures)
        print(
            f"  {label:15} request {wall:8.0f} ms wall, {cpu:8.0f} ms CPU "
            f"(median of {args.repeat}); notices written in the request: {sent}"
        )
    Notice.objects.filter(kind="federation_message").delete()
    Job.objects.filter(owner=staff).delete()


if __name__ == "__main__":
    main()

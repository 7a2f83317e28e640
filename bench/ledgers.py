"""Excel exports of the large ledgers: rows, seconds and peak memory, each in a fresh process.

    .venv/bin/python bench/ledgers.py [--rows 100000] [--registrations 100000]
                                      [--donations 100000] [--refill] [--only members,...]
                                      [--no-heap]

Uses its own database `ylqgsl_bench_ledgers` (or BENCH_LEDGERS_DATABASE_URL; the name must
contain "bench": the script empties tables). Fills `--rows` enterprises with
bench/directory.py's `fill` (imported, not copied), then 200 events over two years (one in ten
a charity campaign) and, with one INSERT … SELECT each, `--registrations` registrations (a
third of them checked in, every one with a mobile number that the export must leave out) and
`--donations` donations; then VACUUM ANALYZE. A database that already holds those numbers is
reused (`--refill` fills again).

Each export then runs in a child process of its own, through the portal's export view as a
logged-in staff user (Django's test client), reading the streamed response to a temporary
file. The child reports the seconds, its resident memory after a warm-up export (imports,
templates, connections) and its peak resident memory during the measured export (VmHWM, reset
just before it; ru_maxrss where /proc is missing), and, in a second child run under
tracemalloc (`--no-heap` skips it), the peak of the Python heap during the export. The rows
are counted by reading the file back after the measurement, and checked for mobile numbers.
A ledger exported in constant memory shows the same peak for a one-year slice as for the whole.
Results are also written to bench/results/ledgers-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))
os.environ["BENCH_DATABASE_URL"] = os.environ.get(
    "BENCH_LEDGERS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ylqgsl_bench_ledgers"
)

from bench import directory as d  # noqa: E402  (sets DJANGO_SETTINGS_MODULE=bench.settings)
from bench import result_file  # noqa: E402

EVENTS = 200
KINDS = [
    "breakfast", "appeal_forum", "symposium", "forum", "lecture", "training", "financing_fair",
    "recruitment_fair", "village_tour", "charity",
]  # fmt: skip
MOBILE = re.compile(r"(?<![0-9A-Z])1[3-9]\d{9}(?![0-9A-Z])")

# One statement each: every row draws its random numbers once (setseed makes them repeatable).
REGISTRATIONS_SQL = """
WITH s AS (
    SELECT i, random() AS r1, random() AS r2, random() AS r3
    FROM generate_series(1, %(rows)s) AS i
), t AS (
    SELECT s.*, e.id AS event_id, e.starts_at
    FROM s JOIN events_event e ON e.id = %(event_min)s + (s.i %% %(events)s)
)
INSERT INTO events_registration (
    public_id, event_id, user_id, enterprise_id, invitation_id, person_name, organisation_name,
    mobile, seats, status, walk_in, checkin_token, checked_in_at, checked_in_by_id, created_at,
    promoted_at, cancelled_at, decided_by_id
)
SELECT
    md5('registration' || t.i)::uuid,
    t.event_id,
    NULL,
    CASE WHEN t.r1 < 0.9 THEN %(enterprise_min)s + floor(t.r2 * %(enterprises)s)::int END,
    NULL,
    (ARRAY['王','李','张','刘','陈','杨','赵','黄'])[1 + floor(t.r3 * 8)::int]
        || (ARRAY['伟','芳','娜','敏','静','强','磊','军'])[1 + floor(t.r2 * 8)::int],
    CASE WHEN t.r1 < 0.9 THEN '' ELSE '个体工商户' END,
    '139' || lpad((t.i %% 100000000)::text, 8, '0'),
    1 + floor(t.r3 * 3)::int,
    CASE WHEN t.r2 < 0.9 THEN 'confirmed' WHEN t.r2 < 0.95 THEN 'cancelled' ELSE 'waiting' END,
    t.r1 > 0.97,
    md5('token' || t.i),
    CASE WHEN t.r2 < 0.9 AND t.r3 < 0.37 THEN t.starts_at - interval '10 minutes' END,
    NULL,
    t.starts_at - (1 + t.r1 * 20) * interval '1 day',
    NULL,
    CASE WHEN t.r2 >= 0.9 AND t.r2 < 0.95 THEN t.starts_at - interval '1 day' END,
    NULL
FROM t
"""

DONATIONS_SQL = """
WITH s AS (
    SELECT i, random() AS r1, random() AS r2, random() AS r3
    FROM generate_series(1, %(rows)s) AS i
), c AS (
    SELECT id, starts_at, row_number() OVER (ORDER BY id) - 1 AS n
    FROM events_event WHERE kind = 'charity'
)
INSERT INTO events_donation (
    event_id, enterprise_id, organization_id, cash_yuan, goods_value_yuan, description,
    received_on, recorded_by_id
)
SELECT
    c.id,
    %(enterprise_min)s + floor(s.r1 * %(enterprises)s)::int,
    NULL,
    CASE WHEN s.r2 < 0.8 THEN round((100 + s.r3 * 50000)::numeric, 2) ELSE 0 END,
    CASE WHEN s.r2 >= 0.6 THEN round((50 + s.r1 * 20000)::numeric, 2) ELSE 0 END,
    CASE WHEN s.r2 >= 0.6 THEN '救灾物资' ELSE '' END,
    (c.starts_at + floor(s.r3 * 20) * interval '1 day')::date,
    NULL
FROM s JOIN c ON c.n = s.i %% %(campaigns)s
"""


def fill_events(registrations: int, donations: int) -> None:
    """Empty the event tables and insert the events, registrations and donations."""
    from django.db import connection, transaction
    from django.utils import timezone

    from events.models import Event
    from members.models import Enterprise

    tables = ", ".join(
        model._meta.db_table for model in (Event, Event.history.model)
    )  # CASCADE empties registrations, invitations, donations and their history
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    events = []
    for n in range(EVENTS):
        starts = now - dt.timedelta(days=730 * (EVENTS - n) / EVENTS, hours=n % 5)
        kind = KINDS[n % len(KINDS)]
        events.append(
            Event(
                kind=kind,
                title=f"基准测试活动{n + 1:03d}",
                venue="延庆区工商联三层会议室",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                status=Event.Status.FINISHED,
            )
        )
    Event.objects.bulk_create(events)
    keys = Enterprise.objects.order_by("pk").values_list("pk", flat=True)
    params = {
        "event_min": Event.objects.order_by("pk").values_list("pk", flat=True).first(),
        "events": EVENTS,
        "enterprise_min": keys.first(),
        "enterprises": Enterprise.objects.count(),
        "campaigns": sum(1 for e in events if e.kind == "charity"),
    }
    for label, sql, rows in (
        ("registrations", REGISTRATIONS_SQL, registrations),
        ("donations", DONATIONS_SQL, donations),
    ):
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.20261122)")
            cursor.execute(sql, {**params, "rows": rows})
        print(f"  {rows:,} {label} in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def ensure_data(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from events.models import Donation, Registration
    from members.models import Enterprise

    name = d.ensure_database()
    call_command("migrate", verbosity=0, interactive=False)
    count = Enterprise.objects.count()
    if args.refill or count != args.rows:
        print(f"Filling {name} with {args.rows:,} enterprises (it held {count:,})")
        d.fill(args.rows)
    held = (Registration.objects.count(), Donation.objects.count())
    if args.refill or count != args.rows or held != (args.registrations, args.donations):
        print(f"Filling {EVENTS} events, their registrations and donations")
        fill_events(args.registrations, args.donations)
    else:
        print(
            f"{name} already holds {count:,} enterprises, {held[0]:,} registrations and "
            f"{held[1]:,} donations (--refill to fill again)"
        )
    d.bench_users()


def cases() -> list[tuple[str, str, str]]:
    """(ledger, query, label) of each measured export."""
    year = dt.date.today().year - 1
    return [
        ("members", "", "members, all"),
        ("members", f"year={year - 10}", f"members joined in {year - 10}"),
        ("party", "", "party organisations (current members)"),
        ("attendance", "", "attendance, all"),
        ("attendance", f"year={year}&checked_in=1", f"attendance, checked in, {year}"),
        ("donations", "", "donations, all"),
    ]


# --- The child process: one export, measured -------------------------------------------------


def rss_mb(field: str) -> float | None:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, from /proc."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def reset_peak_rss() -> bool:
    """Start the peak (VmHWM) afresh: Linux resets it when "5" is written to clear_refs."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float:
    """The peak resident memory since the reset, or (without /proc) of the whole process."""
    peak = rss_mb("VmHWM")
    if peak is None:  # ru_maxrss is in KiB on Linux
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return peak


def export_once(client, path: str, out) -> int:
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    size = 0
    for chunk in response.streaming_content:
        out.write(chunk)
        size += len(chunk)
    response.close()
    return size


def child(ledger: str, query: str, heap: bool) -> None:
    import django

    django.setup()
    import tracemalloc

    from django.test import Client
    from openpyxl import load_workbook

    from members.models import User

    client = Client()
    client.force_login(
        User.objects.get(email="bench-staff@ylqgsl.test"),
        backend="core.auth.CachedModelBackend",
    )
    path = f"/ledgers/{ledger}/export.xlsx" + (f"?{query}" if query else "")
    with tempfile.TemporaryFile() as warm:  # imports, templates, connections: not the rows
        export_once(client, f"/ledgers/{ledger}/export.xlsx?year=1901", warm)
    before = rss_mb("VmRSS") or peak_rss_mb()
    reset_peak_rss()
    if heap:
        tracemalloc.start()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        started = time.perf_counter()
        size = export_once(client, path, out)
        seconds = time.perf_counter() - started
        heap_peak = tracemalloc.get_traced_memory()[1] / 2**20 if heap else None
        if heap:
            tracemalloc.stop()
        after = peak_rss_mb()
        out.flush()
        rows, phones = 0, 0
        sheet = load_workbook(out.name, read_only=True).worksheets[0]
        for row in sheet.iter_rows(min_row=2, values_only=True):
            rows += 1
            phones += sum(1 for value in row if value and MOBILE.search(str(value)))
    print(json.dumps({
        "rows": rows, "seconds": seconds, "bytes": size, "rss_before_mb": before,
        "rss_peak_mb": after, "heap_peak_mb": heap_peak, "phone_cells": phones,
    }))  # fmt: skip


def run_child(ledger: str, query: str, heap: bool) -> dict:
    env = {**os.environ, "PYTHONPATH": str(BASE_DIR)}
    command = [sys.executable, __file__, "--child", ledger, query]
    if heap:
        command.append("--heap")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"export of {ledger}?{query} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="enterprises")
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--donations", type=int, default=100_000)
    parser.add_argument("--refill", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated ledger names")
    parser.add_argument("--no-heap", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--child", nargs=2, metavar=("LEDGER", "QUERY"), help=argparse.SUPPRESS)
    parser.add_argument("--heap", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        child(*args.child, heap=args.heap)
        return 0
    ensure_data(args)
    from django.db import connection

    connection.close()
    only = set(filter(None, args.only.split(",")))
    started = dt.datetime.now().astimezone()
    results = []
    print(
        f"{'export':<40} {'rows':>8} {'seconds':>8} {'rows/s':>8} {'RSS before':>11} "
        f"{'RSS peak':>9} {'heap peak':>10}"
    )
    for ledger, query, label in cases():
        if only and ledger not in only:
            continue
        figures = run_child(ledger, query, heap=False)
        if not args.no_heap:
            figures["heap_peak_mb"] = run_child(ledger, query, heap=True)["heap_peak_mb"]
        heap = f"{figures['heap_peak_mb']:.1f} MB" if figures["heap_peak_mb"] else "—"
        print(
            f"{label:<40} {figures['rows']:>8,} {figures['seconds']:>8.1f} "
            f"{figures['rows'] / figures['seconds']:>8,.0f} {figures['rss_before_mb']:>8.1f} MB "
            f"{figures['rss_peak_mb']:>6.1f} MB {heap:>10}",
            flush=True,
        )
        if figures["phone_cells"]:
            print(f"  WARNING: {figures['phone_cells']} cells look like mobile numbers")
        results.append({"ledger": ledger, "query": query, "label": label, **figures})
    result_file.write("ledgers", started, {
        "args": {k: v for k, v in vars(args).items() if k not in ("child", "heap")},
        "machine": d.server_info(),
        "exports": results,
    })  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

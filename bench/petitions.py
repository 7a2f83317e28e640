"""Benchmark of the petitions ledger and metrics on a million petitions, against a bare view.

    .venv/bin/python bench/petitions.py [--rows 1000000] [--refill] [--duration 10]
                                        [--connections 8] [--workers 2] [--queries]

Same machinery as bench/directory.py (imported from it: the database check, sessions,
gunicorn, wrk and the CPU meter), on its own database `ylqgsl_bench_petitions` (or
BENCH_PETITIONS_DATABASE_URL; the name must contain "bench": the script empties tables).
It fills 20,000 enterprises (directory.fill), fifteen departments and ten handlers, then
`--rows` petitions in one INSERT … SELECT over generate_series (with a fixed seed): two years of
filings across categories, urgencies and every status, deadlines, first responses, replies,
ratings and reopenings; then the tallies (petitions.metrics.rebuild_tallies) and VACUUM
ANALYZE. Timeline entries are not generated: none of the measured pages reads them.

Targets (the issue): the ledger, filtered and unfiltered, p95 under 100 ms; the metrics page
p95 under 300 ms; measured through gunicorn in the same run as a bare view.
Results are also written to bench/results/petitions-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))
os.environ["BENCH_DATABASE_URL"] = os.environ.get(
    "BENCH_PETITIONS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ylqgsl_bench_petitions"
)

from bench import directory as d  # noqa: E402  (sets DJANGO_SETTINGS_MODULE=bench.settings)
from bench import result_file  # noqa: E402

LEDGER_MAX_P95_MS = 100.0
METRICS_MAX_P95_MS = 300.0
ENTERPRISES = 20_000
DEPARTMENTS = [
    "区发展改革委",
    "区财政局",
    "区人力社保局",
    "区规划自然资源分局",
    "区市场监管局",
    "区税务局",
    "区住房城乡建设委",
    "区农业农村局",
    "区文化和旅游局",
    "区经济和信息化局",
    "区政务服务局",
    "区金融办",
    "区司法局",
    "区水务局",
    "区城市管理委",
]

# One statement: each row draws its random numbers once (setseed makes them repeatable).
FILL_SQL = """
WITH s AS (
    SELECT i,
           random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
           %(now)s::timestamptz - random() * interval '730 days' AS c
    FROM generate_series(1, %(rows)s) AS i
), t AS (
    SELECT s.*,
        CASE
            WHEN s.c > %(now)s::timestamptz - interval '20 days' THEN
                (ARRAY['submitted','accepted','dispatched','in_progress','waiting','replied',
                       'rated','closed'])[1 + floor(s.r1 * 8)::int]
            WHEN s.r1 < 0.86 THEN 'closed'
            WHEN s.r1 < 0.90 THEN 'rated'
            WHEN s.r1 < 0.93 THEN 'declined'
            WHEN s.r1 < 0.945 THEN 'replied'
            WHEN s.r1 < 0.96 THEN 'reopened'
            WHEN s.r1 < 0.98 THEN 'in_progress'
            WHEN s.r1 < 0.99 THEN 'waiting'
            ELSE 'dispatched'
        END AS st
    FROM s
)
INSERT INTO petitions_petition (
    public_id, tracking_number, enterprise_id, filed_by_id, channel, category, urgency,
    is_complex, title, description, anonymous_sharing, status, handler_id, department_id,
    department_reference, decline_reason, created_at, first_response_due, reply_due,
    paused_at, extensions, responded_at, responded_in_time, first_replied_at, replied_at,
    replied_late, rating, rating_comment, rated_at, reopen_count, closed_at, version
)
SELECT
    md5('petition' || t.i)::uuid,
    'YQ-' || extract(year FROM t.c)::int || '-' || lpad(t.i::text, 7, '0'),
    1 + floor(t.r2 * %(enterprises)s)::int,
    %(filer)s,
    (ARRAY['online','online','online','survey_visit','breakfast','phone'])
        [1 + floor(t.r3 * 6)::int],
    (ARRAY['policy','financing','legal','talent','land','approvals','market_access','arrears',
           'tax','utilities','other'])[1 + floor(t.r4 * 11)::int],
    CASE WHEN t.r5 < 0.03 THEN 'emergency' WHEN t.r5 < 0.15 THEN 'urgent' ELSE 'normal' END,
    false,
    (ARRAY['流动资金贷款续贷困难','招工难','工程款被拖欠','许可证审批进度慢','厂区供电容量不足',
           '留抵退税咨询','民宿用地规划咨询','合同纠纷法律咨询'])[1 + floor(t.r5 * 8)::int]
        || '（' || t.i || '）',
    '基准测试数据。',
    t.r3 < 0.6,
    t.st,
    CASE WHEN t.st IN ('submitted','accepted','declined') THEN NULL
         ELSE %(handler_min)s + floor(t.r4 * %(handlers)s)::int END,
    CASE WHEN t.st IN ('submitted','accepted','declined') THEN NULL
         ELSE %(department_min)s + floor(t.r2 * %(departments)s)::int END,
    CASE WHEN t.st IN ('submitted','accepted','declined') THEN '' ELSE 'REF-' || t.i END,
    CASE WHEN t.st = 'declined' THEN '不属于受理范围' ELSE '' END,
    t.c,
    t.c + interval '24 hours',
    date_trunc('day', t.c + interval '9 days') + interval '23:59:59',
    CASE WHEN t.st = 'waiting' THEN t.c + interval '2 days' END,
    CASE WHEN t.r5 < 0.05 THEN 1 ELSE 0 END,
    CASE WHEN t.st <> 'submitted' THEN t.c + t.r3 * interval '30 hours' END,
    CASE WHEN t.st <> 'submitted' THEN t.r3 < 0.8 END,
    CASE WHEN t.st IN ('replied','rated','closed','reopened')
         THEN t.c + (1 + t.r4 * 10) * interval '1 day' END,
    CASE WHEN t.st IN ('replied','rated','closed','reopened')
         THEN t.c + (1 + t.r4 * 10) * interval '1 day' END,
    CASE WHEN t.st IN ('replied','rated','closed','reopened') THEN t.r4 > 0.8 END,
    CASE WHEN t.st = 'reopened' THEN 'unsatisfied'
         WHEN t.st IN ('rated','closed') AND t.r2 < 0.9 THEN 'satisfied'
         WHEN t.st IN ('rated','closed') THEN 'basically' ELSE '' END,
    '',
    CASE WHEN t.st IN ('rated','closed','reopened')
         THEN t.c + (2 + t.r4 * 10) * interval '1 day' END,
    CASE WHEN t.st = 'reopened' OR (t.st = 'closed' AND t.r5 < 0.04) THEN 1 ELSE 0 END,
    CASE WHEN t.st = 'closed' THEN t.c + (3 + t.r4 * 10) * interval '1 day' END,
    1
FROM t
"""


def fill(rows: int, now: dt.datetime) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from petitions.metrics import rebuild_tallies
    from petitions.models import Department, Petition, PetitionTally

    User = get_user_model()
    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {Petition._meta.db_table}, {Petition.history.model._meta.db_table}, "
            f"{PetitionTally._meta.db_table} RESTART IDENTITY CASCADE"
        )
    print(f"Filling {ENTERPRISES:,} enterprises")
    d.fill(ENTERPRISES)  # truncates enterprises and users (CASCADE) too
    _staff, member = d.bench_users()
    handlers = [
        User.objects.update_or_create(
            email=f"bench-handler{i}@ylqgsl.test",
            defaults={"real_name": f"基准测试经办人{i}", "is_staff": True},
        )[0]
        for i in range(10)
    ]
    departments = [
        Department.objects.update_or_create(code=f"d{i:02d}", defaults={"name": name})[0]
        for i, name in enumerate(DEPARTMENTS)
    ]
    started = time.perf_counter()
    params = {
        "now": now,
        "rows": rows,
        "enterprises": ENTERPRISES,
        "filer": member.pk,
        "handler_min": min(h.pk for h in handlers),
        "handlers": len(handlers),
        "department_min": min(x.pk for x in departments),
        "departments": len(departments),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.20261122)")
        cursor.execute(FILL_SQL, params)
    print(f"  {rows:,} petitions in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    groups = rebuild_tallies()
    print(f"  {groups:,} tallies in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")


def build_pages() -> list[d.Page]:
    from django.utils import timezone

    from core.months import add_months
    from petitions.models import Department

    department = Department.objects.order_by("id").first()
    today = timezone.localdate()
    month = add_months(today, -2).strftime("%Y-%m")
    ledger = "/petitions/ledger/"
    kind = "ledger"
    pages = [
        d.Page("bare", "bare Django view", "/bench/bare/", "bare", expect="ok"),
        d.Page(
            "base",
            "reference: logged-in base template",
            "/bench/base/",
            "reference",
            expect="</footer>",
        ),
        d.Page("ledger", "ledger, page 1", ledger, kind, expect="YQ-"),
        d.Page("ledger_page5", "ledger, page 5", ledger + "?page=5", kind, expect="YQ-"),
        d.Page(
            "ledger_status",
            "ledger: in progress",
            ledger + "?status=in_progress",
            kind,
            expect="YQ-",
        ),
        d.Page(
            "ledger_category_month",
            f"ledger: financing, {month}",
            f"{ledger}?category=financing&month={month}",
            kind,
            expect="YQ-",
        ),
        d.Page(
            "ledger_department",
            "ledger: one department",
            f"{ledger}?department={department.pk}",
            kind,
            expect="YQ-",
        ),
        d.Page("ledger_overdue", "ledger: overdue", ledger + "?overdue=on", kind, expect="YQ-"),
        d.Page(
            "metrics",
            f"metrics {today.year}",
            "/petitions/metrics/",
            "metrics",
            expect="response-rate",
        ),
        d.Page(
            "metrics_last_year",
            f"metrics {today.year - 1}",
            f"/petitions/metrics/?year={today.year - 1}",
            "metrics",
            expect="response-rate",
        ),
        d.Page("bare_end", "bare Django view (again)", "/bench/bare/", "bare", expect="ok"),
    ]
    return pages


def evaluate(pages: list[d.Page], connections: int, limits: dict | None = None) -> list[dict]:
    """A p95 target per page kind (`limits`), and no errors anywhere."""
    limits = limits or {"ledger": LEDGER_MAX_P95_MS, "metrics": METRICS_MAX_P95_MS}
    targets = []
    for page in pages:
        limit = limits.get(page.kind)
        if limit is None:
            continue
        p95 = page.stats["p95_ms"]
        targets.append(
            {
                "target": f"{page.kind} p95 < {limit:g} ms, {connections} connections: "
                f"{page.label}",
                "passed": p95 < limit,
                "detail": f"{p95:.1f} ms",
            }
        )
    for page in pages:
        if page.stats.get("non2xx") or any(page.stats.get("socket_errors", {}).values()):
            targets.append(
                {
                    "target": f"no errors: {page.label}",
                    "passed": False,
                    "detail": f"{page.stats['non2xx']} non-2xx",
                }
            )
    return targets


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="petitions in the database")
    parser.add_argument("--refill", action="store_true")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated page keys (bare always)")
    parser.add_argument("--queries", action="store_true", help="profile queries in-process")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target fails")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from petitions.models import Petition

    name = d.ensure_database()
    call_command("migrate", verbosity=0, interactive=False)
    count = Petition.objects.count()
    if args.refill or count != args.rows:
        print(f"Filling {name} with {args.rows:,} petitions (it held {count:,})")
        fill(args.rows, timezone.now())
    else:
        print(f"{name} already holds {count:,} petitions (--refill to fill again)")
    staff, _member = d.bench_users()
    cookies = {"staff": d.session_cookie(staff)}
    pages = build_pages()
    if args.only:
        keep = {"bare", "bare_end", *args.only.split(",")}
        pages = [p for p in pages if p.key in keep]
    if args.queries:
        d.profile_queries([p for p in pages if p.key != "bare_end"], cookies)
    return measure(pages, cookies, args, name=name, label="petitions", evaluate=evaluate)


def measure(pages, cookies, args, *, name: str, label: str, evaluate, extra=None) -> int:
    """Serve the portal with gunicorn, load each page with wrk, print and save the figures.

    Shared with bench/dashboard.py. `evaluate(pages, connections)` lists the targets.
    """
    from django.db import connection

    info = d.server_info()
    connection.close()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(BASE_DIR)}
    port = d.free_port()
    server = None
    started = dt.datetime.now().astimezone()
    try:
        server = d.start_gunicorn(port, args.workers, args.threads, env)
        print(
            f"gunicorn on 127.0.0.1:{port}, {args.workers} workers; wrk {args.wrk_threads} "
            f"threads, {args.connections} connections, {args.warmup:g} s + {args.duration:g} s"
        )
        for page in pages:
            status, body = d.fetch(port, page.path, cookies[page.who])
            if status != 200 or page.expect not in body:
                raise SystemExit(f"{page.label}: {page.path} answered {status} without the rows")
        meter = d.CpuMeter(server.pid, name)
        wrk = {"connections": args.connections, "threads": args.wrk_threads}
        for page in pages:
            url = f"http://127.0.0.1:{port}{page.path}"
            if args.warmup > 0:
                d.run_wrk(url, cookies[page.who], duration=args.warmup, **wrk)
            page.stats = d.run_wrk(
                url, cookies[page.who], duration=args.duration, meter=meter, **wrk
            )
            s = page.stats
            print(
                f"  {page.label:<38} {s['rps']:>8.1f} req/s  p50 {s['p50_ms']:>7.2f} ms  "
                f"p95 {s['p95_ms']:>7.2f} ms  CPU {s['app_cpu_ms']:.2f} + "
                f"{s['db_cpu_ms']:.2f} ms",
                flush=True,
            )
            time.sleep(d.SETTLE_SECONDS)
    except KeyboardInterrupt:
        print("\nInterrupted")
        return 130
    finally:
        d.stop(server)

    targets = evaluate(pages, args.connections)
    d.print_report(pages, targets)
    result_file.write(label, started, {
        "args": vars(args),
        "machine": info,
        "database": name,
        **(extra or {"petitions": args.rows}),
        "pages": result_file.page_rows(pages),
        "targets": targets,
    })  # fmt: skip
    return 1 if args.check and not all(t["passed"] for t in targets) else 0


def _terminate(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())

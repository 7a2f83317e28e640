"""Benchmark of the staff dashboard and the yearly report at municipal size, against a bare view.

    .venv/bin/python bench/dashboard.py [--refill] [--duration 10] [--connections 2]

Same machinery as bench/petitions.py (gunicorn, wrk, the CPU meter, the report), on its own
database `ylqgsl_bench_dashboard` (or BENCH_DASHBOARD_DATABASE_URL; the name must contain
"bench": the script empties tables). It fills what the issue calls a municipal-size federation:
100,000 enterprises (bench/directory.py's fill, with a withdrawal date for the withdrawn ones),
1,000,000 petitions over two years (bench/petitions.py's statement) and their tallies, 4,000
events over two years with 50 registrations each (two thirds checked in), 2,000 donations to
twenty charity campaigns, 10,000 suggestions, and 24 duty months with their logs; then
VACUUM ANALYZE.

Before measuring it flushes the cache (CACHE_URL, default Redis db 11, shared with gunicorn as
in production) and runs what Celery beat runs every DASHBOARD_CACHE_SECONDS: this year's and
last year's dashboard rendered ahead in each language; it prints how long that took (the cost
of computing them). An older year is computed on its first request and kept for
DASHBOARD_CACHE_SECONDS. Run with DASHBOARD_CACHE_SECONDS=0 to measure every request computing.

Target (the issue): the dashboard page under 300 ms p95. Staff read the dashboard a few at a
time, so the default load is 2 connections (one per gunicorn worker); `--connections 8`
shows it queued behind itself.
Results are also written to bench/results/dashboard-<timestamp>.json.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))
os.environ["BENCH_PETITIONS_DATABASE_URL"] = os.environ.get(
    "BENCH_DASHBOARD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ylqgsl_bench_dashboard"
)

from bench import petitions as p  # noqa: E402  (sets the database and DJANGO_SETTINGS_MODULE)

d = p.d
ENTERPRISES = 100_000
PETITIONS = 1_000_000
EVENTS = 4_000
REGISTRATIONS_PER_EVENT = 50
CAMPAIGNS = 20
DONATIONS = 2_000
SUGGESTIONS = 10_000
DASHBOARD_MAX_P95_MS = 300.0
CACHE_URL = "redis://127.0.0.1:6379/11"


def fill(now: dt.datetime) -> None:
    from django.db import connection, transaction

    from petitions.metrics import rebuild_tallies
    from petitions.models import Department, Petition, PetitionTally

    rng = random.Random(20261122)
    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {Petition._meta.db_table}, {Petition.history.model._meta.db_table}, "
            f"{PetitionTally._meta.db_table} RESTART IDENTITY CASCADE"
        )
    print(f"Filling {ENTERPRISES:,} enterprises")
    d.fill(ENTERPRISES)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_enterprise SET left_on = joined_on + (id % 700)::int "
            "WHERE status = 'withdrawn'"
        )
        cursor.execute(
            "UPDATE members_enterprise SET left_on = CURRENT_DATE WHERE left_on > CURRENT_DATE"
        )
    staff, member = d.bench_users()
    departments = [
        Department.objects.update_or_create(code=f"d{i:02d}", defaults={"name": name})[0]
        for i, name in enumerate(p.DEPARTMENTS)
    ]
    handlers = leaders(10, "handler", is_staff=True)
    started = time.perf_counter()
    params = {
        "now": now,
        "rows": PETITIONS,
        "enterprises": ENTERPRISES,
        "filer": member.pk,
        "handler_min": min(h.pk for h in handlers),
        "handlers": len(handlers),
        "department_min": min(x.pk for x in departments),
        "departments": len(departments),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.20261122)")
        cursor.execute(p.FILL_SQL, params)
    print(f"  {PETITIONS:,} petitions in {time.perf_counter() - started:.1f} s")
    rebuild_tallies()
    fill_events(rng, now, staff)
    fill_suggestions(rng, now, member)
    fill_duty(rng, now)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")


def leaders(n: int, role: str, *, is_staff=False):
    from members.models import User

    return [
        User.objects.update_or_create(
            email=f"bench-{role}{i}@ylqgsl.test",
            defaults={"real_name": f"基准测试{role}{i}", "is_staff": is_staff},
        )[0]
        for i in range(n)
    ]


def fill_events(rng, now, staff) -> None:
    from events.models import Donation, Event, Registration

    started = time.perf_counter()
    kinds = [k.value for k in Event.Kind]
    events = []
    for i in range(EVENTS):
        starts = now - dt.timedelta(days=rng.uniform(0, 730))
        kind = Event.Kind.CHARITY if i < CAMPAIGNS else rng.choice(kinds)
        events.append(
            Event(
                kind=kind,
                title=f"基准测试活动{i}",
                venue="会议室",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                audience=Event.Audience.MEMBERS,
                status=Event.Status.FINISHED if rng.random() < 0.95 else Event.Status.CANCELLED,
                created_by=staff,
            )
        )
    events = Event.objects.bulk_create(events, batch_size=1000)
    batch = []
    for event in events:
        for n in range(REGISTRATIONS_PER_EVENT):
            came = rng.random() < 0.67
            batch.append(
                Registration(
                    event=event,
                    enterprise_id=rng.randint(1, ENTERPRISES),
                    person_name=f"参会人{n}",
                    seats=rng.choice((1, 1, 1, 2)),
                    status=Registration.Status.CONFIRMED,
                    checked_in_at=event.starts_at if came else None,
                    created_at=event.starts_at - dt.timedelta(days=3),
                )
            )
        if len(batch) >= 20_000:
            Registration.objects.bulk_create(batch, batch_size=5000)
            batch = []
    Registration.objects.bulk_create(batch, batch_size=5000)
    donations = [
        Donation(
            event=events[i % CAMPAIGNS],
            enterprise_id=rng.randint(1, ENTERPRISES),
            cash_yuan=rng.randint(1, 500) * 100,
            received_on=(events[i % CAMPAIGNS].starts_at + dt.timedelta(days=rng.randint(0, 20)))
            .astimezone()
            .date(),
        )
        for i in range(DONATIONS)
    ]
    Donation.objects.bulk_create(donations, batch_size=1000)
    print(
        f"  {EVENTS:,} events, {EVENTS * REGISTRATIONS_PER_EVENT:,} registrations, "
        f"{DONATIONS:,} donations in {time.perf_counter() - started:.1f} s"
    )


def fill_suggestions(rng, now, author) -> None:
    from petitions.models import Suggestion

    rows = []
    for i in range(SUGGESTIONS):
        created = now - dt.timedelta(days=rng.uniform(0, 730))
        sent = rng.random() < 0.8
        adopted = sent and rng.random() < 0.2
        rows.append(
            Suggestion(
                kind=rng.choice(["suggestion", "report"]),
                title=f"基准测试建议{i}",
                text="内容",
                author=author,
                created_at=created,
                sent_to="district_government" if sent else "",
                sent_on=created.date() if sent else None,
                adopted_level=rng.choice(["district", "municipal", "national"]) if adopted else "",
            )
        )
    Suggestion.objects.bulk_create(rows, batch_size=2000)


def fill_duty(rng, now) -> None:
    from chambers.models import DutyLogEntry, DutyMonth
    from core.months import add_months, month_start

    chairs = leaders(12, "leader")
    this_month = month_start(now.date())
    entries = []
    for n in range(-20, 4):
        month = add_months(this_month, n)
        status = "completed" if n < 0 else ("serving" if n == 0 else "planned")
        duty_month, _ = DutyMonth.objects.update_or_create(
            month=month, defaults={"chair": chairs[n % len(chairs)], "status": status}
        )
        if n <= 0:
            entries += [
                DutyLogEntry(
                    duty_month=duty_month,
                    author=duty_month.chair,
                    day=month + dt.timedelta(days=rng.randrange(28)),
                    kind="office",
                    text="坐班接待",
                )
                for _ in range(20)
            ]
    DutyLogEntry.objects.bulk_create(entries)


def build_pages() -> list:
    from django.utils import timezone

    year = timezone.localdate().year
    kind = "dashboard"
    return [
        d.Page("bare", "bare Django view", "/bench/bare/", "bare", expect="ok"),
        d.Page("base", "reference: logged-in base template", "/bench/base/", "reference",
               expect="</footer>"),
        d.Page("dashboard", f"dashboard {year}", "/dashboard/", kind, expect="chart-growth"),
        d.Page("dashboard_last_year", f"dashboard {year - 1}", f"/dashboard/?year={year - 1}",
               kind, expect="chart-growth"),
        d.Page("dashboard_on_demand", f"dashboard {year - 2} (on demand)",
               f"/dashboard/?year={year - 2}", kind, expect="chart-growth"),
        # For information: the report is computed on every request (no target).
        d.Page("report", f"yearly report {year}", "/dashboard/report/", "report",
               expect="report-members"),
        d.Page("report_last_year", f"yearly report {year - 1}",
               f"/dashboard/report/?year={year - 1}", "report", expect="report-members"),
        d.Page("home", "staff home page (queues)", "/", "home", expect="staff-queues"),
        d.Page("bare_end", "bare Django view (again)", "/bench/bare/", "bare", expect="ok"),
    ]  # fmt: skip


def evaluate(pages, connections):
    return p.evaluate(pages, connections, {"dashboard": DASHBOARD_MAX_P95_MS})


def parse_args(argv=None):
    """bench/petitions.py's options, with 2 connections unless asked otherwise."""
    return p.parse_args(["--connections", "2", *(sys.argv[1:] if argv is None else argv)])


def main(argv=None) -> int:
    args = parse_args(argv)
    # A shared cache, as in production: what Celery beat renders ahead, the web workers read.
    os.environ.setdefault("CACHE_URL", CACHE_URL)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from events.models import Registration
    from petitions.models import Petition

    name = d.ensure_database()
    call_command("migrate", verbosity=0, interactive=False)
    filled = Petition.objects.count() == PETITIONS and Registration.objects.exists()
    if args.refill or not filled:
        print(f"Filling {name}")
        fill(timezone.now())
    else:
        print(f"{name} is filled already (--refill to fill again)")
    from django.core.cache import cache

    from reports.services import refresh_dashboard

    cache.clear()
    started = time.perf_counter()
    rendered = refresh_dashboard()
    print(
        f"Beat's refresh (reports.services.refresh_dashboard): {len(rendered)} dashboards "
        f"(this year and last, each language) in {time.perf_counter() - started:.2f} s"
    )
    staff, _member = d.bench_users()
    cookies = {"staff": d.session_cookie(staff)}
    pages = build_pages()
    if args.only:
        keep = {"bare", "bare_end", *args.only.split(",")}
        pages = [page for page in pages if page.key in keep]
    if args.queries:
        d.profile_queries([page for page in pages if page.key != "bare_end"], cookies)
    extra = {"enterprises": ENTERPRISES, "petitions": PETITIONS, "events": EVENTS}
    return p.measure(
        pages, cookies, args, name=name, label="dashboard", evaluate=evaluate, extra=extra
    )


def _terminate(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())

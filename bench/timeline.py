"""Benchmark of an enterprise's timeline (/members/<id>/timeline/) with 5,000 entries.

    .venv/bin/python bench/timeline.py [--refill] [--duration 5] [--warmup 1]
        [--connections 16] [--workers 2] [--mode both|rendered|kept] [--check]

Same machinery as bench/directory.py (imported: the database check, sessions without a log-in
request, gunicorn in production's configuration, wrk, the CPU meter), on its own database
`ylqgsl_bench_timeline` (or BENCH_TIMELINE_DATABASE_URL; the name must contain "bench": the
script empties tables). The fill is small: bench/directory.py's 2,000 enterprises, then for the
bench member's enterprise about 5,000 entries of every kind (status changes, an application,
chambers joined and left, posts, invitations, registrations and check-ins, petitions,
donations, notices to its five users), and some for fifty other enterprises (so that the
timeline's queries pick one enterprise's rows out of more).

Each page is measured twice (`--mode both`, the default): rendered in full on every request
(gunicorn with KEPT_PAGE_SECONDS=0: no kept page), then as in production (a page kept for its
viewer). Target (issue 17): p95 < 100 ms at 16 connections on each timeline page, rendered.
Deep pages are reached as staff reach them, through the "older" links' cursors. Results are
also written to bench/results/timeline-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))
os.environ["BENCH_DATABASE_URL"] = os.environ.get(
    "BENCH_TIMELINE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ylqgsl_bench_timeline"
)

from bench import directory as d  # noqa: E402  (sets DJANGO_SETTINGS_MODULE=bench.settings)
from bench import result_file  # noqa: E402

ENTERPRISES = 2_000
CACHE_URL = "redis://127.0.0.1:6379/13"
MAX_P95_MS = 100.0
MODES = ("both", "rendered", "kept")
# The target enterprise's entries by kind (with its joining: 5,000 in all).
ENTRIES = {
    "status changes": 20,
    "chambers": 60,  # 40 joined, 20 of them left
    "posts": 20,
    "invitations": 800,
    "registrations": 900,
    "attendance": 600,
    "petitions": 900,
    "donations": 400,
    "notices": 1_298,
}


def fill(now: dt.datetime) -> None:
    """The enterprises, then the bench member's enterprise's entries and some for others."""
    from django.db import connection, transaction

    from chambers.models import Affiliation, Organization, Post, Term
    from events.models import Donation, Event, Invitation, Registration
    from members.models import Application, Enterprise, User
    from notices.models import Notice
    from petitions.models import Petition

    print(f"Filling {ENTERPRISES:,} enterprises")
    d.fill(ENTERPRISES)  # truncates what refers to enterprises and users (CASCADE)
    with connection.cursor() as cursor:
        for model in (Organization, Event):
            cursor.execute(f"TRUNCATE {model._meta.db_table} RESTART IDENTITY CASCADE")
    _staff, member = d.bench_users()
    target = member.enterprise
    others = list(Enterprise.objects.exclude(pk=target.pk).order_by("id")[:50])
    started = time.perf_counter()
    day = dt.timedelta(days=1)
    with transaction.atomic():
        users = [member] + [
            User.objects.create(
                email=f"bench-colleague{i}@ylqgsl.test", real_name=f"基准测试同事{i}",
                enterprise=target,
            )
            for i in range(4)
        ]  # fmt: skip
        for i in range(ENTRIES["status changes"]):
            target.status = "member" if i % 2 else "suspended"  # ends a member
            target._change_reason = "基准测试"
            target.save(update_fields=["status", "updated_at"])
        Application.objects.create(
            name=target.name, credit_code=target.credit_code,
            legal_representative=target.legal_representative, industry=target.industry,
            size=target.size, ownership=target.ownership, township=target.township,
            address=target.address, contact_name=target.contact_name,
            contact_mobile=target.contact_mobile, applicant=member, licence="bench.pdf",
            consent_version="bench", consent_at=now, status="approved", enterprise=target,
        )  # fmt: skip
        organizations = Organization.objects.bulk_create(
            Organization(slug=f"bench-{i}", name=f"基准测试商会{i}", kind="industry")
            for i in range(40)
        )
        Affiliation.objects.bulk_create(
            Affiliation(
                organization=organization, enterprise=target, joined_on=now.date() - 900 * day,
                left_on=now.date() - 30 * day if i % 2 else None,
            )
            for i, organization in enumerate(organizations)
        )  # fmt: skip
        term = Term.objects.create(organization=organizations[0], number=1, starts_on=now.date())
        Post.objects.bulk_create(
            Post(term=term, holder=member, enterprise=target, position="council_member",
                 started_on=now.date() - i * day)
            for i in range(ENTRIES["posts"])
        )  # fmt: skip
        events = Event.objects.bulk_create(
            Event(
                kind="lecture", title=f"基准测试活动{i}", venue="区工商联",
                starts_at=now - i * 8 * dt.timedelta(hours=1),
                ends_at=now - i * 8 * dt.timedelta(hours=1) + dt.timedelta(hours=2),
                audience="members", status="published",
            )
            for i in range(ENTRIES["invitations"])
        )  # fmt: skip
        for enterprise in [target, *others]:
            share = 1 if enterprise == target else len(others)
            Invitation.objects.bulk_create(
                Invitation(event=event, enterprise=enterprise, sent_at=event.starts_at - 7 * day)
                for event in events[: ENTRIES["invitations"] // share]
            )
            Registration.objects.bulk_create(
                Registration(
                    event=events[i % len(events)], enterprise=enterprise,
                    person_name=f"参会人{i}", status="confirmed",
                    created_at=now - i * dt.timedelta(hours=7),
                    checked_in_at=now - i * dt.timedelta(hours=7) + 3 * day
                    if i < ENTRIES["attendance"] // share else None,
                )
                for i in range(ENTRIES["registrations"] // share)
            )  # fmt: skip
            Petition.objects.bulk_create(
                Petition(
                    tracking_number=f"B{enterprise.pk}-{i}", enterprise=enterprise,
                    filed_by=member, category="financing", title=f"基准测试诉求{i}",
                    description="……", status="closed",
                    created_at=now - i * 11 * dt.timedelta(hours=1),
                    first_response_due=now, reply_due=now,
                )
                for i in range(ENTRIES["petitions"] // share)
            )  # fmt: skip
            Donation.objects.bulk_create(
                Donation(event=events[i % len(events)], enterprise=enterprise,
                         cash_yuan=Decimal(1000), received_on=now.date() - i * day)
                for i in range(ENTRIES["donations"] // share)
            )  # fmt: skip
        Notice.objects.bulk_create(
            Notice(
                recipient=users[i % len(users)], kind="bench", key=f"bench-timeline:{i}",
                subject=f"基准测试通知{i}", body="……",
            )
            for i in range(ENTRIES["notices"])
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  entries in {time.perf_counter() - started:.1f} s")


def entries_of(enterprise) -> int:
    from reports.timeline.kinds import KINDS

    return sum(
        len(kind.rows(enterprise, year=None, limit=10**6, before=None)) for kind in KINDS.values()
    )


def older_link(enterprise, number: int, kinds=None) -> str:
    """The query of the "older" link that leads to page `number` (of `kinds`, or every kind)."""
    from reports.timeline import kinds as timeline

    chosen = [timeline.KINDS[code] for code in kinds] if kinds else list(timeline.KINDS.values())
    page = timeline.page(enterprise, kinds=chosen, year=None)
    while page.number < number - 1:
        page = timeline.page(enterprise, kinds=chosen, year=None, after=page.older)
    return urlencode([*(("kind", code) for code in kinds or ()), ("after", page.older.dumps())])


def build_pages(enterprise) -> list[d.Page]:
    path = f"/members/{enterprise.public_id}/timeline/"
    year = dt.date.today().year
    page10 = f"{path}?{older_link(enterprise, 10)}"
    notices3 = f"{path}?{older_link(enterprise, 3, ['notices'])}"
    return [
        d.Page("bare", "bare Django view", "/bench/bare/", "bare", expect="ok"),
        d.Page("first", "timeline, page 1", path, "timeline", expect="timeline-"),
        d.Page("page10", "timeline, page 10", page10, "timeline", expect="timeline-"),
        d.Page("year", f"timeline, {year}", f"{path}?year={year}", "timeline", expect="timeline-"),
        d.Page("notices", "timeline: notices, page 3", notices3, "timeline",
               expect="timeline-notices"),
        d.Page("bare_end", "bare Django view (again)", "/bench/bare/", "bare", expect="ok"),
    ]  # fmt: skip


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds measured per page")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--refill", action="store_true", help="fill again")
    parser.add_argument(
        "--mode", choices=MODES, default="both",
        help="rendered: every request rendered (KEPT_PAGE_SECONDS=0); kept: as in production",
    )  # fmt: skip
    parser.add_argument("--cache-url", default=CACHE_URL)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target fails")
    return parser.parse_args(argv)


def measure(pages: list[d.Page], args, mode: str, name: str, cookie: str) -> list[d.Page]:
    """Each page loaded with wrk on a gunicorn of its own, kept pages on or off (`mode`)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(BASE_DIR)}
    if mode == "rendered":
        env["KEPT_PAGE_SECONDS"] = "0"
    else:
        env.pop("KEPT_PAGE_SECONDS", None)
    pages = [replace(page, stats={}) for page in pages]
    port = d.free_port()
    server = d.start_gunicorn(port, args.workers, 1, env)
    try:
        print(
            f"\n{mode}: gunicorn on 127.0.0.1:{port}, {args.workers} workers; wrk "
            f"{args.connections} connections, {args.warmup:g} s warm-up + {args.duration:g} s"
        )
        for page in pages:
            d.check_page(page, port, cookie)
        meter = d.CpuMeter(server.pid, name)
        for page in pages:
            url = f"http://127.0.0.1:{port}{page.path}"
            wrk = {"connections": args.connections, "threads": args.wrk_threads}
            if args.warmup > 0:
                d.run_wrk(url, cookie, duration=args.warmup, **wrk)
            page.stats = s = d.run_wrk(url, cookie, duration=args.duration, meter=meter, **wrk)
            print(
                f"  {page.label:<32} {s['rps']:>8.1f} req/s  p50 {s['p50_ms']:>7.2f} ms  "
                f"p95 {s['p95_ms']:>7.2f} ms  CPU {s['app_cpu_ms']:.2f} + {s['db_cpu_ms']:.2f} ms"
                f"  non-2xx {s['non2xx']}",
                flush=True,
            )
            time.sleep(d.SETTLE_SECONDS)
    finally:
        d.stop(server)
    return pages


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ["CACHE_URL"] = args.cache_url
    import redis

    redis.Redis.from_url(args.cache_url).flushdb()  # the fill writes around the stamps

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from members.models import Enterprise

    name = d.ensure_database()
    call_command("migrate", verbosity=0, interactive=False)
    if args.refill or Enterprise.objects.count() != ENTERPRISES:
        fill(timezone.now())
    staff, member = d.bench_users()
    entries = entries_of(member.enterprise)
    print(f"{name}: the enterprise's timeline holds {entries:,} entries")
    cookie = d.session_cookie(staff)
    pages = build_pages(member.enterprise)
    info = d.server_info()
    connection.close()

    started = dt.datetime.now().astimezone()
    modes = ["rendered", "kept"] if args.mode == "both" else [args.mode]
    measured = {}
    try:
        for mode in modes:
            measured[mode] = measure(pages, args, mode, name, cookie)
    except KeyboardInterrupt:
        print("\nInterrupted")
        return 130

    targets = [
        {
            "mode": mode,
            "page": page.label,
            "p95_ms": round(page.stats["p95_ms"], 2),
            "passed": page.stats["p95_ms"] < MAX_P95_MS and not page.stats["non2xx"],
        }
        for mode, done in measured.items()
        for page in done
        if page.kind == "timeline"
    ]
    print()
    for target in targets:
        verdict = "PASS" if target["passed"] else "FAIL"
        print(f"{verdict}  {target['mode']:<8} {target['page']}: p95 {target['p95_ms']} ms "
              f"(< {MAX_P95_MS:g} ms at {args.connections} connections)")  # fmt: skip
    result_file.write("timeline", started, {
        "args": vars(args),
        "machine": info,
        "database": name,
        "entries": entries,
        "pages": {mode: result_file.page_rows(done) for mode, done in measured.items()},
        "targets": targets,
    })  # fmt: skip
    return 1 if args.check and not all(t["passed"] for t in targets) else 0


def _terminate(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())

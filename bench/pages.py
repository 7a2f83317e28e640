"""Every named URL of the permission matrix, as each role that may open it, at full size.

    .venv/bin/python bench/pages.py [--refill] [--duration 3] [--warmup 1] [--connections 16]
        [--busy-connections 64] [--only events:list,home] [--roles staff] [--cache-url URL]
        [--queries] [--check]

Same machinery as bench/directory.py, bench/petitions.py and bench/dashboard.py (imported:
the database check, sessions without a log-in request, gunicorn in production's
configuration, wrk, the CPU meter, the report), on its own database `ylqgsl_bench_pages`
(or BENCH_PAGES_DATABASE_URL; the name must contain "bench": the script empties tables).

The data are issue 15's: bench/dashboard.py's municipal fill (100,000 enterprises,
1,000,000 petitions, 4,000 events with 50 registrations each = 200,000 registrations,
donations, 10,000 suggestions), its 24 duty months extended to ten years (120 months with
their logs); then, on top, what the permission matrix's URLs name (tests/conftest.py's
`cast`, with real objects of the fill where one fits): a user of each role (an applicant
with a pending application, users of two member enterprises, a leader of the federation's
current term, staff), a notice, a chamber with 2,000 member enterprises, an upcoming event
with a registration, an invitation, a petition with an attachment, a suggestion, a finished
job, calendar tokens, a swap request.

The URLs and roles come from tests/test_permissions.py's MATRIX: every name, as each role
whose expected answer to a GET is 200 (anonymous included). Left out, and said so in the
output: Excel exports and job downloads (files or background jobs, measured by
bench/ledgers.py and bench/jobs.py) and the password-reset link (one use per token).

Each URL is loaded with wrk for `--duration` seconds at `--connections` (16) after a
`--warmup`, against a bare view measured first and last in the same run. Printed:
requests/s, p50/p95, the ratio to the bare view, app and database CPU ms a request and,
with --queries, the number of queries of each (in-process, page cache off, as
bench/directory.py --queries). Then the "busiest" pages (BUSIEST below: the pages staff,
members and visitors open most) are loaded at `--busy-connections` (64) to count non-2xx.

Targets (issue 15), PASS/FAIL:
- at 16 connections every list and detail page (every page but the yearly ones and the
  forms to fill in, FORMS below, whose figures are printed without a target) ≥ 0.10x the
  bare view with p95 < 100 ms;
- the pages that compute a whole year (YEARLY: the dashboard, the yearly report and its
  print view, the petition metrics) p95 < 300 ms;
- 0 non-2xx (and no socket errors) at 64 connections on the ten busiest pages.

Results are also written to bench/results/pages-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))
os.environ["BENCH_DASHBOARD_DATABASE_URL"] = os.environ.get(
    "BENCH_PAGES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ylqgsl_bench_pages"
)

from bench import dashboard as fill_dashboard  # noqa: E402  (sets the database and settings)
from bench import result_file  # noqa: E402

d = fill_dashboard.d
CACHE_URL = "redis://127.0.0.1:6379/12"
DUTY_YEARS = 10
CHAMBER_MEMBERS = 2_000
MIN_RATIO = 0.10
MAX_P95_MS = 100.0
YEARLY_MAX_P95_MS = 300.0
# The pages that compute a whole year.
YEARLY = {"dashboard:index", "dashboard:report", "dashboard:report_print", "petitions:metrics"}
# Forms to fill in (log-in, registration, an enterprise's record, preferences, new events and
# petitions...): measured and printed, but the 0.10x target is for list and detail
# pages; a form is opened once for each thing done, a list or a record many times.
FORMS = {
    "login", "password_change", "password_reset", "members:register", "members:profile",
    "members:enterprise_edit", "members:import", "notices:preferences", "events:create",
    "events:edit", "events:cancel", "events:invite", "petitions:new", "petitions:record_new",
    "petitions:suggestion_new", "roster:generate", "roster:swap_new", "roster:month_edit",
}  # fmt: skip
# Not measured: downloads and background jobs (bench/ledgers.py, bench/jobs.py), one-use links.
LEFT_OUT = {"jobs:download", "password_reset_confirm"}
# The ten busiest pages: what members and visitors open on every visit (home, the events,
# their notices, the directory, their petitions) and the lists staff work from all day.
BUSIEST = [
    ("home", "anonymous"),
    ("home", "enterprise_a"),
    ("events:list", "anonymous"),
    ("events:list", "enterprise_a"),
    ("notices:inbox", "enterprise_a"),
    ("members:directory", "enterprise_a"),
    ("petitions:list", "enterprise_a"),
    ("members:directory", "staff"),
    ("petitions:list", "staff"),
    ("petitions:ledger", "staff"),
]
ROLE_EMAILS = {
    "applicant": "bench-applicant@ylqgsl.test",
    "enterprise_a": "bench-member@ylqgsl.test",  # bench/directory.py's member user
    "enterprise_b": "bench-member-b@ylqgsl.test",
    "leader": "bench-leader0@ylqgsl.test",  # bench/dashboard.py's first chair
    "staff": "bench-staff@ylqgsl.test",
}


EVENT_URLS = (
    "detail", "register", "edit", "publish", "cancel", "dashboard", "invite",
    "send_invitations", "remind", "export", "checkin", "walk_in", "record",
)  # fmt: skip


def left_out(name: str) -> bool:
    return name in LEFT_OUT or name.endswith("export")


# --- Data -----------------------------------------------------------------------------------


def fill(now: dt.datetime) -> None:
    """bench/dashboard.py's fill, its duty months extended to ten years."""
    from django.db import connection

    fill_dashboard.fill(now)
    started = time.perf_counter()
    fill_duty_years(now)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  {DUTY_YEARS} years of duty months in {time.perf_counter() - started:.1f} s")


def fill_duty_years(now: dt.datetime) -> None:
    import random

    from chambers.models import DutyLogEntry, DutyMonth
    from core.months import add_months, month_start

    rng = random.Random(15)
    chairs = fill_dashboard.leaders(12, "leader")
    this_month = month_start(now.date())
    entries = []
    for n in range(-DUTY_YEARS * 12, -20):  # bench/dashboard.py fills the 20 months after
        month = add_months(this_month, n)
        duty_month, created = DutyMonth.objects.get_or_create(
            month=month, defaults={"chair": chairs[n % len(chairs)], "status": "completed"}
        )
        if created:
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


def world() -> tuple[dict, dict]:
    """What the matrix's URLs name, made once on top of the fill (as tests/conftest.py's cast
    does, with real objects of the fill where one fits). Returns (URL arguments by name,
    users by role)."""
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from chambers.models import (
        Affiliation,
        CalendarToken,
        DutyMonth,
        Organization,
        Post,
        SwapRequest,
        Term,
    )
    from core.models import Job
    from events import services as event_services
    from events.models import Event, Invitation, RaisedProblem, Registration
    from members.models import Application, Enterprise, User
    from notices.models import Notice
    from petitions import services as petition_services
    from petitions.models import Petition, Suggestion
    from tests.events.factories import EventFactory
    from tests.factories import ApplicationFactory
    from tests.uploads import PDF

    staff, user_a = d.bench_users()
    enterprise_a = user_a.enterprise
    enterprise_b = Enterprise.objects.members().exclude(pk=enterprise_a.pk).order_by("id").first()
    user_b, _ = User.objects.update_or_create(
        email=ROLE_EMAILS["enterprise_b"],
        defaults={"real_name": "基准测试企业乙", "enterprise": enterprise_b},
    )
    applicant, _ = User.objects.get_or_create(
        email=ROLE_EMAILS["applicant"], defaults={"real_name": "基准测试申请人"}
    )
    leader = fill_dashboard.leaders(1, "leader")[0]
    for user in (user_b, applicant, leader):
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
    today = timezone.localdate()

    federation, _ = Organization.objects.get_or_create(
        slug="ylqgsl", defaults={"name": "延庆区工商联（总商会）", "kind": "federation"}
    )
    term, _ = Term.objects.get_or_create(
        organization=federation, number=1, defaults={"starts_on": dt.date(today.year - 1, 1, 1)}
    )
    Post.objects.get_or_create(
        term=term,
        holder=leader,
        defaults={"position": Post.Position.VICE_CHAIR, "started_on": term.starts_on},
    )
    application = Application.objects.filter(applicant=applicant).first() or ApplicationFactory(
        applicant=applicant
    )
    notice, _ = Notice.objects.get_or_create(
        key="bench-pages",
        defaults={"recipient": user_a, "kind": "application_received", "subject": "s", "body": "b"},
    )
    chamber, created = Organization.objects.get_or_create(
        slug="bench-ice", defaults={"name": "冰雪产业商会", "kind": "industry"}
    )
    if created:
        others = (
            Enterprise.objects.members()
            .exclude(pk=enterprise_a.pk)
            .order_by("id")
            .values_list("pk", flat=True)[: CHAMBER_MEMBERS - 1]
        )
        ids = [enterprise_a.pk, *others]
        Affiliation.objects.bulk_create(
            [Affiliation(organization=chamber, enterprise_id=pk) for pk in ids]
        )
    affiliation = Affiliation.objects.get(organization=chamber, enterprise=enterprise_a)
    this_month = DutyMonth.objects.get(month=today.replace(day=1))
    swap = SwapRequest.objects.filter(requested_by=leader).first()
    if swap is None:
        swap = SwapRequest.objects.create(
            month=this_month, requested_by=leader, counterpart=staff, reason="出差"
        )
    leader_token = CalendarToken.objects.get_or_create(user=leader)[0]
    staff_token = CalendarToken.objects.get_or_create(user=staff)[0]

    upcoming = Event.objects.filter(title="基准测试即将举行的活动").first()
    if upcoming is None:
        upcoming = EventFactory(title="基准测试即将举行的活动", audience=Event.Audience.MEMBERS)
        event_services.register_for_event(event=upcoming, actor=user_a)
    registration = Registration.objects.get(event=upcoming, enterprise=enterprise_a)
    # A finished event of the fill, with its 50 registrations: the detail and staff pages.
    event = Event.objects.filter(title="基准测试活动100").get()
    meeting = Event.objects.filter(title="基准测试早餐会").first()
    if meeting is None:
        meeting = EventFactory(
            title="基准测试早餐会", audience=Event.Audience.INVITATION, kind=Event.Kind.BREAKFAST
        )
        invitation = event_services.invite(event=meeting, actor=staff, enterprises=[enterprise_a])
        event_services.respond_to_invitation(invitation=invitation[0], accept=True, attendees=2)
        event_services.record_problem(
            event=meeting, actor=staff, text="用地审批慢。", enterprise=enterprise_a
        )
    invitation = Invitation.objects.get(event=meeting, enterprise=enterprise_a)
    problem = RaisedProblem.objects.filter(event=meeting).first()
    petition = Petition.objects.filter(title="基准测试带附件的诉求").first()
    if petition is None:
        petition = petition_services.file_petition(
            actor=user_a,
            enterprise=enterprise_a,
            category="financing",
            title="基准测试带附件的诉求",
            description="银行要求追加抵押。",
            files=[SimpleUploadedFile("a.pdf", PDF)],
        )
    suggestion = Suggestion.objects.filter(author=user_a).order_by("id").first()
    job = Job.objects.filter(owner=user_a, kind="members_export").first()
    if job is None:
        job = Job.objects.create(owner=user_a, kind="members_export", state=Job.State.DONE)
        job.file.save("bench.xlsx", ContentFile(b"PK"))
    month_key = today.strftime("%Y-%m")
    on_event = [event.public_id]
    by_token = [meeting.public_id, invitation.token]
    args = {
        **{f"jobs:{name}": [job.public_id] for name in ("detail", "progress", "download")},
        **{
            f"members:application_{name}": [application.public_id]
            for name in ("detail", "approve", "reject", "licence")
        },
        **{
            f"members:enterprise_{name}": [enterprise_a.public_id]
            for name in ("detail", "edit", "status")
        },
        "notices:open": [notice.public_id],
        "chambers:detail": [chamber.slug],
        "chambers:members": [chamber.slug],
        "chambers:member_end": [chamber.slug, affiliation.pk],
        "events:month": [today.year, today.month],
        "events:checkin_scan": [registration.checkin_token],
        **{
            f"events:registration_{name}": [registration.public_id]
            for name in ("cancel", "decide", "qr")
        },
        "events:check_in": [registration.public_id],
        "events:invitation": by_token,
        "events:invitation_card": by_token,
        "events:invitation_qr": by_token,
        **{f"events:{name}": on_event for name in EVENT_URLS},
        "petitions:suggestion_detail": [suggestion.public_id],
        **{
            f"petitions:{name}": [petition.public_id]
            for name in ("detail", "timeline", "record", "provide_info", "rate")
        },
        "petitions:act": [petition.public_id, "accept"],
        "petitions:from_problem": [meeting.public_id, problem.pk],
        "petitions:attachment": [petition.public_id, petition.attachments.get().public_id],
        "roster:ical": [leader_token.token],
        "roster:ical_all": [staff_token.token],
        **{f"roster:swap_{name}": [swap.public_id] for name in ("answer", "withdraw", "decide")},
        **{f"roster:{name}": [month_key] for name in ("month", "month_edit", "log_add", "summary")},
    }
    users = {"anonymous": None, "applicant": applicant, "enterprise_a": user_a,
             "enterprise_b": user_b, "leader": leader, "staff": staff}  # fmt: skip
    return args, users


# --- Pages ----------------------------------------------------------------------------------


def build_pages(args: dict, only: set[str], roles: set[str]) -> tuple[list, list]:
    """(pages measured at --connections, left-out names). One Page per URL name and role
    allowed to GET it (MATRIX says 200); `who` is the role, `key` name@role."""
    from django.urls import reverse

    from tests.test_permissions import MATRIX, ROLES

    pages = [
        d.Page("bare", "bare Django view", "/bench/bare/", "bare", who="anonymous", expect="ok"),
        d.Page("base", "reference: logged-in base template", "/bench/base/", "reference",
               who="staff", expect="</footer>"),
    ]  # fmt: skip
    skipped = []
    for name, expected in MATRIX.items():
        if left_out(name):
            skipped.append(name)
            continue
        if only and name not in only:
            continue
        path = reverse(name, args=args.get(name, []))
        kind = "yearly" if name in YEARLY else "form" if name in FORMS else "page"
        for role in ROLES:
            if expected[role] == 200 and (not roles or role in roles):
                pages.append(d.Page(f"{name}@{role}", f"{name} ({role})", path, kind, who=role))
    pages.append(d.Page("bare_end", "bare Django view (again)", "/bench/bare/", "bare",
                        who="anonymous", expect="ok"))  # fmt: skip
    return pages, skipped


def evaluate(pages: list, busy: list, connections: int, busy_connections: int) -> list[dict]:
    bare_rps = statistics.mean(p.stats["rps"] for p in pages if p.kind == "bare")
    targets = []

    def target(name, passed, detail):
        targets.append({"target": name, "passed": bool(passed), "detail": detail})

    for page in pages:
        s = page.stats
        if page.kind == "page":
            ratio = s["rps"] / bare_rps
            target(
                f"≥ {MIN_RATIO:.2f}x bare and p95 < {MAX_P95_MS:g} ms at {connections} "
                f"connections: {page.label}",
                ratio >= MIN_RATIO and s["p95_ms"] < MAX_P95_MS,
                f"{ratio:.3f}x, p95 {s['p95_ms']:.1f} ms",
            )
        elif page.kind == "yearly":
            target(
                f"p95 < {YEARLY_MAX_P95_MS:g} ms at {connections} connections: {page.label}",
                # A page that answered nothing within the run has no p95: it fails.
                s["rps"] > 0 and s["p95_ms"] < YEARLY_MAX_P95_MS,
                f"p95 {s['p95_ms']:.1f} ms" if s["rps"] > 0 else "no answer within the run",
            )
        if page.kind != "bare" and s.get("non2xx"):
            target(f"no errors: {page.label}", False, f"{s['non2xx']} non-2xx")
    for page in busy:
        s = page.stats
        errors = sum(s.get("socket_errors", {}).values())
        target(
            f"0 non-2xx at {busy_connections} connections: {page.label}",
            not s["non2xx"] and not errors,
            f"{s['non2xx']} non-2xx, {errors} socket errors, {s['requests']:,} requests, "
            f"p95 {s['p95_ms']:.1f} ms",
        )
    return targets


def load(url: str, cookie: str, **options) -> dict:
    """bench/directory.py's run_wrk; a page so slow that wrk itself hangs counts as no
    request answered (rather than ending the whole run)."""
    try:
        return d.run_wrk(url, cookie, **options)
    except subprocess.TimeoutExpired:
        latencies = ("p50_ms", "p90_ms", "p95_ms", "p99_ms", "mean_ms", "max_ms")
        times = dict.fromkeys(latencies, math.inf)
        cpu = dict.fromkeys(("app_cpu_ms", "db_cpu_ms", "wrk_cpu_ms", "other_cpu_pct"), math.nan)
        return {"requests": 0, "rps": 0.0, **times, **cpu, "kb_per_request": 0.0, "non2xx": 0,
                "socket_errors": {"timeout": 1}}  # fmt: skip


# --- Main -----------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refill", action="store_true")
    parser.add_argument("--duration", type=float, default=3, help="seconds measured per page")
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--busy-connections", type=int, default=64)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--cache-url",
        default=CACHE_URL,
        help=f"the shared cache (default {CACHE_URL}, emptied first)",
    )
    parser.add_argument("--only", default="", help="comma-separated URL names (bare always)")
    parser.add_argument("--roles", default="", help="comma-separated roles (default: all)")
    parser.add_argument("--no-busy", action="store_true", help="skip the 64-connection runs")
    parser.add_argument("--queries", action="store_true", help="count queries in-process")
    parser.add_argument("--fill-only", action="store_true")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target fails")
    return parser.parse_args(argv)  # fmt: skip


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ["CACHE_URL"] = args.cache_url
    if args.cache_url.startswith("redis://"):
        import redis

        redis.Redis.from_url(args.cache_url).flushdb()  # the fill's raw SQL records no stamp
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from chambers.models import DutyMonth
    from events.models import Registration
    from petitions.models import Petition

    name = d.ensure_database()
    call_command("migrate", verbosity=0, interactive=False)
    filled = (
        Petition.objects.count() >= fill_dashboard.PETITIONS
        and Registration.objects.count() >= fill_dashboard.EVENTS * 50
        and DutyMonth.objects.count() >= DUTY_YEARS * 12
    )
    if args.refill or not filled:
        print(f"Filling {name}")
        fill(timezone.now())
    else:
        print(f"{name} is filled already (--refill to fill again)")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics for any index a migration just added
    url_args, users = world()
    if args.fill_only:
        return 0
    cookies = {role: d.session_cookie(user) if user else "" for role, user in users.items()}
    only = set(filter(None, args.only.split(",")))
    roles = set(filter(None, args.roles.split(",")))
    pages, skipped = build_pages(url_args, only, roles)
    print(f"{len(pages) - 2} URL-and-role pairs; left out: {', '.join(skipped)}")
    by_key = {p.key: p for p in pages}
    busy = [
        d.Page(f"busy:{n}@{r}", f"{n} ({r}) x{args.busy_connections}", by_key[f"{n}@{r}"].path,
               "busy", who=r)
        for n, r in BUSIEST
        if f"{n}@{r}" in by_key
    ]  # fmt: skip
    if args.no_busy:
        busy = []
    if args.queries:
        d.profile_queries([p for p in pages if p.key != "bare_end"], cookies, repeat=5)
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
            if status != 200 or (page.expect and page.expect not in body):
                raise SystemExit(f"{page.label}: {page.path} answered {status}")
        meter = d.CpuMeter(server.pid, name)
        for page, connections in [
            *((p, args.connections) for p in pages),
            *((p, args.busy_connections) for p in busy),
        ]:
            url = f"http://127.0.0.1:{port}{page.path}"
            wrk = {"connections": connections, "threads": args.wrk_threads}
            if args.warmup > 0:
                load(url, cookies[page.who], duration=args.warmup, **wrk)
            page.stats = load(url, cookies[page.who], duration=args.duration, meter=meter, **wrk)
            s = page.stats
            print(
                f"  {page.label:<52} {s['rps']:>8.1f} req/s  p50 {s['p50_ms']:>7.2f} ms  "
                f"p95 {s['p95_ms']:>7.2f} ms  CPU {s['app_cpu_ms']:.2f} + "
                f"{s['db_cpu_ms']:.2f} ms  {s['non2xx']} non-2xx",
                flush=True,
            )
            time.sleep(d.SETTLE_SECONDS)
            # What wrk left queued is answered before the next page starts: a bare request
            # to each worker comes back only then.
            for _ in range(args.workers):
                d.fetch(port, "/bench/bare/", "")
    except KeyboardInterrupt:
        print("\nInterrupted")
        return 130
    finally:
        d.stop(server)

    targets = evaluate(pages, busy, args.connections, args.busy_connections)
    d.print_report(pages + busy, targets)
    failed = [t for t in targets if not t["passed"]]
    print(f"\n{len(targets) - len(failed)} of {len(targets)} targets pass")
    result_file.write("pages", started, {
        "args": vars(args),
        "machine": info,
        "load": os.getloadavg(),
        "database": name,
        "pages": result_file.page_rows(pages + busy),
        "targets": targets,
    })  # fmt: skip
    return 1 if args.check and failed else 0


def _terminate(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())

"""Benchmark of the member directory against a bare Django view, on PostgreSQL and gunicorn.

    .venv/bin/python bench/directory.py [--duration 10] [--warmup 2] [--connections 16]
        [--rows 100000] [--refill] [--workers 2] [--threads 1] [--cache-url URL]
        [--only plain,last,...] [--varied 6000] [--queries] [--check]

Fills a dedicated database (ylqgsl_bench, or BENCH_DATABASE_URL) with member enterprises,
serves the portal with gunicorn on loopback (settings bench.settings: the project's settings
plus a bare view at /bench/bare/), logs a staff and a member user in, checks every page
answers 200 with rows, then measures each one with wrk and prints requests/s, p50/p95 latency,
the ratio to the bare view, CPU time per request, and PASS/FAIL for the issue's targets.
Results are also written to bench/results/directory-<timestamp>.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import os
import platform
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
CACHE_URL = "redis://127.0.0.1:6379/8"
BASE_DIR = BENCH_DIR.parent
WRK_SCRIPT = BENCH_DIR / "wrk_report.lua"

# The targets.
DIRECTORY_MIN_RATIO = 0.10
PROFILE_MIN_RATIO = 0.35
LAST_PAGE_MAX_FACTOR = 2.0
DIRECTORY_MAX_P95_MS = 50.0
SETTLE_SECONDS = 1.0
OTHER_CPU_WARNING_PCT = 5.0

if str(BASE_DIR) not in sys.path:  # run as a script: `python bench/directory.py`
    sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

from bench import result_file  # noqa: E402

# --- Synthetic data -------------------------------------------------------------------------

# Company names: [region] + trade name (字号) + line of business + legal form, the way names
# on Yanqing business licences read: 北京延庆鑫源农业科技有限公司.
PREFIXES = [
    ("北京", 40), ("北京延庆", 16), ("延庆", 4), ("北京康庄", 2), ("北京八达岭", 2), ("", 36),
]  # fmt: skip
BRAND_CHARS = (
    "金鑫华泰宏达盛兴隆福瑞祥丰源通恒信美康安德嘉盈鼎立中天成晟辉光明正龙凤山水绿田园春秋"
    "雪松柏竹梅兰星月阳博远志诚润泽海宇腾飞鹏程锦绣新创佳优汇聚众力久永昌万千宝元亨利乾坤"
    "大方圆品世纪云峰岭川湖林森禾谷稻麦果蔬花香茗今京燕蓝白红青"
)
# A handful of local trade names, rare enough for a narrow search (妫川: about 1 name in 1,000).
RARE_BRANDS = ["妫川", "海坨", "龙庆峡", "古崖居", "玉渡山"]
RARE_BRAND_SHARE = 0.005
# Line of business and its GB/T 4754 section.
TRADES = [
    ("科技", "I"), ("信息技术", "I"), ("网络科技", "I"), ("软件开发", "I"), ("农业科技", "A"),
    ("生态农业", "A"), ("种植", "A"), ("养殖", "A"), ("果品", "A"), ("商贸", "F"),
    ("贸易", "F"), ("超市", "F"), ("建筑工程", "E"), ("装饰工程", "E"), ("市政工程", "E"),
    ("餐饮管理", "H"), ("酒店管理", "H"), ("民宿", "H"), ("旅游开发", "N"), ("文化传媒", "R"),
    ("体育文化", "R"), ("食品", "C"), ("机械制造", "C"), ("葡萄酒业", "C"), ("新材料", "C"),
    ("服装", "C"), ("物流", "G"), ("运输", "G"), ("新能源", "D"), ("环保科技", "N"),
    ("房地产开发", "K"), ("物业管理", "K"), ("汽车服务", "O"), ("家政服务", "O"),
    ("医药", "F"), ("健康管理", "Q"), ("教育咨询", "P"), ("企业管理咨询", "L"),
    ("广告", "L"), ("工程技术", "M"),
]  # fmt: skip
COOPERATIVE_TRADES = {"种植", "养殖", "果品"}
FORMS = [("有限公司", 70), ("有限责任公司", 16), ("股份有限公司", 4), ("中心", 3)]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海燕鹏飞云峰宇浩"
ROADS = ["妫水北街", "高塔街", "东外大街", "湖南东路", "庆园街", "莲花池路", "百泉街", "康张路"]
SIZES = [("micro", 55), ("small", 30), ("medium", 12), ("large", 3)]
OWNERSHIPS = [("private", 80), ("individual", 8), ("collective", 4), ("state", 3), ("other", 5)]
LEGAL_FORMS = [("llc", 80), ("joint_stock", 5), ("sole", 5), ("partnership", 5), ("other", 5)]
STATUSES = [("member", 90), ("suspended", 5), ("withdrawn", 5)]
FIRST_YEAR = 1990
# Township codes (110119xxx) with a weight: the town of Yanqing and the streets are largest.
TOWNSHIP_WEIGHTS = {"001": 8, "002": 8, "003": 8, "100": 12, "101": 8, "102": 6}


def make_credit_code(seq: int, district: str = "110119") -> str:
    """A checksum-valid unified social credit code (GB 32100) for `seq`, distinct per seq.

    The organisation part (positions 9-17) satisfies the GB 11714 inner check too. (A copy of
    the test factories' generator: the benchmark does not import from tests/.)
    """
    from members.validators import USCC_ALPHABET

    body = f"{seq:08d}"[-8:]
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    inner = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    inner_char = {10: "X", 11: "0"}.get(inner, str(inner))
    if inner_char == "X":  # X is outside the USCC alphabet: take the next free number
        return make_credit_code(seq + 10_000_000, district)
    partial = "91" + district + body + inner_char
    total = sum(USCC_ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(partial))
    return partial + USCC_ALPHABET[(31 - total % 31) % 31]


class PinyinCache:
    """members.pinyin.name_pinyin, its syllables computed once per name part and joined.

    name_pinyin takes about 0.1 ms a name; names here are built from a few hundred parts,
    so the fill is fast. `check` compares a sample with name_pinyin on the whole name.
    """

    def __init__(self):
        from members import pinyin

        self.pinyin = pinyin
        self.parts: dict[str, tuple[list[str], list[str]]] = {}

    def __call__(self, parts: list[str]):
        syllables, initials = [], []
        for part in parts:
            if part not in self.parts:
                self.parts[part] = self.pinyin.name_syllables(part)
            syllables.extend(self.parts[part][0])
            initials.extend(self.parts[part][1])
        return self.pinyin.joined(syllables, initials)

    def check(self, samples: list[tuple[str, tuple]]) -> int:
        return sum(1 for name, found in samples if self.pinyin.name_pinyin(name) != found)


def weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


def company_name(rng: random.Random) -> list[str]:
    prefix = weighted(rng, PREFIXES)
    if rng.random() < RARE_BRAND_SHARE:
        brand = rng.choice(RARE_BRANDS)
    else:
        brand = "".join(rng.choice(BRAND_CHARS) for _ in range(3 if rng.random() < 0.15 else 2))
    trade, _industry = rng.choice(TRADES)
    if trade in COOPERATIVE_TRADES and rng.random() < 0.6:
        form = "专业合作社"
    else:
        form = weighted(rng, FORMS)
    return [p for p in (prefix, brand, trade, form) if p]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def fill(rows: int, *, batch_size: int = 5000, seed: int = 20261122) -> None:
    """Empty the enterprise table (and what refers to it) and insert `rows` enterprises."""
    from django.db import connection, transaction

    from members.choices import INDUSTRY_DIVISIONS
    from members.models import Enterprise, Township

    trade_industry = dict(TRADES)
    rng = random.Random(seed)
    pinyin = PinyinCache()
    townships = list(Township.objects.filter(district_code="110119").order_by("code"))
    township_weights = [TOWNSHIP_WEIGHTS.get(t.code[-3:], 3) for t in townships]
    today = dt.date.today()
    history_table = Enterprise.history.model._meta.db_table
    with connection.cursor() as cursor:
        # CASCADE also empties the tables that refer to enterprises (users, applications...):
        # this is the benchmark's own database.
        cursor.execute(
            f"TRUNCATE {Enterprise._meta.db_table}, {history_table} RESTART IDENTITY CASCADE"
        )
    started = time.perf_counter()
    samples = []
    batch = []
    for seq in range(1, rows + 1):
        parts = company_name(rng)
        name = "".join(parts)
        found = pinyin(parts)
        if len(samples) < 2000 and rng.random() < 0.05:
            samples.append((name, found))
        trade = next(p for p in parts if p in trade_industry)
        industry = trade_industry[trade]
        if rng.random() < 0.1:  # a line of business does not always say the section
            industry = rng.choice(list(INDUSTRY_DIVISIONS))
        low, high = INDUSTRY_DIVISIONS[industry]
        township = rng.choices(townships, township_weights)[0]
        year = min(FIRST_YEAR + int(rng.betavariate(2.2, 1.2) * 37), today.year)
        joined_on = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        joined_on = min(joined_on, today)
        founded_on = joined_on - dt.timedelta(days=rng.randrange(30, 3650))
        status = weighted(rng, STATUSES)
        size = weighted(rng, SIZES)
        batch.append(
            Enterprise(
                public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                name=name,
                name_pinyin=found.full,
                name_initials=found.initials,
                name_pinyin_pairs=found.pairs,
                credit_code=make_credit_code(1_000_000 + seq),
                legal_representative=person_name(rng),
                industry=industry,
                industry_division=f"{rng.randint(low, high):02d}",
                size=size,
                ownership=weighted(rng, OWNERSHIPS),
                legal_form=weighted(rng, LEGAL_FORMS),
                township=township,
                address=f"北京市延庆区{township.name}{rng.choice(ROADS)}{rng.randint(1, 300)}号",
                founded_on=founded_on,
                employees=rng.randint(1, {"micro": 9, "small": 99, "medium": 299}.get(size, 2000)),
                registered_capital=Decimal(rng.randint(10, 50_000)),
                business_scope=f"{trade}；技术开发、技术咨询、技术服务。",
                contact_name=person_name(rng),
                contact_mobile=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                contact_phone=f"010-{rng.randrange(10**8):08d}" if rng.random() < 0.5 else "",
                email=f"contact{seq}@example.com" if rng.random() < 0.4 else "",
                status=status,
                status_reason="" if status == "member" else "逾期未缴纳会费",
                member_number=f"YQ{year}{seq:06d}",
                joined_on=joined_on,
            )
        )
        if len(batch) == batch_size or seq == rows:
            with transaction.atomic():
                Enterprise.objects.bulk_create(batch)
            batch = []
            print(f"\r  filled {seq:,}/{rows:,}", end="", flush=True)
    print(f" in {time.perf_counter() - started:.1f} s")
    mismatches = pinyin.check(samples)
    if mismatches:
        print(f"  note: {mismatches}/{len(samples)} sampled names' pinyin differ from name_pinyin")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")


# --- Database, users and sessions -----------------------------------------------------------


def ensure_database() -> str:
    """Create the bench database if it does not exist; return its name."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("The benchmark needs PostgreSQL (BENCH_DATABASE_URL=postgres://...).")
    name = db["NAME"]
    if "bench" not in name:
        sys.exit(f"Refusing to fill database {name!r}: its name must contain 'bench'.")
    conn = psycopg2.connect(
        dbname="postgres",
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                print(f"Creating database {name}")
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()
    return name


def session_cookie(user) -> str:
    """A logged-in session for `user`, as a Cookie header value (no login request needed),
    with the CSRF cookie that a browser holds after its first page (without one, every
    response would make a new CSRF secret and set it)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "core.auth.CachedModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return (
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={get_random_string(32)}"
    )


def bench_users():
    from members.models import Enterprise, User

    staff, _ = User.objects.update_or_create(
        email="bench-staff@ylqgsl.test",
        defaults={"real_name": "基准测试秘书处", "is_staff": True, "is_active": True},
    )
    member_enterprise = Enterprise.objects.members().order_by("id").first()
    member, _ = User.objects.update_or_create(
        email="bench-member@ylqgsl.test",
        defaults={"real_name": "基准测试联络员", "enterprise": member_enterprise},
    )
    for user in (staff, member):
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
    return staff, member


# --- Pages ----------------------------------------------------------------------------------


@dataclass
class Page:
    key: str
    label: str
    path: str
    kind: str  # bare, reference, directory, profile
    who: str = "staff"
    group: str = ""  # plain, filtered, searched: what the directory target lists
    expect: str = ""  # text the response must contain
    rows: int | None = None
    result_count: int | None = None
    stats: dict = field(default_factory=dict)
    # A page whose every request asks for another URL (varied searches): path is the first.
    paths: list[str] = field(default_factory=list)
    warmup_paths: list[str] = field(default_factory=list)


def directory_path(**params) -> str:
    return "/members/" + (f"?{urlencode(params)}" if params else "")


def varied_searches(count: int, seed: int = 7) -> tuple[list[str], list[str]]:
    """`count` distinct name fragments and as many pinyin ones, each found in some name.

    A fragment is 2 to 4 characters from where the trade name starts (after the region), as
    someone half-remembering a company would type it; the pinyin is that fragment's.
    """
    from members.models import Enterprise, name_pinyin

    rng = random.Random(seed)
    names = list(Enterprise.objects.values_list("name", flat=True).order_by("id"))
    prefixes = sorted((p for p, _ in PREFIXES if p), key=len, reverse=True)
    fragments: dict[str, None] = {}
    for _ in range(count * 20):  # bounded: stops early once there are enough
        name = rng.choice(names)
        start = next((len(p) for p in prefixes if name.startswith(p)), 0)
        fragment = name[start : start + rng.choice((2, 2, 3, 4))]
        if len(fragment) >= 2:
            fragments[fragment] = None
        if len(fragments) >= count:
            break
    chinese = list(fragments)
    pinyin: dict[str, None] = {}
    for fragment in chinese:
        full = name_pinyin(fragment).full
        if full.isascii() and full.isalpha() and len(full) >= 4:
            pinyin[full] = None
    return chinese, list(pinyin)


def build_pages(page_size: int, varied: int) -> list[Page]:
    from members.models import Enterprise, Township

    total = Enterprise.objects.count()
    num_pages = max(1, math.ceil(total / page_size))
    township = Township.objects.get(code="110119100")  # 延庆镇
    # A current member, so that the member user may see its profile too.
    members = Enterprise.objects.members().order_by("id")
    sample = members[members.count() // 2]
    rare = RARE_BRANDS[0]
    d = directory_path
    chinese, pinyin = varied_searches(varied)
    warm = max(1, len(chinese) // 6)
    names = [d(q=q) for q in chinese]
    pinyins = [d(q=q) for q in pinyin]
    pages = [
        Page("bare", "bare Django view", "/bench/bare/", "bare", expect="ok"),
        Page("base", "reference: logged-in base template", "/bench/base/", "reference",
             expect="</footer>"),
        Page("plain", "directory, page 1", d(), "directory", group="plain"),
        Page("page2", "directory, page 2", d(page=2), "directory", group="plain"),
        Page("middle", f"directory, page {num_pages // 2}", d(page=num_pages // 2), "directory",
             group="plain"),
        Page("last", f"directory, last page ({num_pages})", d(page=num_pages), "directory",
             group="plain"),
        Page("industry_township", "filtered: industry C + 延庆镇",
             d(industry="C", township=township.pk), "directory", group="filtered"),
        Page("size_year", "filtered: medium size + joined 2015", d(size="medium", join_year=2015),
             "directory", group="filtered"),
        Page("name_common", "searched: name 延庆", d(q="延庆"), "directory", group="searched"),
        Page("name_rare", f"searched: name {rare}", d(q=rare), "directory", group="searched"),
        Page("initials", "searched: initials bjyq", d(q="bjyq"), "directory", group="searched"),
        Page("pinyin", "searched: pinyin yanqing", d(q="yanqing"), "directory",
             group="searched"),
        Page("pinyin_rare", "searched: pinyin guichuan", d(q="guichuan"), "directory",
             group="searched"),
        Page("credit_code", "searched: credit code", d(q=sample.credit_code), "directory",
             group="searched"),
        Page("member", "directory as a member user", d(), "directory", who="member",
             group="plain"),
        Page("profile", "enterprise profile (staff)", f"/members/{sample.public_id}/", "profile",
             expect=sample.name),
        Page("profile_member", "enterprise profile (member)", f"/members/{sample.public_id}/",
             "profile", who="member", expect=sample.name),
        Page("bare_end", "bare Django view (again)", "/bench/bare/", "bare", expect="ok"),
    ]  # fmt: skip
    if varied:
        pages[-4:-4] = [
            Page("varied_names", f"searched: {len(names) - warm:,} names, uncached", names[warm],
                 "directory", group="searched", paths=names[warm:], warmup_paths=names[:warm]),
            Page("varied_pinyin", f"searched: {len(pinyins) - warm:,} pinyin, uncached",
                 pinyins[warm], "directory", group="searched", paths=pinyins[warm:],
                 warmup_paths=pinyins[:warm]),
        ]  # fmt: skip
    return pages


ROW_LINK = re.compile(r'href="/members/[0-9a-f-]{36}/"')
RESULT_COUNT = re.compile(r'id="result-count">\s*([\d,]+)')


def fetch(port: int, path: str, cookie: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def check_page(page: Page, port: int, cookie: str) -> None:
    """The page answers 200 and shows what it should (a directory page: some rows)."""
    # Of a page with many URLs, a sample: each one is a search that must find something.
    for path in [page.path, *random.Random(1).sample(page.paths, min(10, len(page.paths)))]:
        status, body = fetch(port, path, cookie)
        if status != 200:
            raise SystemExit(f"{page.label}: {path} answered {status}, not 200")
        if page.expect and page.expect not in body:
            raise SystemExit(f"{page.label}: {path} does not contain {page.expect!r}")
        if page.kind == "directory":
            rows = len(ROW_LINK.findall(body))
            if not rows:
                raise SystemExit(f"{page.label}: {path} shows no enterprise")
            if path == page.path:
                page.rows = rows
                match = RESULT_COUNT.search(body)
                page.result_count = int(match.group(1).replace(",", "")) if match else None


# --- gunicorn and wrk -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int, env: dict) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "ylqgsl.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--log-level", "warning", "--timeout", "60", "--chdir", str(BASE_DIR),
    ]  # fmt: skip
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    process = subprocess.Popen(command, env=env, cwd=BASE_DIR, start_new_session=True)
    for _ in range(150):  # up to 30 s
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}")
        try:
            if fetch(port, "/bench/bare/", "")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop(process)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()  # gunicorn's graceful shutdown: the arbiter stops its workers
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def child_pids(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    pids.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return pids


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


class CpuMeter:
    """Where the CPU went during a run: gunicorn, PostgreSQL backends, wrk, anything else.

    Requests/s depend on whatever else the machine is doing; CPU time per request much less,
    so the report also gives each page's cost in CPU and the ratio of those costs.
    """

    def __init__(self, server_pid: int, database: str):
        self.server_pid = server_pid
        self.database = database

    def backend_pids(self) -> list[int]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            )
            return [row[0] for row in cursor.fetchall()]

    def snapshot(self) -> dict:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy, total = machine_cpu()
        return {
            "app": sum(map(process_cpu, [self.server_pid, *child_pids(self.server_pid)])),
            "db": {pid: process_cpu(pid) for pid in self.backend_pids()},
            "wrk": children.ru_utime + children.ru_stime,
            "busy": busy,
            "total": total,
        }

    @staticmethod
    def per_request(before: dict, after: dict, requests: int) -> dict:
        app = after["app"] - before["app"]
        db = sum(cpu - before["db"].get(pid, 0.0) for pid, cpu in after["db"].items())
        wrk = after["wrk"] - before["wrk"]
        other = max(0.0, after["busy"] - before["busy"] - app - db - wrk)
        elapsed = after["total"] - before["total"]
        n = max(requests, 1)
        return {
            "app_cpu_ms": app / n * 1000,
            "db_cpu_ms": db / n * 1000,
            "wrk_cpu_ms": wrk / n * 1000,
            "other_cpu_pct": other / elapsed * 100 if elapsed else 0.0,
        }


def run_wrk(
    url: str,
    cookie: str,
    *,
    duration: float,
    connections: int,
    threads: int,
    paths: list[str] | None = None,
    meter: CpuMeter | None = None,
) -> dict:
    env = dict(os.environ)
    env.pop("WRK_PATHS_FILE", None)
    with tempfile.NamedTemporaryFile("w", prefix="wrk-paths-", suffix=".txt") as paths_file:
        if paths:
            paths_file.write("\n".join(paths) + "\n")
            paths_file.flush()
            env["WRK_PATHS_FILE"] = paths_file.name
        before = meter.snapshot() if meter else None
        stats = _run_wrk(url, cookie, duration, connections, threads, env)
        if meter:
            stats |= meter.per_request(before, meter.snapshot(), stats["requests"])
        return stats


def _run_wrk(url, cookie, duration, connections, threads, env) -> dict:
    command = [
        "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration:g}s",
        "--timeout", "10s", "-s", str(WRK_SCRIPT), url,
    ]  # fmt: skip
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, check=False, env=env
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            raw = json.loads(line.removeprefix("BENCH_JSON "))
            break
    else:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stdout}{done.stderr}")
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": raw["mean_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "kb_per_request": raw["bytes"] / raw["requests"] / 1024 if raw["requests"] else 0.0,
        "non2xx": raw["non2xx"],
        "socket_errors": raw["errors"],
    }


# --- In-process query profile (--queries) ---------------------------------------------------


def profile_queries(pages: list[Page], cookies: dict[str, str], repeat: int = 20) -> None:
    """Queries, SQL time and whole-view time of each page, in this process (no gunicorn),
    rendered in full: the page cache is off here."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    clients = {}
    for who, cookie in cookies.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies.load(cookie)
        clients[who] = client
    print(f"\nIn-process profile (median of {repeat} requests):")
    print(f"  {'page':<38} {'queries':>7} {'SQL ms':>8} {'total ms':>9}")
    for page in pages:
        timings = []

        def timed(execute, sql, params, many, context, timings=timings):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timings[-1].append(time.perf_counter() - started)

        totals, sqls, counts = [], [], []
        for _ in range(repeat):
            timings.append([])
            started = time.perf_counter()
            with connection.execute_wrapper(timed), override_settings(PAGE_CACHE_SECONDS=0):
                response = clients[page.who].get(page.path)
            totals.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{page.path}: {response.status_code}")
            sqls.append(sum(timings[-1]))
            counts.append(len(timings[-1]))
        print(
            f"  {page.label:<38} {statistics.median(counts):>7.0f} "
            f"{statistics.median(sqls) * 1000:>8.2f} {statistics.median(totals) * 1000:>9.2f}"
        )


# --- Report ---------------------------------------------------------------------------------


def evaluate(pages: list[Page], connections: int) -> list[dict]:
    by_key = {p.key: p for p in pages}
    bare_rps = statistics.mean(p.stats["rps"] for p in pages if p.kind == "bare")
    directory = [p for p in pages if p.kind == "directory"]
    targets = []

    def target(name, passed, detail):
        targets.append({"target": name, "passed": bool(passed), "detail": detail})

    for page in directory:
        ratio = page.stats["rps"] / bare_rps
        target(
            f"directory ≥ {DIRECTORY_MIN_RATIO:.2f}x bare: {page.label}",
            ratio >= DIRECTORY_MIN_RATIO,
            f"{ratio:.3f}x",
        )
    first, last = by_key.get("plain"), by_key.get("last")
    if first and last:
        p50 = last.stats["p50_ms"] / first.stats["p50_ms"]
        rps = first.stats["rps"] / last.stats["rps"]
        target(
            f"last page ≤ {LAST_PAGE_MAX_FACTOR:g}x first page",
            p50 <= LAST_PAGE_MAX_FACTOR and rps <= LAST_PAGE_MAX_FACTOR,
            f"p50 {p50:.2f}x, req/s {1 / rps:.2f}x of page 1",
        )
    for page in pages:
        if page.kind == "profile":
            ratio = page.stats["rps"] / bare_rps
            target(f"profile ≥ {PROFILE_MIN_RATIO:.2f}x bare: {page.label}",
                   ratio >= PROFILE_MIN_RATIO, f"{ratio:.3f}x")  # fmt: skip
    if directory:
        worst = max(directory, key=lambda p: p.stats["p95_ms"])
        target(
            f"every directory p95 < {DIRECTORY_MAX_P95_MS:g} ms at {connections} connections",
            worst.stats["p95_ms"] < DIRECTORY_MAX_P95_MS,
            f"worst {worst.stats['p95_ms']:.1f} ms ({worst.label})",
        )
    for page in pages:
        if page.stats.get("non2xx") or any(page.stats.get("socket_errors", {}).values()):
            target(f"no errors: {page.label}", False,
                   f"{page.stats['non2xx']} non-2xx, {page.stats['socket_errors']}")  # fmt: skip
    return targets


def cpu_cost(stats: dict) -> float:
    """CPU milliseconds a request took in all: server, database and load generator."""
    return stats["app_cpu_ms"] + stats["db_cpu_ms"] + stats["wrk_cpu_ms"]


def print_report(pages: list[Page], targets: list[dict]) -> None:
    bare = [p.stats for p in pages if p.kind == "bare"]
    bare_rps = statistics.mean(s["rps"] for s in bare)
    bare_cpu = statistics.mean(cpu_cost(s) for s in bare)
    print()
    header = (
        f"{'page':<38} {'rows':>7} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>7}"
        f" {'app':>6} {'db':>5} {'CPU ratio':>9} {'other':>5}"
    )
    print(header)
    print("-" * len(header))
    for p in pages:
        s = p.stats
        rows = "" if p.result_count is None else f"{p.result_count:,}"
        print(
            f"{p.label:<38} {rows:>7} {s['rps']:>8.1f} {s['p50_ms']:>7.2f} {s['p95_ms']:>7.2f} "
            f"{s['rps'] / bare_rps:>6.3f}x {s['app_cpu_ms']:>6.2f} {s['db_cpu_ms']:>5.2f} "
            f"{bare_cpu / cpu_cost(s):>8.3f}x {s['other_cpu_pct']:>4.0f}%"
        )
    print(
        f"ratio: req/s over the mean of the bare runs ({bare_rps:.1f} req/s). app, db: CPU ms a\n"
        f"request in gunicorn and in PostgreSQL. CPU ratio: the bare view's CPU cost a request\n"
        f"(server, database and wrk: {bare_cpu:.2f} ms) over the page's, what the ratio would be\n"
        "with the CPUs to ourselves. other: CPU the rest of the machine used meanwhile.\n"
    )
    busy = max(s["other_cpu_pct"] for s in (p.stats for p in pages))
    if busy > OTHER_CPU_WARNING_PCT:
        print(
            f"WARNING: other processes used up to {busy:.0f}% of the CPUs during the runs: "
            "requests/s and\nlatencies are lower than on a quiet machine; the CPU ratios "
            "are the steadier guide.\n"
        )
    for t in targets:
        print(f"{'PASS' if t['passed'] else 'FAIL'}  {t['target']}: {t['detail']}")


def server_info() -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg,
        "platform": platform.platform(),
    }


# --- Main -----------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds measured per page")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--rows", type=int, default=100_000, help="enterprises in the database")
    parser.add_argument("--refill", action="store_true", help="refill even if the count is right")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (>1: gthread workers)"
    )
    parser.add_argument(
        "--cache-url",
        default=CACHE_URL,
        help=f"CACHE_URL for the server (default {CACHE_URL}, emptied first, as production "
        "shares Redis; locmemcache:// measures every page rendered in full)",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated page keys to measure (bare always runs)"
    )
    parser.add_argument(
        "--queries", action="store_true", help="also profile each page's queries in-process"
    )
    parser.add_argument(
        "--varied",
        type=int,
        default=6000,
        help="distinct queries for the uncached search pages (0: leave those pages out)",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a target fails")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.connections < args.wrk_threads:
        sys.exit("--connections must be at least --wrk-threads")
    os.environ["CACHE_URL"] = args.cache_url
    if args.cache_url.startswith("redis://"):
        # Its own database: the fill writes with raw SQL, which no stamp records.
        import redis

        redis.Redis.from_url(args.cache_url).flushdb()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from members.models import Enterprise

    name = ensure_database()
    call_command("migrate", verbosity=0, interactive=False)
    count = Enterprise.objects.count()
    if args.refill or count != args.rows:
        print(f"Filling {name} with {args.rows:,} enterprises (it held {count:,})")
        fill(args.rows)
    else:
        print(f"{name} already holds {count:,} enterprises (--refill to fill again)")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics for any index a migration just added
    staff, member = bench_users()
    cookies = {"staff": session_cookie(staff), "member": session_cookie(member)}
    pages = build_pages(settings.DIRECTORY_PAGE_SIZE, args.varied)
    if args.only:
        keep = {"bare", "bare_end", *args.only.split(",")}
        pages = [p for p in pages if p.key in keep]
    if args.queries:
        profile_queries([p for p in pages if p.key != "bare_end"], cookies)
    info = server_info()
    connection.close()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(BASE_DIR)}
    port = free_port()
    server = None
    started = dt.datetime.now().astimezone()
    try:
        server = start_gunicorn(port, args.workers, args.threads, env)
        mode = f"{args.workers} workers"
        if args.threads > 1:
            mode += f" x {args.threads} threads"
        print(
            f"gunicorn on 127.0.0.1:{port}, {mode}; wrk {args.wrk_threads} threads, "
            f"{args.connections} connections, {args.warmup:g} s warm-up + {args.duration:g} s"
        )
        for page in pages:
            check_page(page, port, cookies[page.who])
        meter = CpuMeter(server.pid, name)
        for page in pages:
            url = f"http://127.0.0.1:{port}{page.path}"
            cookie = cookies[page.who]
            wrk = {"connections": args.connections, "threads": args.wrk_threads}
            if args.warmup > 0:
                run_wrk(url, cookie, duration=args.warmup, paths=page.warmup_paths, **wrk)
            page.stats = run_wrk(
                url, cookie, duration=args.duration, paths=page.paths, meter=meter, **wrk
            )
            s = page.stats
            print(
                f"  {page.label:<38} {s['rps']:>8.1f} req/s  p50 {s['p50_ms']:>7.2f} ms  "
                f"p95 {s['p95_ms']:>7.2f} ms  CPU {s['app_cpu_ms']:.2f} + {s['db_cpu_ms']:.2f} ms",
                flush=True,
            )
            if page.paths and s["requests"] > len(page.paths):
                print(f"  note: {s['requests']:,} requests over {len(page.paths):,} URLs: "
                      "some were repeated (raise --varied)")  # fmt: skip
            time.sleep(SETTLE_SECONDS)  # let the server finish what wrk left queued
    except KeyboardInterrupt:
        print("\nInterrupted")
        return 130
    finally:
        stop(server)

    targets = evaluate(pages, args.connections)
    print_report(pages, targets)
    result_file.write("directory", started, {
        "args": vars(args),
        "machine": info,
        "database": name,
        "enterprises": Enterprise.objects.count(),
        "pages": [
            row | {"paths": len(p.paths)}
            for row, p in zip(result_file.page_rows(pages), pages, strict=True)
        ],
        "targets": targets,
    })  # fmt: skip
    return 1 if args.check and not all(t["passed"] for t in targets) else 0


def _terminate(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())

"""Benchmark of a notice fan-out to 10,000 users and its delivery, and of a worker crash in it.

    .venv/bin/python bench/notices.py [--recipients 10000] [--redis redis://127.0.0.1:6379/7]
                                      [--concurrency 2] [--kill] [--timeout 300]

On its own database `ylqgsl_bench_notices` (or BENCH_NOTICES_DATABASE_URL; the name must
contain "bench": the script empties the notices table) with `DJANGO_SETTINGS_MODULE=
bench.settings`. It creates `--recipients` users once (a tenth of them reading English), starts
a local SMTP sink (aiosmtpd, in this process) and a real Celery worker (`--concurrency`
prefork processes, its own process group) on the Redis given by `--redis` (the broker; its
database is purged first), then:

1. **Record**: `notify_each` to every user in one transaction, timed until it has committed
   and queued the e-mails (the kind "application_received": its text greets each recipient by
   name, the costlier case). Target: ≤ 10 s (≥ 1,000 notices/s).
2. **Deliver**: waits until the sink has every e-mail; rate from the commit to the last one.
   Target: ≥ 300 e-mails/s.
3. With `--kill`, twice more on a fresh key — once killing the worker's main process and its
   children with SIGKILL one by one, once the whole process group — when a third of the
   e-mails have arrived; restarts the worker at once and, playing beat, queues the sweep
   (`deliver_pending_emails`) every SWEEP_EVERY seconds. Prints, per way: notices per
   recipient (must be exactly 1), lost (never arrived), duplicated (arrived twice, each with
   the same Message-ID by construction: the sink counts by Message-ID), late (arrived more
   than 2 minutes after the crash) and when the last one arrived.

Results are also written to bench/results/notices-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench import result_file  # noqa: E402

RECORD_MAX_SECONDS = 10.0
DELIVER_MIN_RATE = 300.0
RESUME_WITHIN = 120.0
KIND = "application_received"
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--kill", action="store_true", help="also crash the worker mid-delivery")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument(
        "--cprofile", action="store_true", help="with --profile: print where the sending's CPU goes"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="no worker: write the fan-out and send its e-mails in this process, printing the "
        "CPU per notice and per e-mail and where it goes (cProfile)",
    )
    return parser.parse_args()


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:
    os.environ["BENCH_DATABASE_URL"] = os.environ.get(
        "BENCH_NOTICES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ylqgsl_bench_notices"
    )
    os.environ["CELERY_BROKER_URL"] = ARGS.redis
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


class Sink:
    """An SMTP server that keeps, per Message-ID, the times each copy arrived."""

    def __init__(self):
        self.arrivals: dict[str, list[float]] = collections.defaultdict(list)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        match = MESSAGE_ID.search(envelope.original_content or envelope.content)
        with self.lock:
            self.arrivals[match.group(1).decode() if match else "?"].append(time.monotonic())
        return "250 OK"

    def count(self, ids=None) -> tuple[int, int]:
        """(distinct messages, copies) among `ids` (all when None)."""
        with self.lock:
            arrivals = [v for k, v in self.arrivals.items() if ids is None or k in ids]
        return len(arrivals), sum(len(v) for v in arrivals)

    def times(self, ids) -> list[list[float]]:
        with self.lock:
            return [list(self.arrivals.get(i, [])) for i in ids]


class Worker:
    """A real Celery worker in its own process group."""

    def __init__(self, concurrency: int, env: dict):
        self.concurrency, self.env, self.process = concurrency, env, None

    def start(self):
        self.process = subprocess.Popen(
            [
                str(BASE_DIR / ".venv/bin/celery"),
                "-A",
                "ylqgsl",
                "worker",
                "-P",
                "prefork",
                f"--concurrency={self.concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
            cwd=BASE_DIR,
            env=self.env,
            start_new_session=True,
        )
        from ylqgsl.celery import app

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if app.control.ping(timeout=0.5):
                return
        sys.exit("The Celery worker did not answer within 60 s.")

    def children(self) -> list[int]:
        pid = self.process.pid
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in text.split()]

    def cpu_seconds(self) -> float:
        """CPU time used so far by the main process and its pool processes."""
        total = 0
        for pid in [self.process.pid, *self.children()]:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def kill(self, way: str):
        if way == "group":
            os.killpg(self.process.pid, signal.SIGKILL)
        else:  # the main process and its children, one by one
            for pid in [self.process.pid, *self.children()]:
                os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def ensure_users(count: int):
    from django.contrib.auth.hashers import make_password

    from members.models import User

    users = User.objects.filter(email__endswith="@bench-notices.test")
    have = users.count()
    if have < count:
        unusable = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    email=f"u{n}@bench-notices.test",
                    real_name=f"收件人{n}",
                    language="en" if n % 10 == 0 else "zh-hans",
                    password=unusable,
                )
                for n in range(have, count)
            ],
            batch_size=2000,
        )
    return users.order_by("pk")


def run(sink: Sink, worker: Worker, count: int, key: str, *, kill: str | None = None) -> dict:
    from django.db import transaction

    from notices.models import FanOut, Notice
    from notices.services import message_id, notify_each

    users = ensure_users(count)
    user_ids = list(users[:count].values_list("pk", flat=True))
    cpu_before = worker.cpu_seconds()
    started = time.monotonic()
    with transaction.atomic():
        notify_each(user_ids, kind=KIND, key=key, context={"application": {"name": "延庆冰雪文旅"}})
    # The worker's fan-out task writes the notices and queues their e-mails.
    while not FanOut.objects.filter(key=key, done_at__isnull=False).exists():
        if time.monotonic() > started + ARGS.timeout:
            sys.exit("The fan-out was not written in time.")
        time.sleep(0.02)
    recorded = time.monotonic()
    ids = {message_id(f"{key}:{pk}") for pk in user_ids}
    result = {
        "recipients": count,
        "record_seconds": round(recorded - started, 2),
        "recorded_per_second": round(count / (recorded - started)),
    }
    killed_at = None
    deadline = recorded + ARGS.timeout
    next_sweep = None
    while time.monotonic() < deadline:
        distinct, _ = sink.count(ids)
        if kill and killed_at is None and distinct >= count // 3:
            worker.kill(kill)
            killed_at = time.monotonic()
            result["arrived_before_the_kill"] = distinct
            # The claims the dead worker held: the deliveries the crash interrupted.
            interrupted = {
                message_id(k)
                for k in Notice.objects.filter(
                    key__startswith=f"{key}:", email_state=Notice.EmailState.SENDING
                ).values_list("key", flat=True)
            }
            worker.start()
            next_sweep = time.monotonic()
        if next_sweep is not None and time.monotonic() >= next_sweep:
            from notices.services import SWEEP_EVERY
            from notices.tasks import deliver_pending_emails

            deliver_pending_emails.delay()
            next_sweep += SWEEP_EVERY.total_seconds()
        if distinct == len(ids) and (not kill or killed_at is not None):
            break
        time.sleep(0.05)
    if kill:  # a late repeat would still count: wait out one more claim
        time.sleep(2)
    else:
        cpu = worker.cpu_seconds() - cpu_before
        result["worker_cpu_ms_per_email"] = round(cpu * 1000 / max(len(ids), 1), 2)
        result["load_average"] = round(os.getloadavg()[0], 1)
    times = sink.times(ids)
    arrived = [t for t in times if t]
    result["lost"] = len(ids) - len(arrived)
    result["duplicated"] = sum(len(t) - 1 for t in arrived)
    if arrived:
        last = max(max(t) for t in arrived)
        result["deliver_seconds"] = round(last - recorded, 2)
        result["delivered_per_second"] = round(len(arrived) / (last - recorded))
    per_recipient = collections.Counter(
        Notice.objects.filter(key__startswith=f"{key}:").values_list("recipient_id", flat=True)
    )
    result["recipients_with_one_notice"] = sum(1 for v in per_recipient.values() if v == 1)
    result["recipients_with_more"] = sum(1 for v in per_recipient.values() if v > 1)
    if killed_at is not None:
        result["kill"] = kill
        resumed = [min(t) for t in sink.times(interrupted) if t]
        result["interrupted"] = len(interrupted)
        result["late"] = sum(1 for t in resumed if t > killed_at + RESUME_WITHIN)
        result["resumed_within_seconds"] = round(max(resumed, default=killed_at) - killed_at, 1)
        result["last_after_kill_seconds"] = round(max(max(t) for t in arrived) - killed_at, 1)
    return result


def profile(sink: Sink, port: int, count: int, key: str) -> dict:
    """The fan-out's writing and its e-mails' sending in this process, against the sink: CPU
    of this thread (the sink's thread not counted) per notice and per e-mail, and cProfile's
    costliest functions of the sending."""
    import cProfile
    import pstats

    from django.test import override_settings

    from notices import services
    from notices.models import FanOut

    user_ids = list(ensure_users(count)[:count].values_list("pk", flat=True))
    services.notify_each(
        user_ids, kind=KIND, key=key, context={"application": {"name": "延庆冰雪文旅"}}
    )
    fan_out = FanOut.objects.get(key=key)
    queued = []
    real_queue = services.queue_emails
    services.queue_emails = lambda ids, priority=None: queued.extend(ids)
    try:
        cpu, wall = time.thread_time(), time.monotonic()
        services.write_fan_out(fan_out.pk)
        record_cpu, record_wall = time.thread_time() - cpu, time.monotonic() - wall
    finally:
        services.queue_emails = real_queue
    profiler = cProfile.Profile()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
    ):
        cpu, wall = time.thread_time(), time.monotonic()
        if ARGS.cprofile:
            profiler.enable()
        for start in range(0, len(queued), services.EMAIL_BATCH):
            services.deliver_emails(queued[start : start + services.EMAIL_BATCH])
        profiler.disable()
        send_cpu, send_wall = time.thread_time() - cpu, time.monotonic() - wall
    arrived, _ = sink.count({services.message_id(f"{key}:{pk}") for pk in user_ids})
    if ARGS.cprofile:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(45)
    return {
        "recipients": count,
        "record_cpu_ms_per_notice": round(record_cpu * 1000 / count, 3),
        "record_per_second_wall": round(count / record_wall),
        "send_cpu_ms_per_email": round(send_cpu * 1000 / max(len(queued), 1), 3),
        "send_per_second_wall": round(len(queued) / send_wall),
        "arrived": arrived,
        "load_average": round(os.getloadavg()[0], 1),
    }


def main():
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.core.management import call_command

    from bench import directory as d
    from notices.models import Notice
    from ylqgsl.celery import app

    d.ensure_database()
    call_command("migrate", verbosity=0)
    Notice.objects.all().delete()
    app.control.purge()

    sink = Sink()
    with socket.socket() as probe:  # a free port (the controller cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    if ARGS.profile:
        try:
            result = profile(sink, port, ARGS.recipients, f"bench:profile:{int(time.time())}")
        finally:
            controller.stop()
        print(json.dumps(result, indent=2))
        return 0
    env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    worker = Worker(ARGS.concurrency, env)
    results = {}
    try:
        worker.start()
        stamp = int(time.time())
        results["fan_out"] = run(sink, worker, ARGS.recipients, f"bench:{stamp}")
        if ARGS.kill:
            for way in ("main", "group"):
                results[f"kill_{way}"] = run(
                    sink, worker, ARGS.recipients, f"bench:{stamp}:{way}", kill=way
                )
    finally:
        worker.stop()
        controller.stop()

    fan_out = results["fan_out"]
    print(
        f"{'run':<12}{'record s':>9}{'rec/s':>7}{'deliver s':>10}{'mail/s':>7}{'one each':>9}"
        f"{'lost':>5}{'dup':>4}{'interrupted':>12}{'late':>5}{'resumed in s':>13}"
        f"{'last s':>7}"
    )
    for name, r in results.items():
        print(
            f"{name:<12}{r['record_seconds']:>9}{r['recorded_per_second']:>7}"
            f"{r.get('deliver_seconds', '-'):>10}{r.get('delivered_per_second', '-'):>7}"
            f"{r['recipients_with_one_notice']:>9}{r['lost']:>5}{r['duplicated']:>4}"
            f"{r.get('interrupted', '-'):>12}{r.get('late', '-'):>5}"
            f"{r.get('resumed_within_seconds', '-'):>13}{r.get('last_after_kill_seconds', '-'):>7}"
        )
    ok = fan_out["record_seconds"] <= RECORD_MAX_SECONDS and (
        fan_out.get("delivered_per_second", 0) >= DELIVER_MIN_RATE
    )
    for name, r in results.items():
        ok = ok and r["lost"] == 0 and r["recipients_with_more"] == 0
        ok = ok and r["recipients_with_one_notice"] == ARGS.recipients
        if name.startswith("kill"):
            ok = ok and r["duplicated"] <= ARGS.concurrency and r["late"] == 0
    if "worker_cpu_ms_per_email" in fan_out:
        per_email = fan_out["worker_cpu_ms_per_email"]
        print(
            f"worker CPU {per_email} ms per e-mail: {round(1000 / per_email)} e-mails/s per "
            f"free core; load average {fan_out['load_average']} during the run"
        )
    print("targets met" if ok else "TARGETS MISSED")
    result_file.write("notices", dt.datetime.now().astimezone(), {
        "args": vars(ARGS), "results": results,
    })  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

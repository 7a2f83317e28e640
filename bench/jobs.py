"""Background jobs against their targets: a 100,000-row ledger export and a 10,000-row roster
import (dry run), each run as its job runs in the worker; and a million-row workbook refused.

    .venv/bin/python bench/jobs.py [--rows 100000] [--import-rows 10000] [--refill]

Uses its own database `ylqgsl_bench_jobs` (or BENCH_JOBS_DATABASE_URL; the name must contain
"bench": the script empties tables) and fills `--rows` enterprises with bench/directory.py's
`fill` (reused when the count is already there). Each figure is the wall time of
`core.jobs.run` for a job made as the view makes it (progress written, the file stored, the
notice recorded), with the broker left out (the task's body is what is timed). Targets (issue
15): the ledger export ≤ 5 s, the import dry run ≤ 10 s and the same import for real likewise
(its rows removed afterwards); the million-row workbook is refused in the request in well
under a second. Each job's CPU time in this process is printed too (the database's is not).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))
os.environ["BENCH_DATABASE_URL"] = os.environ.get(
    "BENCH_JOBS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ylqgsl_bench_jobs"
)

# Tasks the jobs queue (the notice's e-mail) run in this process; e-mail stays in memory.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
os.environ.setdefault("EMAIL_URL", "memorymail://")

from bench import directory as d  # noqa: E402  (sets DJANGO_SETTINGS_MODULE=bench.settings)

EXPORT_TARGET = 5.0
IMPORT_TARGET = 10.0


def roster_workbook(rows: int) -> bytes:
    """`rows` new members in the roster's columns, as a staff member would upload them."""
    import openpyxl

    from members.resources import EnterpriseResource

    fields = EnterpriseResource(include_private=True).fields
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([field.column_name for field in fields.values()])
    for n in range(rows):
        values = {
            "name": f"延庆导入基准企业{n}有限公司",
            "credit_code": d.make_credit_code(900_000 + n),
            "legal_representative": "陈刚",
            "industry": "C",
            "size": "小型",
            "ownership": "private",
            "township": "康庄镇",
            "address": f"延庆区康庄镇{n}号",
            "contact_name": "周丽",
            "contact_mobile": "135 1234 5678",
            "joined_on": "2020-05-01",
        }
        sheet.append([values.get(name) for name in fields])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(job) -> tuple[float, float]:
    """The job's wall time and this process's CPU time (PostgreSQL's is printed apart)."""
    from django.db import connection

    from core import jobs

    with connection.cursor() as cursor:  # the job's queries run in this same backend
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    started, cpu, db = time.perf_counter(), time.process_time(), d.process_cpu(backend)
    jobs.run(job.pk)
    seconds = time.perf_counter() - started
    cpu, db = time.process_time() - cpu, d.process_cpu(backend) - db
    job.refresh_from_db()
    if job.state != job.State.DONE:
        sys.exit(f"{job.kind} failed: {job.error}")
    rows = max(job.total, 1)
    print(
        f"  ({job.kind}: CPU {cpu:.2f} s in this process, {db:.2f} s in PostgreSQL; "
        f"{cpu / rows * 1e3:.3f} + {db / rows * 1e3:.3f} ms a row)"
    )
    return seconds, cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--refill", action="store_true")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import translation

    from core.models import Job
    from members.forms import ImportForm
    from members.models import Enterprise
    from tests.core.workbooks import tiny_rows

    d.ensure_database()
    call_command("migrate", verbosity=0, interactive=False)
    if args.refill or Enterprise.objects.count() != args.rows:
        print(f"Filling {args.rows:,} enterprises…", flush=True)
        d.fill(args.rows)
    staff, _member = d.bench_users()
    translation.activate("zh-hans")
    print(f"{Enterprise.objects.count():,} enterprises; writer: core.excel (rvgsrust-xlsxwriter)")

    job = Job.objects.create(
        owner=staff, kind="ledger_export", params={"name": "members", "query": ""}
    )
    seconds, cpu = timed(job)
    verdict = "ok" if seconds <= EXPORT_TARGET else "OVER"
    print(
        f"members ledger export: {job.done:,} rows in {seconds:.2f} s, {cpu:.2f} s CPU "
        f"({job.file.size / 1e6:.1f} MB; target ≤ {EXPORT_TARGET:.0f} s: {verdict})"
    )

    workbook = roster_workbook(args.import_rows)
    job = Job.objects.create(owner=staff, kind="members_import", params={"dry_run": True})
    job.upload.save("bench.xlsx", io.BytesIO(workbook))
    seconds, cpu = timed(job)
    verdict = "ok" if seconds <= IMPORT_TARGET else "OVER"
    print(
        f"roster import dry run: {job.total:,} rows in {seconds:.2f} s, {cpu:.2f} s CPU, "
        f"{len(job.result['problems'])} problems ({job.result['figures']}; "
        f"target ≤ {IMPORT_TARGET:.0f} s: {verdict})"
    )

    # The same rows imported for real (then removed again, so the next run finds its count).
    job = Job.objects.create(owner=staff, kind="members_import", params={"dry_run": False})
    job.upload.save("bench.xlsx", io.BytesIO(workbook))
    seconds, _cpu = timed(job)
    verdict = "ok" if seconds <= IMPORT_TARGET else "OVER"
    print(
        f"roster import: {job.total:,} rows in {seconds:.2f} s, "
        f"{len(job.result['problems'])} problems ({job.result['figures']}; "
        f"target ≤ {IMPORT_TARGET:.0f} s: {verdict})"
    )
    imported = Enterprise.objects.filter(name__startswith="延庆导入基准企业")
    Enterprise.history.filter(id__in=imported.values("id")).delete()
    imported.delete()

    million = tiny_rows(1_000_000)
    started = time.perf_counter()
    form = ImportForm({}, {"file": SimpleUploadedFile("roster.xlsx", million)})
    refused = not form.is_valid() and form.errors["file"]
    print(
        f"1,000,000-row workbook ({len(million) / 1e6:.2f} MB): "
        f"{'refused' if refused else 'ACCEPTED'} in {time.perf_counter() - started:.3f} s"
    )
    million = tiny_rows(1_000_000, dimension=False)
    job = Job.objects.create(owner=staff, kind="members_import", params={"dry_run": True})
    job.upload.save("million.xlsx", io.BytesIO(million))
    started = time.perf_counter()
    from core import jobs

    jobs.run(job.pk)
    job.refresh_from_db()
    print(
        f"the same without its declared size: the job {job.state} in "
        f"{time.perf_counter() - started:.2f} s ({job.error})"
    )
    Job.objects.filter(owner=staff).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())

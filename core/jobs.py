"""Background jobs with progress: long work (an import, a large export, a send) off the request.

An app registers each kind of job it runs with `register` (in its `jobs.py`, imported by its
AppConfig.ready()), and starts one with `start`: the view then redirects to the job's page,
which polls `core.views.job_progress` and shows the result when the worker is done. A job's
runner is called as `run(job, progress)`; it reports how far it got with `progress(done,
total)`, raises `JobError` with a message for its owner when it cannot go on, and returns an
`Outcome`: a summary, the row-by-row problems (an import's report) and perhaps a file (an
export's workbook), all kept with the job for its owner alone.

When a job is over, `job_finished` is sent; the project package turns it into a notice
(`ylqgsl/jobs.py`), as `core` imports no app.

Exports go through `export`: up to `EXPORT_IMMEDIATE_ROWS` rows the workbook is written in the
request (a second or less), above it the export is a job. Other work over a selection of rows
draws the same line (`in_request`): the admin's notice to the selected enterprises.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import excel
from .models import Job

logger = logging.getLogger(__name__)

# Sent with `job` when a job is done or has failed.
job_finished = Signal()

# Progress is written at most this often (seconds): the page polls about once a second.
PROGRESS_INTERVAL = 0.5
# The task's hard time limit (core.tasks.run_job): a job may take minutes (a 50,000-row
# import), the project's default limit is two. A job RUNNING longer has no worker any more.
JOB_TIME_LIMIT = 30 * 60
# A job is taken up at most this many times: one whose worker dies each time then fails.
MAX_ATTEMPTS = 3
# How often the sweep runs (ylqgsl/schedules.py), and how long it leaves a new job to the
# task queued on commit before queueing it again: a job a broker outage held starts within
# about four minutes.
SWEEP_EVERY = timedelta(minutes=2)
QUEUE_GRACE = timedelta(minutes=2)
# The most problems a job keeps and its page shows (the first ones), with how many in all.
MAX_PROBLEMS = 1000


class JobError(Exception):
    """The job cannot go on; the message is for its owner, in their language."""


@dataclass
class Outcome:
    summary: str = ""  # what the job did, for its page and its notice
    figures: dict = field(default_factory=dict)  # counts, for whoever reads the result
    problems: list[tuple[Any, str]] = field(default_factory=list)  # (row, what is wrong)
    file: IO[bytes] | None = None
    title: str = ""  # what the file holds, in the owner's language: names the download


@dataclass(frozen=True)
class JobKind:
    code: str
    label: Any
    run: Callable[[Job, Callable], Outcome]


_KINDS: dict[str, JobKind] = {}


def register(code: str, label):
    """Register the decorated function as the runner of jobs of kind `code`."""

    def decorate(run):
        _KINDS[code] = JobKind(code=code, label=label, run=run)
        return run

    return decorate


def kind(code: str) -> JobKind:
    return _KINDS[code]


def start(*, owner, kind: str, params: dict | None = None, upload=None) -> Job:
    """Record a job for `owner` and queue it once the transaction commits.

    Robust: if the broker cannot be reached then, the job is still recorded and the request
    still succeeds; the sweep queues it again (`queue_waiting`).
    """
    _KINDS[kind]  # an unregistered kind is a programming error
    job = Job(owner=owner, kind=kind, params=params or {})
    if upload is not None:
        upload.seek(0)
        job.upload.save(f"{job.public_id}.xlsx", File(upload), save=False)
    job.save()
    transaction.on_commit(lambda: queue(job.pk), robust=True)
    return job


def queue(job_id: int) -> None:
    from .tasks import run_job

    run_job.delay(job_id)


def progress_key(job_id: int) -> str:
    return f"job-progress:{job_id}"


class Progress:
    """`progress(done, total)` as a runner calls it: written at most every half second.

    To the cache, not the job's row: a runner may report from inside a transaction, where the
    page's poll, in another connection, would not see the row change. The row gets the final
    figures when the job ends. Only a shared cache (Redis) lets the web processes see the
    worker's figures: with `make run`'s per-process cache the page shows the row's, which
    move when the job ends.
    """

    def __init__(self, job: Job):
        self.job = job
        self.written_at = 0.0

    def __call__(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        self.job.done = done
        if total is not None:
            self.job.total = total
        now = time.monotonic()
        if force or now - self.written_at >= PROGRESS_INTERVAL:
            self.written_at = now
            cache.set(progress_key(self.job.pk), (done, self.job.total), JOB_TIME_LIMIT)

    def counted(self, items: Iterable, total: int) -> Iterator:
        """Yield `items`, counting them as done out of `total`."""
        self(0, total, force=True)
        done = 0
        for done, item in enumerate(items, start=1):
            yield item
            if done % 500 == 0:
                self(done)
        self(done, force=True)


def with_progress(job: Job) -> Job:
    """`job` with the progress its runner last reported, while it runs (else its row's)."""
    if job.state == Job.State.RUNNING:
        job.done, job.total = cache.get(progress_key(job.pk), (job.done, job.total))
    return job


def run(job_id: int) -> Job | None:
    """Run one job in its owner's language; a job over, or running elsewhere, is left alone.

    A task delivered again (acknowledged late, or queued again by the sweep) takes up a job
    still waiting, or a RUNNING one only once it has run longer than the task's hard time
    limit: its first worker is then surely gone, and two never run it at once. A job is taken
    up at most MAX_ATTEMPTS times (one that kills its worker is not tried for ever); the
    sweep fails a job left RUNNING past the limit. Every runner is safe to repeat (an import
    is one transaction, an export writes a new file, a send claims each invitation once).
    """
    now = timezone.now()
    claimed = (
        Job.objects.filter(pk=job_id, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(state=Job.State.QUEUED) | Q(state=Job.State.RUNNING, started_at__lt=lost(now)))
        .update(state=Job.State.RUNNING, started_at=now, done=0, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    cache.delete(progress_key(job_id))  # a previous attempt's
    job = Job.objects.select_related("owner").get(pk=job_id)
    with owners_language(job):
        try:
            outcome = _KINDS[job.kind].run(job, Progress(job))
        except JobError as error:
            job.state, job.error = Job.State.FAILED, str(error)
        except Exception:
            logger.exception("Job %s failed", job.public_id)
            job.state, job.error = Job.State.FAILED, _("Something went wrong; try again.")
        else:
            job.state = Job.State.DONE
            job.result = {
                "summary": str(outcome.summary),
                "figures": outcome.figures,
                # A report of 50,000 bad rows is not shown whole: the first ones and a count.
                "problems": [[row, str(text)] for row, text in outcome.problems[:MAX_PROBLEMS]],
                "problem_count": len(outcome.problems),
            }
            if outcome.file is not None:
                with outcome.file:
                    job.file.save(f"{job.public_id}.xlsx", File(outcome.file), save=False)
                job.file_name = excel.filename(outcome.title)
        end(job)
    return job


def owners_language(job: Job):
    return translation.override(getattr(job.owner, "language", "") or settings.LANGUAGE_CODE)


def end(job: Job) -> None:
    """Save a job that is over (done or failed) and tell its owner."""
    job.finished_at = timezone.now()
    if job.upload:
        job.upload.delete(save=False)  # read: no longer needed
    job.save()
    cache.delete(progress_key(job.pk))
    job_finished.send(sender=Job, job=job)


def lost(now: datetime) -> datetime:
    """A job RUNNING since before this was stopped by the task's hard time limit, or its
    worker died: no worker is at it any more."""
    return now - timedelta(seconds=JOB_TIME_LIMIT)


def sweep(now=None) -> dict[str, int]:
    """The periodic sweep (every SWEEP_EVERY): fail the jobs no worker is at any more, delete
    the old ones, queue again those still waiting (last: a broker failing then stops only
    that, until the next sweep). How many of each."""
    now = now or timezone.now()
    return {
        "failed": fail_lost(now),
        "deleted": delete_old(now),
        "queued": queue_waiting(now),
    }


def fail_lost(now) -> int:
    """Fail every job RUNNING longer than the task's time limit, and tell its owner."""
    with transaction.atomic():
        jobs = list(
            Job.objects.filter(state=Job.State.RUNNING, started_at__lt=lost(now))
            .select_related("owner")
            .select_for_update(of=("self",), skip_locked=True)  # a worker taking it up again
        )
        for job in jobs:
            with owners_language(job):
                job.state = Job.State.FAILED
                job.error = _(
                    "The job was stopped: it took longer than %(minutes)s minutes, or the "
                    "server running it stopped. Try again; if it stops again, split the work."
                ) % {"minutes": JOB_TIME_LIMIT // 60}
                end(job)
    return len(jobs)


def queue_waiting(now) -> int:
    """Queue again each job still waiting QUEUE_GRACE after it was made: its task was not
    queued (a broker that was down) or was lost. A task delivered twice runs the job once."""
    waiting = list(
        Job.objects.filter(state=Job.State.QUEUED, created_at__lt=now - QUEUE_GRACE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for job_id in waiting:
        queue(job_id)
    return len(waiting)


def delete_old(now) -> int:
    """Delete the jobs made more than JOB_KEEP_SECONDS ago, with their files."""
    old = Job.objects.filter(created_at__lt=now - timedelta(seconds=settings.JOB_KEEP_SECONDS))
    count = 0
    for job in old.iterator():
        for stored in (job.upload, job.file):
            if stored:
                stored.delete(save=False)
        job.delete()
        count += 1
    return count


def in_request(rows) -> bool:
    """Whether work on `rows` (a queryset) is done in the request: at most
    EXPORT_IMMEDIATE_ROWS of them, the one line between the request and a job for work over
    a selection (an export, a notice sent to the enterprises selected in the admin). Only as
    many rows as the line are counted."""
    limit = settings.EXPORT_IMMEDIATE_ROWS
    return rows[: limit + 1].count() <= limit


def export(request, *, kind: str, params: dict, rows, write: Callable[[], Outcome]):
    """An export: written now when `rows` (a queryset) holds at most EXPORT_IMMEDIATE_ROWS,
    else a job of kind `kind`, which writes it from `params`. `write()` writes it now.

    Only as many rows as the line are counted (a ledger of a million petitions is not).
    """
    if in_request(rows):
        outcome = write()
        return excel.response(outcome.file, outcome.title)
    job = start(owner=request.user, kind=kind, params=params)
    return redirect(job)

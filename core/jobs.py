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
request (a second or less), above it the export is a job.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
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


class JobError(Exception):
    """The job cannot go on; the message is for its owner, in their language."""


@dataclass
class Outcome:
    summary: str
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
    """Record a job for `owner` and queue it once the transaction commits."""
    _KINDS[kind]  # an unregistered kind is a programming error
    job = Job(owner=owner, kind=kind, params=params or {})
    if upload is not None:
        upload.seek(0)
        job.upload.save(f"{job.public_id}.xlsx", File(upload), save=False)
    job.save()
    transaction.on_commit(lambda: queue(job.pk))
    return job


def queue(job_id: int) -> None:
    from .tasks import run_job

    run_job.delay(job_id)


class Progress:
    """`progress(done, total)` as a runner calls it: written at most every half second."""

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
            Job.objects.filter(pk=self.job.pk).update(done=done, total=self.job.total)

    def counted(self, items: Iterable, total: int) -> Iterator:
        """Yield `items`, counting them as done out of `total`."""
        self(0, total, force=True)
        done = 0
        for done, item in enumerate(items, start=1):
            yield item
            if done % 500 == 0:
                self(done)
        self(done, force=True)


def run(job_id: int) -> Job | None:
    """Run one job in its owner's language; a job already over is left alone.

    A job whose worker died is run again from the start when its task is delivered again
    (acknowledged late): every runner is safe to repeat (an import is one transaction, an
    export writes a new file, a send claims each invitation once).
    """
    claimed = Job.objects.filter(pk=job_id, state__in=[Job.State.QUEUED, Job.State.RUNNING]).update(
        state=Job.State.RUNNING, started_at=timezone.now(), done=0
    )
    if not claimed:
        return None
    job = Job.objects.select_related("owner").get(pk=job_id)
    with translation.override(getattr(job.owner, "language", "") or settings.LANGUAGE_CODE):
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
                "problems": [[row, str(text)] for row, text in outcome.problems],
            }
            if outcome.file is not None:
                with outcome.file:
                    job.file.save(f"{job.public_id}.xlsx", File(outcome.file), save=False)
                job.file_name = excel.filename(outcome.title)
        job.finished_at = timezone.now()
        if job.upload:
            job.upload.delete(save=False)  # read: no longer needed
        job.save()
        job_finished.send(sender=Job, job=job)
    return job


def sweep(now=None) -> int:
    """Delete the jobs made more than JOB_KEEP_SECONDS ago, with their files."""
    now = now or timezone.now()
    old = Job.objects.filter(created_at__lt=now - timedelta(seconds=settings.JOB_KEEP_SECONDS))
    count = 0
    for job in old.iterator():
        for stored in (job.upload, job.file):
            if stored:
                stored.delete(save=False)
        job.delete()
        count += 1
    return count


def export(request, *, kind: str, params: dict, rows, write: Callable[[], Outcome]):
    """An export: written now when `rows` (a queryset) holds at most EXPORT_IMMEDIATE_ROWS,
    else a job of kind `kind`, which writes it from `params`. `write()` writes it now.

    Only as many rows as the line are counted (a ledger of a million petitions is not).
    """
    limit = settings.EXPORT_IMMEDIATE_ROWS
    if rows[: limit + 1].count() <= limit:
        outcome = write()
        return excel.response(outcome.file, outcome.title)
    job = start(owner=request.user, kind=kind, params=params)
    return redirect(job)

from celery import shared_task

from . import jobs


@shared_task(time_limit=jobs.JOB_TIME_LIMIT, soft_time_limit=jobs.JOB_TIME_LIMIT - 60)
def run_job(job_id: int) -> None:
    jobs.run(job_id)


@shared_task
def sweep_jobs() -> dict[str, int]:
    """Fail the jobs no worker is at any more, delete the old ones, queue again those still
    waiting (core.jobs.sweep)."""
    return jobs.sweep()

from celery import shared_task

from . import jobs

# A job may take minutes (a 50,000-row import); the project's default limit is two.
JOB_TIME_LIMIT = 30 * 60


@shared_task(time_limit=JOB_TIME_LIMIT, soft_time_limit=JOB_TIME_LIMIT - 60)
def run_job(job_id: int) -> None:
    jobs.run(job_id)


@shared_task
def sweep_jobs() -> int:
    return jobs.sweep()

"""Starting a background job from a test: Celery runs tasks eagerly in the suite, and a job is
queued once the request's transaction commits."""

from django.test import TestCase
from django.urls import resolve

from core.models import Job


def post_for_job(client, url, data=None, *, method="post") -> Job:
    """Send the request that starts a job, let the job run, and return it as it ended."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 302, response.content[:300]
    return Job.objects.get(public_id=resolve(response.url).kwargs["public_id"])


def problem_rows(job: Job) -> list:
    """The rows an import's report finds fault with, each once, in order."""
    return sorted({row for row, _problem in job.result["problems"]})

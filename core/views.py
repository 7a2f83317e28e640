"""A background job's page, its progress for the page's script, and its file: its owner's
alone (anyone else gets 404)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from . import excel, jobs
from .models import Job


def get_job(user, public_id) -> Job:
    return get_object_or_404(Job.objects.visible_to(user), public_id=public_id)


@login_required
@never_cache
def job_detail(request, public_id):
    job = jobs.with_progress(get_job(request.user, public_id))
    problems = job.result.get("problems", [])
    hidden = job.result.get("problem_count", len(problems)) - len(problems)
    return render(
        request,
        "core/job.html",
        {
            "job": job,
            "label": jobs.kind(job.kind).label,
            "problems": problems,
            "hidden_problems": hidden,
        },
    )


@login_required
@never_cache
def job_progress(request, public_id):
    job = jobs.with_progress(get_job(request.user, public_id))
    return JsonResponse(
        {
            "state": job.state,
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "finished": job.finished,
        }
    )


@login_required
@never_cache
def job_download(request, public_id):
    job = get_job(request.user, public_id)
    if not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.file_name, content_type=excel.XLSX
    )

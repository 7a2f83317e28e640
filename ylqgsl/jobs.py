"""A background job's owner is told when it is over, through the notices (core imports no
app, so the project package connects the two)."""

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from core.jobs import job_finished
from core.jobs import kind as job_kind
from notices.kinds import register
from notices.services import notify

JOB_FINISHED = register("job_finished", _("Your background job is done"))


@receiver(job_finished)
def tell_the_owner(sender, job, **kwargs):
    notify(
        recipient=job.owner,
        kind=JOB_FINISHED.code,
        key=f"job:{job.public_id}",
        context={"job": job, "label": job_kind(job.kind).label},
        link=job.get_absolute_url(),
    )

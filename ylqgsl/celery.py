import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ylqgsl.settings")

app = Celery("ylqgsl")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(sender=None, **kwargs):
    """Drop connections past CONN_MAX_AGE or broken, keep the rest for the next task."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return  # an eager task runs inside the caller's transaction
    from django import db

    db.close_old_connections()

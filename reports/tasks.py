from celery import shared_task

from . import services


# Registered under its former module's name: django-celery-beat's PeriodicTask rows in
# existing databases name the task this way.
@shared_task(name="ylqgsl.tasks.refresh_dashboard")
def refresh_dashboard():
    """Render the dashboard's current figures ahead, so staff never wait for them."""
    return services.refresh_dashboard()

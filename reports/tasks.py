from celery import shared_task

from . import services


# Registered under its former module's name: django-celery-beat's PeriodicTask rows in
# existing databases name the task this way.
@shared_task(name="ylqgsl.tasks.refresh_dashboard")
def refresh_dashboard():
    """Render the dashboard's current figures ahead, so staff never wait for them."""
    return services.refresh_dashboard()


@shared_task
def keep_report_figures():
    """Keep this year's report figures so far (and last year's final ones once it is over),
    so that the report page reads them at once."""
    return services.keep_this_years_figures()

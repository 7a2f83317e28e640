from celery import shared_task

from .dashboard import views as dashboard


@shared_task
def refresh_dashboard():
    """Render the dashboard's current figures ahead, so staff never wait for them."""
    return dashboard.refresh()

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from kombu import Connection

from chambers.models import DutyMonth
from chambers.planner import month_start
from members.models import Application, Enterprise
from notices.models import Notice

logger = logging.getLogger(__name__)


def home(request):
    user = request.user
    context = {}
    if user.is_authenticated:
        context["notices"] = Notice.objects.visible_to(user).unread()[:5]
        context["applications"] = Application.objects.filter(applicant=user)[:5]
        context["next_duty"] = (
            DutyMonth.objects.filter(chair=user, month__gte=month_start(timezone.localdate()))
            .order_by("month")
            .first()
        )
        if user.is_staff:
            context["pending_count"] = Application.objects.pending().count()
            context["member_count"] = Enterprise.objects.members().count()
    return render(request, "home.html", context)


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("Health check: database unreachable")
        return False


def check_broker() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            conn.default_channel  # noqa: B018 — opens a channel: the broker really answers
        return True
    except Exception:
        logger.exception("Health check: broker unreachable")
        return False


@never_cache
def healthz(request):
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            **{k: "ok" if v else "down" for k, v in checks.items()},
        },
        status=200 if healthy else 503,
    )

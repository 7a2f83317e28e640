import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from kombu import Connection

from chambers.models import DutyMonth, Secondment, SwapRequest
from core.counts import cached_count
from core.months import add_months, month_start
from events.models import Event, Invitation, Registration
from members.models import Application, Enterprise
from notices.models import Notice
from petitions import metrics
from petitions.models import OPEN, Petition, Status

logger = logging.getLogger(__name__)


def home(request):
    """What matters to whoever is logged in: their enterprise's open petitions, invitations and
    events; a leader's next duty month; seconded staff their secondment; the staff's queues."""
    user = request.user
    context = {}
    if user.is_authenticated:
        now = timezone.now()
        context["notices"] = Notice.objects.visible_to(user).unread()[:5]
        context["applications"] = Application.objects.filter(applicant=user)[:5]
        context["next_duty"] = (
            DutyMonth.objects.filter(chair=user, month__gte=month_start(timezone.localdate()))
            .order_by("month")
            .first()
        )
        context["secondment"] = (
            Secondment.objects.filter(user=user, ends_on__gte=timezone.localdate())
            .select_related("duty_month", "enterprise")
            .order_by("starts_on")
            .first()
        )
        if user.enterprise_id:
            context.update(enterprise_home(user, now))
        if user.is_staff:
            context["queues"] = staff_queues(now)
            context["member_count"] = cached_count(Enterprise.objects.members_on())
    return render(request, "home.html", context)


def enterprise_home(user, now) -> dict:
    own = Q(user=user) | Q(enterprise_id=user.enterprise_id)
    return {
        "open_petitions": Petition.objects.filter(
            enterprise_id=user.enterprise_id, status__in=[*OPEN, Status.REPLIED]
        )
        .select_related("department")
        .order_by("-created_at")[:5],
        "pending_invitations": Invitation.objects.for_user(user)
        .pending()
        .filter(event__status=Event.Status.PUBLISHED, event__starts_at__gte=now)
        .select_related("event")
        .order_by("event__starts_at")[:5],
        "upcoming_registrations": Registration.objects.filter(own)
        .active()
        .filter(event__status=Event.Status.PUBLISHED, event__ends_at__gte=now)
        .select_related("event")
        .order_by("event__starts_at", "id")[:5],
    }


@dataclass
class Queue:
    key: str
    label: str
    count: int
    url: str


def staff_queues(now) -> list[Queue]:
    """The staff's work waiting: each a count and the page where it is done.

    Counted as of the start of the minute, and kept until a table counted changes (counts
    over a million petitions take a while): what passes a deadline shows within a minute.
    """
    now = now.replace(second=0, microsecond=0)
    upcoming = Q(event__status=Event.Status.PUBLISHED, event__starts_at__gte=now)
    today = timezone.localdate()
    months = [
        month_start(today),
        add_months(month_start(today), 1),
        add_months(month_start(today), 2),
    ]
    petitions = reverse("petitions:ledger")
    return [
        Queue(
            "applications",
            _("Applications to review"),
            cached_count(Application.objects.pending()),
            reverse("members:application_list"),
        ),
        Queue(
            "petitions_new",
            _("Petitions to accept"),
            cached_count(Petition.objects.filter(status=Status.SUBMITTED)),
            f"{petitions}?status={Status.SUBMITTED}",
        ),
        Queue(
            "petitions_overdue",
            _("Petitions past their reply deadline"),
            metrics.overdue_count(now),
            f"{petitions}?overdue=on",
        ),
        Queue(
            "invitations",
            _("Invitations not yet answered"),
            cached_count(Invitation.objects.pending().filter(upcoming, sent_at__isnull=False)),
            reverse("events:manage"),
        ),
        Queue(
            "registrations",
            _("Registrations to approve"),
            cached_count(Registration.objects.filter(upcoming, status=Registration.Status.PENDING)),
            reverse("events:manage"),
        ),
        Queue(
            "swaps",
            _("Duty swaps to approve"),
            cached_count(SwapRequest.objects.filter(status=SwapRequest.Status.ACCEPTED)),
            reverse("roster:swaps"),
        ),
        Queue(
            "duty_gaps",
            _("Months ahead without an executive chair"),
            len(months)
            - cached_count(DutyMonth.objects.filter(month__in=months, chair__isnull=False)),
            reverse("roster:index"),
        ),
    ]


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

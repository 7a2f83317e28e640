import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from kombu import Connection

from chambers.models import DutyMonth, Secondment, SwapRequest
from core import pagecache
from core.counts import cached_count
from core.months import add_months, month_start
from events.models import Event, Invitation, Registration
from members.models import Application, Enterprise
from notices.models import Notice
from petitions import metrics
from petitions.models import OPEN, Department, Petition, Status
from policies.models import Announcement, Policy

logger = logging.getLogger(__name__)


@pagecache.kept_page
def home(request):
    """What matters to whoever is logged in: their enterprise's open petitions, invitations and
    events; a leader's next duty month; seconded staff their secondment; the staff's queues.
    An anonymous visitor sees the federation's public side: its latest public announcements,
    the policies open for applications now and the public events to come."""
    user = request.user
    context = {}
    if not user.is_authenticated:
        context.update(public_home(timezone.now()))
    else:
        now = timezone.now()
        # Each query reads only the columns the page shows: compiling a query costs about
        # 10 µs a column, and whole rows with their relations made the home page cost ten
        # times the page shell (bench/pages.py).
        context["notices"] = (
            Notice.objects.visible_to(user).unread().only("public_id", "subject")[:5]
        )
        if not user.enterprise_id:  # the page shows an enterprise user's enterprise instead
            context["applications"] = Application.objects.filter(applicant=user).only(
                "public_id", "name", "status"
            )[:5]
        context["next_duty"] = (
            DutyMonth.objects.filter(chair=user, month__gte=month_start(timezone.localdate()))
            .only("month", "status")
            .order_by("month")
            .first()
        )
        context["secondment"] = (
            Secondment.objects.filter(user=user, ends_on__gte=timezone.localdate())
            .select_related("duty_month", "enterprise")
            .only("starts_on", "ends_on", "duty_month__month", "enterprise__name")
            .order_by("starts_on")
            .first()
        )
        if user.enterprise_id:
            context.update(enterprise_home(user, now))
        if user.is_staff:
            context.update(staff_queues(now))
    return render(request, "home.html", context)


PUBLIC_HOME_ROWS = 5


def public_home(now) -> dict:
    """The anonymous home page's lists: a query each (and one for the policies' departments)."""
    departments = Department.objects.only("pk", "name")
    return {
        "announcements": Announcement.objects.public()
        .only("public_id", "title", "kind", "sent_at")
        .order_by("-sent_at", "-pk")[:PUBLIC_HOME_ROWS],
        "open_policies": Policy.objects.open_now(timezone.localdate(now))
        .only("public_id", "title", "window_closes")
        .prefetch_related(Prefetch("departments", queryset=departments))
        .order_by("window_closes", "pk")[: PUBLIC_HOME_ROWS * 2],
        # As the public event list chooses them (what an anonymous visitor may see), the
        # cancelled left out: each offers the way to register.
        "public_events": Event.objects.visible_to(AnonymousUser())
        .filter(status=Event.Status.PUBLISHED)
        .upcoming(now)
        .only("public_id", "title", "venue", "starts_at")
        .order_by("starts_at", "pk")[:PUBLIC_HOME_ROWS],
    }


def enterprise_home(user, now) -> dict:
    own = Q(user=user) | Q(enterprise_id=user.enterprise_id)
    return {
        "open_petitions": Petition.objects.filter(
            enterprise_id=user.enterprise_id, status__in=[*OPEN, Status.REPLIED]
        )
        .only("public_id", "title", "tracking_number", "status")
        .order_by("-created_at")[:5],
        "pending_invitations": Invitation.objects.for_user(user)
        .pending()
        .filter(event__status=Event.Status.PUBLISHED, event__starts_at__gte=now)
        .select_related("event")
        .only("token", "event__public_id", "event__title", "event__starts_at")
        .order_by("event__starts_at")[:5],
        "upcoming_registrations": Registration.objects.filter(own)
        .active()
        .filter(event__status=Event.Status.PUBLISHED, event__ends_at__gte=now)
        .select_related("event")
        .only("person_name", "status", "event__public_id", "event__title", "event__starts_at")
        .order_by("event__starts_at", "id")[:5],
    }


@dataclass
class Queue:
    key: str
    label: str
    count: int
    url: str


# The tables the staff's queues count.
QUEUE_MODELS = (Application, Petition, Invitation, Registration, Event, SwapRequest, DutyMonth)


def staff_queues(now) -> dict:
    """The staff's work waiting (each a count and the page where it is done) and the members
    on the roll, counted as of the start of the minute: what passes a deadline shows within a
    minute.

    The same for every member of staff, so the counts are one part of the page cache, kept
    until a table counted changes: eight cached counts, each compiled to find its key, cost
    more than the rest of the page (bench/pages.py)."""
    now = now.replace(second=0, microsecond=0)
    counts = pagecache.cached_fragment(
        "staff-queues",
        depends_on=(*QUEUE_MODELS, Enterprise),
        vary_on=(now.isoformat(),),
        render=lambda: queue_counts(now),
    )
    petitions = reverse("petitions:ledger")
    events = reverse("events:manage")
    queues = [
        ("applications", _("Applications to review"), reverse("members:application_list")),
        ("petitions_new", _("Petitions to accept"), f"{petitions}?status={Status.SUBMITTED}"),
        ("petitions_overdue", _("Petitions past their reply deadline"), f"{petitions}?overdue=on"),
        ("invitations", _("Invitations not yet answered"), events),
        ("registrations", _("Registrations to approve"), events),
        ("swaps", _("Duty swaps to approve"), reverse("roster:swaps")),
        ("duty_gaps", _("Months ahead without an executive chair"), reverse("roster:index")),
    ]
    return {
        "queues": [Queue(key, label, counts[key], url) for key, label, url in queues],
        "member_count": counts["members"],
    }


def queue_counts(now) -> dict[str, int]:
    upcoming = Q(event__status=Event.Status.PUBLISHED, event__starts_at__gte=now)
    today = timezone.localdate()
    months = [add_months(month_start(today), n) for n in range(3)]
    chaired = cached_count(DutyMonth.objects.filter(month__in=months, chair__isnull=False))
    return {
        "applications": cached_count(Application.objects.pending()),
        "petitions_new": cached_count(Petition.objects.filter(status=Status.SUBMITTED)),
        "petitions_overdue": metrics.overdue_count(now),
        "invitations": cached_count(
            Invitation.objects.pending().filter(upcoming, sent_at__isnull=False)
        ),
        "registrations": cached_count(
            Registration.objects.filter(upcoming, status=Registration.Status.PENDING)
        ),
        "swaps": cached_count(SwapRequest.objects.filter(status=SwapRequest.Status.ACCEPTED)),
        "duty_gaps": len(months) - chaired,
        "members": cached_count(Enterprise.objects.members_on()),
    }


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

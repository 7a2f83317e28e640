"""Event pages: the public calendar, the event page, sign-up, invitations, check-in, records.

Who may use each view is said by its decorator or its access helper (events.access).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chambers.models import Organization
from core import jobs, pagecache
from core.access import staff_required
from core.labels import with_labels
from core.submissions import create_once

from . import access, calendar, services
from . import jobs as event_jobs
from .forms import (
    CancelForm,
    EventForm,
    InviteForm,
    RespondForm,
)
from .models import Event, Invitation, Registration

LIST_RELATED = ["organizer"]
# What the list and the month show of an event (not its description, up to pages long).
LIST_COLUMNS = (
    "public_id", "title", "kind", "status", "audience", "venue", "starts_at", "ends_at",
    "organizer__name",
)  # fmt: skip
MONTH_COLUMNS = ("public_id", "title", "status", "starts_at", "ends_at")


def _listed(user):
    return (
        Event.objects.visible_to(user)
        .exclude(status=Event.Status.DRAFT)
        .select_related(*LIST_RELATED)
        .only(*LIST_COLUMNS)
    )


@pagecache.kept_page
def event_list(request):
    """Coming events (or, with ?past=1, past ones), newest first for the past."""
    past = request.GET.get("past") == "1"
    now = timezone.now()
    events = _listed(request.user)
    events = (
        events.filter(ends_at__lt=now).order_by("-starts_at")
        if past
        else events.filter(ends_at__gte=now)
    )
    page = Paginator(events, 25).get_page(request.GET.get("page"))
    with_labels(page, kind=Event.Kind, audience=Event.Audience)
    today = timezone.localdate()
    return render(request, "events/list.html", {"page": page, "past": past, "today": today})


@pagecache.kept_page
def month(request, year, month):
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    start, end = calendar.grid_bounds(year, month)
    events = (
        _listed(request.user)
        .select_related(None)
        .only(*MONTH_COLUMNS)
        .filter(starts_at__lt=end, ends_at__gte=start)
    )
    context = {
        "weeks": calendar.month_grid(year, month, events),
        "first": timezone.datetime(year, month, 1).date(),
        "previous": calendar.shift_month(year, month, -1),
        "next": calendar.shift_month(year, month, 1),
    }
    return render(request, "events/month.html", context)


def this_month(request):
    today = timezone.localdate()
    return redirect("events:month", today.year, today.month)


def ical(request):
    """Published public and member events of the last 180 days and to come, for phone
    calendars (no login possible there).

    Titles, times and venues of member events are not secret (the federation announces them);
    their pages still ask members to log in. The feed is the same for everyone: built once a
    day and kept until an event changes (building a thousand events took 350 ms).
    """
    today = timezone.localdate()
    body = pagecache.cached_fragment(
        "events-ical",
        depends_on=(Event, Organization),
        vary_on=(today.isoformat(),),
        render=lambda: calendar.build_ical(ical_events(today)),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


def ical_events(today):
    since = timezone.make_aware(
        timezone.datetime.combine(
            today - timezone.timedelta(days=180), timezone.datetime.min.time()
        )
    )
    return Event.objects.filter(
        status__in=[Event.Status.PUBLISHED, Event.Status.FINISHED, Event.Status.CANCELLED],
        audience__in=[Event.Audience.PUBLIC, Event.Audience.MEMBERS],
        starts_at__gte=since,
    ).select_related(*LIST_RELATED)


@pagecache.kept_page
def detail(request, public_id):
    event = access.get_event(request.user, public_id)
    user = request.user
    mine = None
    if user.is_authenticated:
        mine = event.registrations.active().filter(user=user).first()
    context = {
        "event": event,
        "mine": mine,
        "can_register": access.can_register(user, event) and event.is_open_for_registration,
        "seats_taken": services.seats_taken(event),
        "photos": event.photos.all(),
    }
    if event.is_charity:
        context["donations"] = event.donations.select_related("enterprise", "organization")
        context["donation_totals"] = event.donations.totals()
    if user.is_authenticated and user.is_staff:
        context["problems"] = event.problems.select_related("enterprise", "petition")
    return render(request, "events/detail.html", context)


@login_required
@require_POST
def register(request, public_id):
    event = access.get_event(request.user, public_id)
    if not access.can_register(request.user, event):
        raise Http404
    try:
        registration = services.register_for_event(event=event, actor=request.user)
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Registered: %(status)s.") % {"status": registration.get_status_display()}
        )
    return redirect("events:detail", event.public_id)


@login_required
@require_POST
def registration_cancel(request, public_id):
    registration = access.get_registration(request.user, public_id)
    try:
        services.cancel_registration(registration=registration, actor=request.user)
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The registration was cancelled."))
    if request.user.is_staff and request.POST.get("next") == "dashboard":
        return redirect("events:dashboard", registration.event.public_id)
    return redirect("events:mine")


@login_required
@pagecache.kept_page
def registration_qr(request, public_id):
    """The check-in QR code of a confirmed registration, for its holder and for staff."""
    registration = access.get_registration(request.user, public_id)
    if registration.status != Registration.Status.CONFIRMED:
        raise Http404
    svg = calendar.qr_svg(calendar.checkin_url(registration))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


MINE_EVENT_COLUMNS = ("event__public_id", "event__title", "event__starts_at", "event__status")
MINE_REGISTRATION_COLUMNS = (
    "public_id", "event", "person_name", "status", "checked_in_at", "event__venue",
    *MINE_EVENT_COLUMNS,
)  # fmt: skip
MINE_INVITATION_COLUMNS = ("event", "token", "response", "attendees", *MINE_EVENT_COLUMNS)


@login_required
@pagecache.kept_page
def mine(request):
    user = request.user
    own = Q(user=user) | Q(enterprise_id=user.enterprise_id) if user.enterprise_id else Q(user=user)
    # The columns shown: whole rows read each event's description and decrypted the
    # enterprise's phone numbers, neither of which the page shows.
    registrations = (
        Registration.objects.filter(own)
        .exclude(event__status=Event.Status.DRAFT)
        .select_related("event")
        .only(*MINE_REGISTRATION_COLUMNS)
        .order_by("-event__starts_at", "id")[:100]
    )
    invitations = (
        Invitation.objects.for_user(user)
        .exclude(event__status=Event.Status.DRAFT)
        .select_related("event")
        .only(*MINE_INVITATION_COLUMNS)
        .order_by("-event__starts_at")[:100]
    )
    with_labels(registrations, status=Registration.Status)
    with_labels(invitations, response=Invitation.Response)
    return render(
        request, "events/mine.html", {"registrations": registrations, "invitations": invitations}
    )


# --- Staff -------------------------------------------------------------------------------------


# What the staff's list of events shows (not the description nor the organiser).
MANAGE_COLUMNS = ("public_id", "title", "kind", "status", "starts_at")


@staff_required
@pagecache.kept_page
def manage(request):
    events = Event.objects.only(*MANAGE_COLUMNS).with_counts().order_by("-starts_at")
    status = request.GET.get("status")
    if status in Event.Status.values:
        events = events.filter(status=status)
    page = Paginator(events, 30).get_page(request.GET.get("page"))
    with_labels(page, kind=Event.Kind, status=Event.Status)
    return render(request, "events/manage.html", {"page": page, "status": status})


@staff_required
def create(request):
    form = EventForm(request.POST or None, instance=Event())
    if request.method == "POST" and form.is_valid():
        event = create_once(
            form, lambda: services.save_event(event=form.instance, actor=request.user)
        )
        messages.success(request, _("The event was saved as a draft."))
        return redirect("events:dashboard", event.public_id)
    return render(request, "events/form.html", {"form": form})


@staff_required
def edit(request, public_id):
    event = access.get_event_to_manage(request.user, public_id)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_event(event=form.instance, actor=request.user)
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The event was saved."))
            return redirect("events:dashboard", event.public_id)
    return render(request, "events/form.html", {"form": form, "event": event})


def _staff_action(request, public_id, action, success):
    event = access.get_event_to_manage(request.user, public_id)
    try:
        result = action(event)
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect("events:dashboard", event.public_id)


@staff_required
@require_POST
def publish(request, public_id):
    return _staff_action(
        request,
        public_id,
        lambda event: services.publish_event(event=event, actor=request.user),
        _("The event was published."),
    )


@staff_required
def cancel(request, public_id):
    event = access.get_event_to_manage(request.user, public_id)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _staff_action(
            request,
            public_id,
            lambda event: services.cancel_event(
                event=event, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            _("The event was cancelled; everyone registered is told."),
        )
    return render(request, "events/cancel.html", {"form": form, "event": event})


# The columns the dashboard's rows show: reading whole rows decrypted every enterprise's and
# account's encrypted fields (about 150 decryptions for an event of 50 registrations).
DASHBOARD_REGISTRATION_FIELDS = [
    "public_id",
    "event_id",
    "enterprise_id",
    "invitation_id",
    "person_name",
    "organisation_name",
    "seats",
    "status",
    "walk_in",
    "created_at",
    "checked_in_at",
    "enterprise__name",
]
INVITATION_ROW_FIELDS = [
    "event_id",
    "enterprise_id",
    "user_id",
    "guest_name",
    "guest_title",
    "guest_email",
    "token",
    "response",
    "attendees",
    "sent_at",
    "reminded_at",
    "enterprise__name",
    "enterprise__contact_name",
    "user__real_name",
]


@staff_required
@pagecache.kept_page
def dashboard(request, public_id):
    """Registrations, invitation answers and attendance; ?part=responses is the live part."""
    event = access.get_event_to_manage(request.user, public_id)
    invitations = (
        event.invitations.select_related("enterprise", "user")
        .only(*INVITATION_ROW_FIELDS)
        .order_by("id")
    )
    invitations = invitations.prefetch_related(
        Prefetch(
            "registration",
            queryset=Registration.objects.only("id", "invitation_id", "checked_in_at"),
        )
    )
    responses = invitations.aggregate(
        accepted=Count("id", filter=Q(response="accepted")),
        declined=Count("id", filter=Q(response="declined")),
        pending=Count("id", filter=Q(response="pending")),
    )
    with_labels(invitations, response=Invitation.Response)
    context = {"event": event, "invitations": invitations, "responses": responses}
    if request.GET.get("part") == "responses":
        return render(request, "events/_responses.html", context)
    registrations = (
        event.registrations.select_related("enterprise")
        .only(*DASHBOARD_REGISTRATION_FIELDS)
        .order_by("created_at", "id")
    )
    context.update(
        registrations=with_labels(registrations, status=Registration.Status),
        summary=services.attendance_summary(event),
        by_enterprise=services.attendance_by_enterprise(event),
    )
    return render(request, "events/dashboard.html", context)


@staff_required
def invite(request, public_id):
    event = access.get_event_to_manage(request.user, public_id)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = create_once(
                form,
                lambda: services.invite(
                    event=event,
                    actor=request.user,
                    enterprises=form.chosen_enterprises(),
                    users=form.cleaned_data["leaders"],
                    guests=form.cleaned_data["guests"],
                ),
            )
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            if made is None:  # this form was sent before: its invitees are there already
                messages.success(request, _("These invitees were added already."))
            else:
                messages.success(request, _("%(count)d invitees added.") % {"count": len(made)})
            return redirect("events:dashboard", event.public_id)
    return render(request, "events/invite.html", {"form": form, "event": event})


@staff_required
@require_POST
def send_invitations(request, public_id):
    """The invitations are sent by a background job: its page shows how far it got."""
    event = access.get_event_to_manage(request.user, public_id)
    try:
        job = services.send_invitations_now(event=event, actor=request.user)
    except services.TransitionError as error:
        messages.error(request, str(error))
        return redirect("events:dashboard", event.public_id)
    return redirect(job)


@staff_required
@require_POST
def remind(request, public_id):
    """The reminders are sent by a background job: its page shows how far it got."""
    event = access.get_event_to_manage(request.user, public_id)
    try:
        job = services.remind_now(event=event, actor=request.user)
    except services.TransitionError as error:
        messages.error(request, str(error))
        return redirect("events:dashboard", event.public_id)
    return redirect(job)


@staff_required
@require_POST
def registration_decide(request, public_id):
    registration = access.get_registration(request.user, public_id)
    approve = request.POST.get("decision") == "approve"
    return _staff_action(
        request,
        registration.event.public_id,
        lambda event: services.decide_registration(
            registration=registration, actor=request.user, approve=approve
        ),
        _("The registration was decided."),
    )


@staff_required
def export(request, public_id):
    event = access.get_event_to_manage(request.user, public_id)
    return jobs.export(
        request,
        kind=event_jobs.ATTENDEES_EXPORT,
        params={"event": event.pk},
        rows=event_jobs.attendees(event),
        write=lambda: calendar.attendees_workbook(event, event_jobs.attendees(event)),
    )


# --- Invitation links (no login: the token is the credential) ---------------------------------


@pagecache.kept_page
def invitation(request, public_id, token):
    invitation = access.get_invitation(request.user, public_id, token)
    initial = {"answer": "accept", "attendees": invitation.attendees}
    form = RespondForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.respond_to_invitation(
                invitation=invitation,
                accept=form.cleaned_data["answer"] == "accept",
                attendees=form.cleaned_data["attendees"],
            )
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you: your answer was recorded."))
            return redirect("events:invitation", public_id, token)
    registration = Registration.objects.filter(
        invitation=invitation, status=Registration.Status.CONFIRMED
    ).first()
    context = {
        "invitation": invitation,
        "event": invitation.event,
        "form": form,
        "registration": registration,
    }
    return render(request, "events/invitation.html", context)


@pagecache.kept_page
def invitation_card(request, public_id, token):
    invitation = access.get_invitation(request.user, public_id, token)
    return render(
        request, "events/card.html", {"invitation": invitation, "event": invitation.event}
    )


@pagecache.kept_page
def invitation_qr(request, public_id, token):
    """The check-in code of an accepted invitation, for invitees without an account."""
    invitation = access.get_invitation(request.user, public_id, token)
    registration = Registration.objects.filter(
        invitation=invitation, status=Registration.Status.CONFIRMED
    ).first()
    if registration is None:
        raise Http404
    return HttpResponse(
        calendar.qr_svg(calendar.checkin_url(registration)), content_type="image/svg+xml"
    )

"""The rotating executive chair's roster: pages for leaders, seconded staff and staff."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import excel, pagecache
from core.access import staff_required, user_passes
from core.labels import with_labels
from core.links import row_link
from core.months import add_months, month_start
from core.submissions import create_once
from members.models import Enterprise

from .. import access, services
from ..models import (
    CalendarToken,
    DutyChange,
    DutyLogEntry,
    DutyMonth,
    Post,
    Secondment,
    SwapRequest,
    Unavailability,
)
from . import calendar
from .forms import (
    AssignForm,
    GenerateForm,
    LogEntryForm,
    SummaryForm,
    SwapForm,
    UnavailableForm,
)
from .planner import within_month

# Leaders, seconded staff and federation staff; anonymous users log in first.
roster_required = user_passes(access.can_see_roster)


ROSTER_RELATED = ["chair", "post__term__organization"]
# What a roster's row shows, not the users', posts' and organisations' whole rows (fifty
# columns compiled into each query and read for each month).
ROW_COLUMNS = (
    "month", "status", "chair__real_name", "chair__email", "post__position",
    "post__term__organization__short_name", "post__term__organization__name",
)  # fmt: skip


def with_month_labels(months):
    """The months as a list, each with its page's URL (reversed once a page) and the labels
    of its status and, if read, its post's position (translated once a page)."""
    months = with_labels(list(months), status=DutyMonth.Status)
    link = row_link("roster:month", stand_in="0000-00")
    post = DutyMonth._meta.get_field("post")
    posts = [m.post for m in months if post.is_cached(m) and m.post is not None]
    with_labels(posts, position=Post.Position)
    for duty_month in months:
        duty_month.link = link(duty_month.key)
    return months


# The visit a duty-log entry records is linked from the visit (`Visit.duty_log_entry`, its
# related name "visit"): the visits app comes after chambers, which reads it by that name and
# never imports it (docs/architecture.md).
VISIT = "visit"


def with_visits(entries: list) -> None:
    """Each entry of the kind "visit" with `recorded_visit`, the visit it records (or None),
    and that visit's enterprises: at most two queries for the whole log."""
    visits = [entry for entry in entries if entry.kind == DutyLogEntry.Kind.VISIT]
    prefetch_related_objects(
        visits,
        VISIT,
        Prefetch(f"{VISIT}__enterprises", queryset=Enterprise.objects.only("name", "name_pinyin")),
    )
    for entry in entries:
        is_visit = entry.kind == DutyLogEntry.Kind.VISIT
        entry.recorded_visit = getattr(entry, VISIT, None) if is_visit else None


@roster_required
@pagecache.kept_page
def index(request):
    this_month = month_start(timezone.localdate())
    # Each month's secondments as a plain list (to_attr): a prefetch into the related manager
    # builds a filtered queryset per month, 0.1 ms each (bench/pages.py, 28 months).
    months = (
        DutyMonth.objects.select_related(*ROSTER_RELATED)
        .only(*ROW_COLUMNS)
        .prefetch_related(
            Prefetch(
                "secondments",
                queryset=Secondment.objects.select_related("enterprise"),
                to_attr="secondment_list",
            )
        )
    )
    coming = months.filter(month__gte=this_month, month__lt=add_months(this_month, 12))
    past = months.filter(month__lt=this_month).order_by("-month")[:24]
    return render(
        request,
        "roster/index.html",
        {
            "coming": with_month_labels(coming),
            "past": with_month_labels(past),
            "this_month": this_month,
        },
    )


@roster_required
@pagecache.kept_page
def mine(request):
    user = request.user
    today = timezone.localdate()
    # The columns shown: the months' summaries and related rows made DISTINCT compare wide rows.
    duties = (
        DutyMonth.objects.filter(Q(chair=user) | Q(secondments__user=user))
        .distinct()
        .only("month", "chair", "status")
    )
    swaps = SwapRequest.objects.filter(Q(requested_by=user) | Q(counterpart=user)).select_related(
        "month", "other_month", "requested_by", "counterpart"
    )[:20]
    context = {
        "duties": with_month_labels(duties),
        "swaps": swaps,
        "unavailable": Unavailability.objects.filter(user=user, month__gte=month_start(today)),
        "unavailable_form": UnavailableForm(),
        "can_swap": DutyMonth.objects.filter(chair=user, month__gt=today).exists(),
    }
    return render(request, "roster/mine.html", context)


@roster_required
@pagecache.kept_page
def month(request, key):
    duty_month = access.get_duty_month(request.user, key)
    user = request.user
    previous = DutyMonth.objects.filter(month=add_months(duty_month.month, -1)).first()
    # A month's log has tens of entries: their labels translated once (core.labels).
    log = with_labels(list(duty_month.log.select_related("author")), kind=DutyLogEntry.Kind)
    with_visits(log)
    context = {
        "duty_month": duty_month,
        "status_label": with_labels([duty_month], status=DutyMonth.Status)[0].status_label,
        "previous": previous,
        "secondments": duty_month.secondments.select_related("enterprise", "user"),
        "log": log,
        "can_open_visits": user.is_staff,  # the visits' pages are staff's
        "can_log": access.can_log(user, duty_month),
        "can_summarise": access.can_write_summary(user, duty_month),
        "log_form": LogEntryForm(
            initial={"day": within_month(timezone.localdate(), duty_month.month)},
            month=duty_month.month,
        ),
        "summary_form": SummaryForm(initial={"summary": duty_month.summary}),
    }
    if user.is_staff:
        history = list(duty_month.history.select_related("history_user", "chair")[:20])
        with_labels(history, status=DutyMonth.Status)
        for record in history:
            record.reason = DutyChange.describe(record.history_change_reason)
        context["history"] = history
    return render(request, "roster/month.html", context)


@roster_required
@require_POST
def log_add(request, key):
    duty_month = access.get_duty_month(request.user, key)
    if not access.can_log(request.user, duty_month):
        raise PermissionDenied
    form = LogEntryForm(request.POST)
    if form.is_valid():
        try:
            create_once(
                form,
                lambda: services.add_log_entry(
                    duty_month=duty_month, author=request.user, **form.cleaned_data
                ),
            )
        except services.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The entry was added to the duty log."))
    else:
        problems = " ".join(
            _("%(field)s: %(error)s") % {"field": form.fields[name].label, "error": error}
            if name in form.fields
            else str(error)
            for name, errors in form.errors.items()
            for error in errors
        )
        messages.error(request, _("The entry was not saved: %(problems)s") % {"problems": problems})
    return redirect("roster:month", duty_month.key)


@roster_required
@require_POST
def summary(request, key):
    duty_month = access.get_duty_month(request.user, key)
    if not access.can_write_summary(request.user, duty_month):
        raise PermissionDenied
    form = SummaryForm(request.POST)
    if form.is_valid():
        services.write_summary(
            duty_month=duty_month, actor=request.user, summary=form.cleaned_data["summary"]
        )
        messages.success(request, _("The monthly summary was saved."))
    else:
        messages.error(request, _("The summary was not saved: it is empty or too long."))
    return redirect("roster:month", duty_month.key)


@staff_required
def month_edit(request, key):
    duty_month = access.get_duty_month(request.user, key)
    initial = {"chair": duty_month.chair_id, "status": duty_month.status}
    form = AssignForm(request.POST or None, duty_month=duty_month, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_duty_month(duty_month=duty_month, actor=request.user,
                                       **form.cleaned_data)  # fmt: skip
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The month was updated."))
            return redirect("roster:month", duty_month.key)
    return render(request, "roster/month_edit.html", {"form": form, "duty_month": duty_month})


@staff_required
def generate(request):
    form = GenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        planned = services.generate_roster(actor=request.user, **form.cleaned_data)
        gaps = sum(1 for m in planned if m.chair_id is None)
        messages.success(request, _("%(count)d months planned.") % {"count": len(planned)})
        if gaps:
            messages.warning(request, _("%(count)d months have no available leader.")
                             % {"count": gaps})  # fmt: skip
        return redirect("roster:index")
    return render(request, "roster/generate.html", {"form": form})


@roster_required
@pagecache.kept_page
def swaps(request):
    """Staff see the swaps waiting for approval; a leader sees their own."""
    requests = SwapRequest.objects.select_related(
        "month", "other_month", "requested_by", "counterpart", "decided_by"
    )
    if not request.user.is_staff:
        requests = requests.filter(Q(requested_by=request.user) | Q(counterpart=request.user))
    return render(request, "roster/swaps.html", {"swaps": requests[:100]})


@roster_required
def swap_new(request):
    form = SwapForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            create_once(
                form, lambda: services.request_swap(actor=request.user, **form.cleaned_data)
            )
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your request was sent to the other leader."))
            return redirect("roster:mine")
    return render(request, "roster/swap_new.html", {"form": form})


def _swap_action(request, public_id, action):
    swap = get_object_or_404(SwapRequest, public_id=public_id)
    user = request.user
    if not (user.is_staff or user.pk in (swap.requested_by_id, swap.counterpart_id)):
        raise Http404
    try:
        action(swap)
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The swap request was updated."))
    return redirect("roster:swaps" if user.is_staff else "roster:mine")


@roster_required
@require_POST
def swap_answer(request, public_id):
    accept = request.POST.get("answer") == "accept"
    note = request.POST.get("note", "")
    return _swap_action(request, public_id, lambda swap: services.answer_swap(
        swap=swap, actor=request.user, accept=accept, note=note))  # fmt: skip


@roster_required
@require_POST
def swap_withdraw(request, public_id):
    return _swap_action(request, public_id, lambda swap: services.withdraw_swap(
        swap=swap, actor=request.user))  # fmt: skip


@staff_required
@require_POST
def swap_decide(request, public_id):
    approve = request.POST.get("decision") == "approve"
    note = request.POST.get("note", "")
    return _swap_action(request, public_id, lambda swap: services.decide_swap(
        swap=swap, actor=request.user, approve=approve, note=note))  # fmt: skip


@roster_required
@require_POST
def unavailable(request):
    form = UnavailableForm(request.POST)
    if form.is_valid():
        services.set_unavailable(
            user=request.user,
            month=form.cleaned_data["month"],
            reason=form.cleaned_data["reason"],
            unavailable=not form.cleaned_data["available"],
        )
        messages.success(request, _("Your availability was saved."))
    else:
        messages.error(request, _("Choose a month."))
    return redirect("roster:mine")


@roster_required
@pagecache.kept_page
def calendar_page(request):
    token = CalendarToken.objects.filter(user=request.user, revoked_at__isnull=True).first()
    return render(request, "roster/calendar.html", {"token": token})


@roster_required
@require_POST
def calendar_reset(request):
    """Revoke the current link; a new one is made unless the user only wanted it gone."""
    calendar.revoke_tokens(request.user)
    if request.POST.get("action") != "revoke":
        CalendarToken.objects.create(user=request.user)
    messages.success(request, _("Your calendar link was changed; the old one no longer works."))
    return redirect("roster:calendar")


@pagecache.kept_page
def ical(request, token):
    """A leader's own duties; no login, only the secret link."""
    user = calendar.user_for_token(token)
    months = list(
        DutyMonth.objects.filter(Q(chair=user) | Q(secondments__user=user))
        .distinct()
        .select_related("chair")
    )
    own = {duty_month.pk for duty_month in months if duty_month.chair_id == user.pk}
    language = user.language or settings.LANGUAGE_CODE
    return calendar.ical_response(calendar.build_calendar(months, language=language, own=own))


def ical_all(request, token):
    """The whole roster, for staff.

    Built once for each language and set of months the reader chairs (those are "my month"),
    kept until a month or a user changes: ten years of months took 27 ms of CPU to build
    with icalendar on every request (bench/pages.py), most of it the library's.
    """
    user = calendar.user_for_token(token)
    if not user.is_staff:
        raise Http404
    own = tuple(DutyMonth.objects.filter(chair=user).values_list("pk", flat=True))
    language = user.language or settings.LANGUAGE_CODE
    body = pagecache.cached_fragment(
        "roster-ical-all",
        depends_on=(DutyMonth, get_user_model()),
        vary_on=(language, own),
        # The months the reader chairs as read for the key, not again: a chair changed
        # meanwhile cannot put another reader's "my month" under this key.
        render=lambda: calendar.build_calendar(
            DutyMonth.objects.select_related("chair"), language=language, own=set(own)
        ),
    )
    return calendar.ical_response(body)


@staff_required
def export(request):
    """The roster as an Excel sheet, in the reader's language."""
    months = DutyMonth.objects.select_related(*ROSTER_RELATED).prefetch_related(
        "secondments", "log"
    )
    header = [_("Month"), _("Executive chair"), _("Post"), _("Status"), _("Seconded staff"),
              _("Log entries"), _("Summary")]  # fmt: skip
    rows = (
        [
            excel.Month.of(dm.month),
            dm.chair and str(dm.chair),
            dm.post and str(dm.post),
            dm.get_status_display(),
            "、".join(s.person_name for s in dm.secondments.all()),
            len(dm.log.all()),
            dm.summary,
        ]
        for dm in months
    )
    title = _("Duty roster")
    widths = [10, 12, 16, 10, 24, 8, 60]
    return excel.response(excel.write(title, header, rows, widths=widths), title)

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import pagecache
from core.access import staff_required
from core.counts import cached_count
from core.labels import with_labels
from core.paginator import MirroredPaginator
from core.submissions import create_once
from events.models import Event
from members.models import Enterprise

from . import access, listing, metrics, services
from .forms import (
    STAFF_ACTION_FORMS,
    PetitionForm,
    PetitionFromProblemForm,
    ProvideInfoForm,
    RateForm,
    StaffPetitionForm,
    SuggestionForm,
    SuggestionRoutingForm,
    form_helper,
)
from .models import Category, Petition, Suggestion
from .states import Status, allowed_actions
from .suggestions import year_bounds, yearly_figures


@login_required
@pagecache.kept_page
def petition_list(request):
    """The enterprise's own petitions (staff: every petition, newest first)."""
    if not access.can_follow(request.user):
        raise PermissionDenied
    petitions = listing.rows(Petition.objects.visible_to(request.user), listing.LIST_FIELDS)
    page = listing.ListPage(petitions, listing.page_number(request.GET.get("page")))
    listing.present(page.rows)
    return render(
        request,
        "petitions/list.html",
        {"page": page, "can_file": access.can_file(request.user)},
    )


@login_required
def petition_new(request):
    if request.user.is_staff:
        return redirect("petitions:record_new")
    if not access.can_file(request.user):
        raise PermissionDenied
    form = PetitionForm(request.POST or None, request.FILES or None, session=request.session)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        petition = create_once(
            form,
            lambda: services.file_petition(
                actor=request.user,
                enterprise=Enterprise.objects.get(pk=request.user.enterprise_id),
                files=data.pop("attachments"),
                **data,
            ),
        )
        form.release_uploads()
        messages.success(
            request,
            _("Your petition was filed. Its tracking number is %(number)s.")
            % {"number": petition.tracking_number},
        )
        return redirect("petitions:detail", petition.public_id)
    if request.method == "POST":
        form.keep_uploads()
    return render(request, "petitions/new.html", {"form": form, "helper": form_helper()})


@staff_required
def petition_record_new(request):
    """Staff record a petition raised at a visit, a meeting, by phone or by letter."""
    form = StaffPetitionForm(request.POST or None, request.FILES or None, session=request.session)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        petition = create_once(
            form,
            lambda: services.file_petition(
                actor=request.user, files=data.pop("attachments"), **data
            ),
        )
        form.release_uploads()
        messages.success(
            request, _("Recorded as %(number)s.") % {"number": petition.tracking_number}
        )
        return redirect("petitions:detail", petition.public_id)
    if request.method == "POST":
        form.keep_uploads()
    return render(
        request, "petitions/new.html", {"form": form, "helper": form_helper(), "staff": True}
    )


@staff_required
@require_POST
def petition_from_problem(request, event_id, problem_id):
    """Staff open a petition for a problem raised at an event, from the event's record page."""
    problem = access.get_raised_problem(request.user, event_id, problem_id)
    back = redirect("events:record", problem.event.public_id)
    form = PetitionFromProblemForm(request.POST, problem=problem, prefix=f"problem-{problem.pk}")
    if not form.is_valid():
        messages.error(request, "; ".join(m for f in form.errors.values() for m in f))
        return back
    try:
        petition, created = services.petition_from_problem(
            actor=request.user, problem=problem, **form.cleaned_data
        )
    except services.TransitionRefused as error:
        messages.error(request, str(error))
        return back
    message = _("Recorded as %(number)s.") if created else _("Already recorded as %(number)s.")
    messages.success(request, message % {"number": petition.tracking_number})
    return back


def _timeline(petition, user):
    events = petition.events.select_related("actor").prefetch_related("attachments")
    if not user.is_staff:
        events = events.filter(visible_to_enterprise=True)
    return events


@login_required
@pagecache.kept_page
def petition_detail(request, public_id):
    return _detail_page(request, access.get_petition(request.user, public_id))


def _detail_page(request, petition, *, sent=None):
    """The petition's page. `sent`: (action, bound form) of an action that was refused or
    invalid, shown open with what the person typed (and the files they chose, held) instead
    of a blank form."""
    user = request.user
    initial = {"version": petition.version}
    context = {
        "petition": petition,
        "timeline": _timeline(petition, user),
        "attachments": [
            a for a in petition.attachments.all() if user.is_staff or a.visible_to_enterprise
        ],
        "overdue": petition.is_overdue(),
        # The meeting it was raised at, linked for whoever may open the event's page.
        "source_event_link": petition.source_event_id is not None
        and Event.objects.visible_to(user).filter(pk=petition.source_event_id).exists(),
        "open_action": sent[0] if sent else None,
    }
    forms = {}
    if user.is_staff:
        for action in allowed_actions(petition.status, by_enterprise=False):
            forms[action] = STAFF_ACTION_FORMS[action](initial=initial, prefix=action)
    enterprise_actions = allowed_actions(petition.status, by_enterprise=True)
    if "provide_info" in enterprise_actions:
        forms["provide_info"] = ProvideInfoForm(initial=initial)
    if "rate" in enterprise_actions:
        forms["rate"] = RateForm(initial=initial)
    if sent:  # shown even when the action is no longer possible: what was typed stays
        forms[sent[0]] = sent[1]
    context["provide_form"] = forms.pop("provide_info", None)
    context["rate_form"] = forms.pop("rate", None)
    context["action_forms"] = list(forms.items())
    return render(request, "petitions/detail.html", context)


def _sent_again(request, petition, action, form, error=None):
    """The page again with the form as it was sent: its errors, or `error` (the petition
    changed meanwhile, or the action is no longer possible) above it. What was typed is
    kept, and the files chosen are held; after a change the form carries the new version,
    so that it can be sent again once the change has been read."""
    if error is not None:
        messages.error(request, str(error.args[0] if error.args else error))
        petition.refresh_from_db()
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = petition.version
    form.keep_uploads()
    return _detail_page(request, petition, sent=(action, form))


@login_required
@pagecache.kept_page
def petition_timeline(request, public_id):
    petition = access.get_petition(request.user, public_id)
    return render(
        request,
        "petitions/timeline.html",
        {"petition": petition, "timeline": _timeline(petition, request.user)},
    )


def _staff_action_kwargs(data):
    if "attachments" in data:
        data["files"] = data.pop("attachments")
    return data


STAFF_SERVICES = {
    "accept": services.accept_petition,
    "decline": services.decline_petition,
    "merge": services.merge_petition,
    "dispatch": services.dispatch_petition,
    "forward": services.forward_petition,
    "start": services.start_progress,
    "request_info": services.request_information,
    "update": services.post_update,
    "reply": services.reply_petition,
    "close": services.close_petition,
    "extend": services.extend_deadline,
    "escalate": services.escalate_petition,
}


@staff_required
@require_POST
def petition_act(request, public_id, action):
    petition = access.get_petition(request.user, public_id)
    if action not in STAFF_SERVICES:
        raise Http404
    form = STAFF_ACTION_FORMS[action](
        request.POST, request.FILES, prefix=action, session=request.session
    )
    if not form.is_valid():
        return _sent_again(request, petition, action, form)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        STAFF_SERVICES[action](
            petition=petition,
            actor=request.user,
            expected_version=version,
            **_staff_action_kwargs(data),
        )
    except (services.ConflictError, services.TransitionRefused) as error:
        return _sent_again(request, petition, action, form, error)
    form.release_uploads()
    messages.success(request, _("Saved."))
    return redirect("petitions:detail", petition.public_id)


@login_required
@require_POST
def petition_provide_info(request, public_id):
    petition = access.get_petition(request.user, public_id)
    form = ProvideInfoForm(request.POST, request.FILES, session=request.session)
    if not form.is_valid():
        return _sent_again(request, petition, "provide_info", form)
    try:
        services.provide_information(
            petition=petition,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            text=form.cleaned_data["text"],
            files=form.cleaned_data["attachments"],
        )
    except (services.ConflictError, services.TransitionRefused) as error:
        return _sent_again(request, petition, "provide_info", form, error)
    form.release_uploads()
    messages.success(request, _("Thank you: the information was added."))
    return redirect("petitions:detail", petition.public_id)


@login_required
@require_POST
def petition_rate(request, public_id):
    petition = access.get_petition(request.user, public_id)
    form = RateForm(request.POST, session=request.session)
    if not form.is_valid():
        return _sent_again(request, petition, "rate", form)
    try:
        services.rate_petition(
            petition=petition,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except (services.ConflictError, services.TransitionRefused) as error:
        return _sent_again(request, petition, "rate", form, error)
    messages.success(request, _("Thank you for your rating."))
    return redirect("petitions:detail", petition.public_id)


@login_required
def attachment_download(request, public_id, attachment_id):
    attachment = access.get_attachment(request.user, public_id, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None  # the record stays; the stored file is gone
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )


@staff_required
@pagecache.kept_page
def petition_record(request, public_id):
    """The printable record of one petition: its details and whole timeline."""
    petition = access.get_petition(request.user, public_id)
    return render(
        request,
        "petitions/record.html",
        {
            "petition": petition,
            # The record lists no files: the timeline without its attachments' query.
            "timeline": _timeline(petition, request.user).prefetch_related(None),
            "now": timezone.now(),
        },
    )


@staff_required
@pagecache.kept_page
def metrics_view(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year + 1)
    report = metrics.year_report(year)
    return render(
        request,
        "petitions/metrics.html",
        {
            "report": report,
            "years": range(today.year, today.year - 6, -1),
            "overdue_now": metrics.overdue_count(),
        },
    )


@login_required
@pagecache.kept_page
def duty_view(request):
    """The executive chair of the month sees the petitions filed during it (read-only)."""
    duty_month = access.duty_month_for(request.user)
    start, end = metrics.month_bounds(duty_month.month)
    petitions = (
        Petition.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("department")
        .only(
            "tracking_number",
            "created_at",
            "category",
            "status",
            "title",
            "anonymous_sharing",
            "department__name",
            "reply_due",
        )
        .order_by("-created_at", "-id")
    )
    # Fifty a page: a municipal federation's month holds tens of thousands of petitions,
    # counted once until a petition changes; the last pages read from the other end.
    page = MirroredPaginator(petitions, 50, counter=cached_count).get_page(request.GET.get("page"))
    with_labels(page, category=Category, status=Status)
    return render(request, "petitions/duty.html", {"duty_month": duty_month, "petitions": page})


# --- Suggestions -------------------------------------------------------------------------------


def _year(request) -> int:
    today = timezone.localdate()
    try:
        return min(max(int(request.GET.get("year", today.year)), 2000), today.year + 1)
    except ValueError:
        return today.year


# What the suggestions list shows (the text, up to 20,000 characters, is left in the table).
SUGGESTION_COLUMNS = (
    "public_id", "created_at", "kind", "title", "sent_to", "forwarded_to", "adopted_level",
)  # fmt: skip


@login_required
@pagecache.kept_page
def suggestion_list(request):
    if not access.can_submit_suggestion(request.user):
        raise PermissionDenied
    year = _year(request)
    start, end = year_bounds(year)
    # The year's suggestions from their index on the time submitted; the columns shown.
    suggestions = (
        Suggestion.objects.visible_to(request.user)
        .filter(created_at__gte=start, created_at__lt=end)
        .only(*SUGGESTION_COLUMNS)
    )
    figures = yearly_figures(year) if request.user.is_staff else None
    # Fifty a page: a municipal federation receives thousands a year (500 rows at once cost
    # 66 ms of CPU, bench/pages.py).
    page = MirroredPaginator(suggestions, 50, counter=cached_count).get_page(
        request.GET.get("page")
    )
    with_labels(
        page,
        kind=Suggestion.Kind,
        sent_to=Suggestion.SentTo,
        forwarded_to=Suggestion.ForwardedTo,
        adopted_level=Suggestion.Level,
    )
    return render(
        request,
        "petitions/suggestions.html",
        {"suggestions": page, "figures": figures, "year": year, "query": f"year={year}"},
    )


@login_required
def suggestion_new(request):
    if not access.can_submit_suggestion(request.user):
        raise PermissionDenied
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        suggestion = create_once(
            form, lambda: services.submit_suggestion(actor=request.user, **form.cleaned_data)
        )
        messages.success(request, _("Thank you: your submission was received."))
        return redirect("petitions:suggestion_detail", suggestion.public_id)
    return render(
        request, "petitions/suggestion_form.html", {"form": form, "helper": form_helper()}
    )


@login_required
@pagecache.kept_page
def suggestion_detail(request, public_id):
    suggestion = access.get_suggestion(request.user, public_id)
    form = None
    if request.user.is_staff:
        form = SuggestionRoutingForm(request.POST or None, instance=suggestion)
        if request.method == "POST" and form.is_valid():
            services.record_routing(suggestion=suggestion, actor=request.user, form=form)
            messages.success(request, _("Saved."))
            return redirect("petitions:suggestion_detail", suggestion.public_id)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "petitions/suggestion_detail.html",
        {"suggestion": suggestion, "form": form, "helper": form_helper()},
    )

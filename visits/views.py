"""Staff pages of visits: the list, planning, recording, a visit's page with its findings,
and the members overdue for a visit."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chambers.models import Organization
from core import pagecache
from core.access import staff_required
from core.counts import cached_count
from core.labels import with_labels
from core.links import page_url, row_link
from core.paginator import MirroredPaginator
from core.queries import aggregate_of
from core.submissions import create_once
from members.models import Enterprise

from . import access, services
from .forms import (
    CancelForm,
    FindingForm,
    FindingPetitionForm,
    VisitFilterForm,
    VisitPlanForm,
    VisitRecordForm,
)
from .models import Finding, Visit, coverage_cutoff, overdue_members

User = get_user_model()
PAGE_SIZE = 50


@staff_required
@pagecache.kept_page
def visit_list(request):
    """Every visit, latest planned first, filtered by status and year."""
    form = VisitFilterForm(request.GET or None)
    visits = Visit.objects.all()
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            if data["status"]:
                visits = visits.filter(status=data["status"])
            if data["year"]:
                visits = visits.in_year(data["year"])
        else:
            visits = visits.none()
    rows = visits.annotate(
        finding_count=aggregate_of(Finding.objects.all(), "visit", Count("pk"))
    ).prefetch_related(
        Prefetch("enterprises", queryset=Enterprise.objects.only("public_id", "name")),
        Prefetch("organizations", queryset=Organization.objects.only("name").order_by("name")),
        Prefetch("visitors", queryset=User.objects.only("real_name", "email")),
    )
    page = MirroredPaginator(rows, PAGE_SIZE, counter=cached_count).get_page(
        request.GET.get("page")
    )
    with_labels(page, status=Visit.Status)
    link = row_link("visits:detail")
    for visit in page:
        visit.url = link(visit.public_id)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "visits/list.html",
        {"form": form, "visits": page, "query": query.urlencode()},
    )


@staff_required
def visit_plan(request):
    initial = {}
    enterprise = request.GET.get("enterprise")
    if enterprise:
        found = Enterprise.objects.filter(public_id=_uuid(enterprise)).first()
        initial["enterprises"] = [found] if found else []
    form = VisitPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit = create_once(
                form, lambda: services.plan_visit(actor=request.user, **form.cleaned_data)
            )
        except services.VisitRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The visit is planned."))
            return redirect("visits:detail", visit.public_id)
    return render(request, "visits/form.html", {"form": form, "title": _("Plan a visit")})


def _uuid(text):
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


@staff_required
@pagecache.kept_page
def visit_detail(request, public_id):
    visit = access.get_visit(request.user, public_id)
    findings = list(visit.findings.select_related("enterprise", "petition"))
    for finding in findings:
        if finding.petition is None:
            finding.form = FindingPetitionForm(prefix=f"finding-{finding.pk}")
    context = {
        "visit": visit,
        "enterprises": visit.enterprises.only("public_id", "name").order_by("name_pinyin", "id"),
        "organizations": visit.organizations.only("slug", "name").order_by("name"),
        "visitors": visit.visitors.only("real_name", "email").order_by("real_name", "pk"),
        "findings": findings,
        "finding_form": FindingForm(visit=visit) if visit.status == Visit.Status.DONE else None,
        "cancel_form": CancelForm() if visit.status == Visit.Status.PLANNED else None,
    }
    return render(request, "visits/detail.html", context)


@staff_required
def visit_record(request, public_id):
    visit = access.get_visit(request.user, public_id)
    if visit.status == Visit.Status.CANCELLED:
        messages.error(request, _("This visit was cancelled: plan a new one."))
        return redirect("visits:detail", visit.public_id)
    initial = {
        "done_on": visit.done_on or min(visit.planned_on, timezone.localdate()),
        "met": visit.met,
        "found": visit.found,
        "visitors": list(visit.visitors.all()),
        "other_visitors": visit.other_visitors,
        "duty_log_entry": visit.duty_log_entry_id,
    }
    form = VisitRecordForm(request.POST or None, initial=initial, visit=visit)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_visit(actor=request.user, visit=visit, **form.cleaned_data)
        except services.VisitRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The visit is recorded."))
            return redirect("visits:detail", visit.public_id)
    title = _("Record the visit")
    return render(request, "visits/form.html", {"form": form, "title": title, "visit": visit})


@staff_required
@require_POST
def visit_cancel(request, public_id):
    visit = access.get_visit(request.user, public_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for cancelling."))
    else:
        try:
            services.cancel_visit(actor=request.user, visit=visit, **form.cleaned_data)
        except services.VisitRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The visit is cancelled."))
    return redirect("visits:detail", visit.public_id)


@staff_required
@require_POST
def finding_add(request, public_id):
    visit = access.get_visit(request.user, public_id)
    form = FindingForm(request.POST, visit=visit)
    if not form.is_valid():
        messages.error(request, "; ".join(m for f in form.errors.values() for m in f))
        return redirect("visits:detail", visit.public_id)
    data = form.cleaned_data
    try:
        create_once(
            form,
            lambda: services.add_finding(
                actor=request.user, visit=visit, enterprise=data["enterprise"], text=data["text"]
            ),
        )
    except services.VisitRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The problem found is added."))
    return redirect("visits:detail", visit.public_id)


@staff_required
@require_POST
def finding_petition(request, public_id, finding_id):
    """File a problem found as a petition (once: a second sending finds the first)."""
    finding = access.get_finding(request.user, public_id, finding_id)
    back = redirect("visits:detail", public_id)
    form = FindingPetitionForm(request.POST, prefix=f"finding-{finding.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose the petition's category."))
        return back
    try:
        petition, created = services.finding_to_petition(
            actor=request.user, finding=finding, **form.cleaned_data
        )
    except services.VisitRefused as error:
        messages.error(request, str(error))
        return back
    message = _("Recorded as %(number)s.") if created else _("Already recorded as %(number)s.")
    messages.success(request, message % {"number": petition.tracking_number})
    return back


@staff_required
@pagecache.kept_page
def overdue(request):
    """The members no visit reached in the coverage period, by name."""
    members = overdue_members().only("public_id", "name", "member_number", "joined_on")
    page = MirroredPaginator(
        members.order_by("name_pinyin", "id"), PAGE_SIZE, counter=cached_count
    ).get_page(request.GET.get("page"))
    link = row_link("members:enterprise_detail")
    for member in page:
        member.url = link(member.public_id)
    context = {
        "members": page,
        "plan_url": page_url("visits:plan"),
        "years": settings.VISIT_COVERAGE_YEARS,
        "since": coverage_cutoff(),
    }
    return render(request, "visits/overdue.html", context)

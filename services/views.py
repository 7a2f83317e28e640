"""Pages of services to members: staff's list, record form and a service's page; a chamber
keeper's page of their chamber's services; an enterprise's services received, to rate."""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chambers.models import Organization
from core import pagecache
from core.access import staff_required
from core.counts import cached_count
from core.labels import with_labels
from core.paginator import MirroredPaginator
from core.submissions import create_once

from . import access, services
from .forms import ChamberServiceForm, RateForm, ServiceFilterForm, ServiceForm, show_refusal
from .models import ServiceRecipient, ServiceRecord

PER_PAGE = 50
Rating = ServiceRecipient.Rating


def records_shown(records):
    """A page's services with what the list shows of them, in a constant number of queries."""
    recipients = ServiceRecipient.objects.select_related("enterprise").only(
        "record_id", "rating", "enterprise__name", "enterprise__public_id"
    )
    return records.select_related(
        "field", "staff_member", "organization", "partner"
    ).prefetch_related(Prefetch("recipients", queryset=recipients.order_by("id")))


def paged(request, records):
    return MirroredPaginator(records_shown(records), PER_PAGE, counter=cached_count).get_page(
        request.GET.get("page")
    )


@staff_required
@pagecache.kept_page
def service_list(request):
    """Every service, newest first, by field and year."""
    form = ServiceFilterForm(request.GET or None)
    records = ServiceRecord.objects.all()
    if form.is_bound and not form.is_valid():
        records = records.none()  # not the rows the filter was meant to leave out
    elif form.is_bound:
        if form.cleaned_data["field"]:
            records = records.filter(field=form.cleaned_data["field"])
        if form.cleaned_data["year"]:
            year = form.cleaned_data["year"]
            records = records.filter(
                given_on__gte=datetime.date(year, 1, 1), given_on__lt=datetime.date(year + 1, 1, 1)
            )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "services/list.html", {
        "form": form,
        "records": paged(request, records),
        "query": query.urlencode(),
    })  # fmt: skip


@staff_required
def service_new(request):
    form = ServiceForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = create_once(form, lambda: services.record_service(actor=request.user, **data))
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("The service was recorded."))
            return redirect("services:detail", record.public_id)
    return render(request, "services/form.html", {"form": form, "organization": None})


@login_required
@pagecache.kept_page
def service_detail(request, public_id):
    record = access.get_record(request.user, public_id)
    recipients = list(
        record.recipients.select_related("enterprise").only(
            "record_id", "rating", "rated_at", "enterprise__name", "enterprise__public_id"
        )
    )
    with_labels(recipients, rating=Rating)
    return render(request, "services/detail.html", {
        "record": record,
        "recipients": recipients,
        "field_label": record.field.label,
    })  # fmt: skip


def keeper_required(view):
    """Anonymous users log in; who may not record for this chamber gets 403 (404: no such
    chamber). The view receives the chamber in place of its slug."""

    @wraps(view)
    def wrapper(request, slug, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, access.get_chamber_to_record(request.user, slug), **kwargs)

    return wrapper


@keeper_required
@pagecache.kept_page
def chamber_services(request, organization):
    """A chamber's services to its members, and the form its keeper records one with."""
    pagecache.shows(Organization)  # read by keeper_required, before the page
    form = ChamberServiceForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = create_once(
                form,
                lambda: services.record_service(
                    actor=request.user, organization=organization, **data
                ),
            )
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("The service was recorded."))
            return redirect("services:detail", record.public_id)
    return render(request, "services/chamber.html", {
        "organization": organization,
        "form": form,
        "records": paged(request, ServiceRecord.objects.filter(organization=organization)),
    })  # fmt: skip


@login_required
@pagecache.kept_page
def services_received(request):
    """The services the user's enterprise received, newest first, each with its rating."""
    if not access.can_see_received(request.user):
        raise PermissionDenied
    received = (
        ServiceRecipient.objects.filter(enterprise_id=request.user.enterprise_id)
        .select_related(
            "record__field", "record__staff_member", "record__organization", "record__partner"
        )
        .order_by("-record__given_on", "-record_id")
    )
    page = MirroredPaginator(received, PER_PAGE, counter=cached_count).get_page(
        request.GET.get("page")
    )
    with_labels(page, rating=Rating)
    return render(request, "services/mine.html", {"received": page, "rate_form": RateForm()})


@login_required
@require_POST
def service_rate(request, public_id):
    """The enterprise's rating of a service it received (its users only: 404 for others)."""
    if not access.can_see_received(request.user):
        raise PermissionDenied
    recipient = get_object_or_404(
        ServiceRecipient.objects.select_related("record"),
        record__public_id=public_id,
        enterprise_id=request.user.enterprise_id,
    )
    form = RateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating."))
        return redirect("services:mine")
    try:
        services.rate_service(
            actor=request.user, recipient=recipient, rating=form.cleaned_data["rating"]
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("services:mine")


def initial_of(record: ServiceRecord) -> dict:
    """The form's fields as the record has them: its enterprises one a line."""
    values = {name: getattr(record, name) for name in services.RECORD_FIELDS}
    values["enterprises"] = [r.enterprise for r in record.recipients.select_related("enterprise")]
    values["petition"] = record.petition.tracking_number if record.petition else ""
    return values


@login_required
def service_edit(request, public_id):
    """Staff change any service; a chamber's keeper their chamber's (its enterprises among its
    members). An enterprise that has rated the service stays on it."""
    record = access.get_record(request.user, public_id)
    form_class = ServiceForm if request.user.is_staff else ChamberServiceForm
    form = form_class(request.POST or None, actor=request.user, initial=initial_of(record))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprises = data.pop("enterprises")
        try:
            services.change_service(
                record=record, actor=request.user, enterprises=enterprises, **data
            )
        except ValidationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("The service was changed."))
            return redirect("services:detail", record.public_id)
    return render(request, "services/form.html", {"form": form, "record": record})

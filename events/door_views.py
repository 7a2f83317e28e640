"""Staff pages at the door (check-in, phone-sized) and after the event (the records)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import pagecache
from core.access import staff_required
from core.submissions import create_once

from . import access, services
from .forms import DonationForm, MinutesForm, PhotoForm, ProblemForm, WalkInForm
from .models import Registration

SEARCH_LIMIT = 30


@staff_required
@pagecache.kept_page
def checkin(request, public_id):
    """Search by name, enterprise or mobile; each confirmed person has a check-in button."""
    event = access.get_event_to_manage(request.user, public_id)
    query = request.GET.get("q", "").strip()[:50]
    found = []
    if query:
        confirmed = (
            event.registrations.filter(status=Registration.Status.CONFIRMED)
            .select_related("enterprise")
            .order_by("person_name", "id")
        )
        found = list(
            confirmed.filter(
                Q(person_name__icontains=query)
                | Q(enterprise__name__icontains=query)
                | Q(organisation_name__icontains=query)
            )[:SEARCH_LIMIT]
        )
        if query.isdigit():
            # Mobile numbers are encrypted at rest (core/fields.py): their last digits are
            # matched here, among this event's confirmed registrations.
            seen = {r.pk for r in found}
            found += [r for r in confirmed if r.pk not in seen and r.mobile.endswith(query)]
            found = sorted(found, key=lambda r: (r.person_name, r.pk))[:SEARCH_LIMIT]
    context = {
        "event": event,
        "query": query,
        "found": found,
        "summary": services.attendance_summary(event),
        "walk_in_form": WalkInForm(),
    }
    return render(request, "events/checkin.html", context)


def _check_in(request, registration):
    try:
        first = services.check_in(registration=registration, actor=request.user)
    except services.TransitionError as error:
        messages.error(request, str(error))
        return
    name = {"name": registration.person_name}
    if first:
        messages.success(request, _("%(name)s is checked in.") % name)
    else:
        messages.warning(request, _("%(name)s was checked in already.") % name)


@staff_required
@pagecache.kept_page
def checkin_scan(request, token):
    """Where a scanned QR code leads: the person, and a button that checks them in."""
    registration = access.get_registration_by_checkin_token(request.user, token)
    if request.method == "POST":
        _check_in(request, registration)
        return redirect("events:checkin_scan", token)
    return render(
        request, "events/scan.html", {"registration": registration, "event": registration.event}
    )


@staff_required
@require_POST
def check_in(request, public_id):
    """The button beside a name found by search; back to the search."""
    registration = access.get_registration(request.user, public_id)
    _check_in(request, registration)
    url = reverse("events:checkin", args=[registration.event.public_id])
    query = request.POST.get("q", "")
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@staff_required
@require_POST
def walk_in(request, public_id):
    event = access.get_event_to_manage(request.user, public_id)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            create_once(
                form,
                lambda: services.add_walk_in(event=event, actor=request.user, **form.cleaned_data),
            )
        except services.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(name)s was added and checked in.")
                % {"name": form.cleaned_data["person_name"]},
            )
    else:
        errors = "; ".join(m for field in form.errors.values() for m in field)
        messages.error(request, _("The walk-in was not added: %(errors)s") % {"errors": errors})
    return redirect("events:checkin", event.public_id)


RECORD_FORMS = {
    "minutes": MinutesForm,
    "photo": PhotoForm,
    "problem": ProblemForm,
    "donation": DonationForm,
}


def _record(form_name, event, actor, form):
    data = form.cleaned_data
    if form_name == "minutes":
        return services.save_minutes(event=event, actor=actor, minutes=data["minutes"])
    if form_name == "photo":
        return services.add_photo_caption(event=event, actor=actor, **data)
    if form_name == "problem":
        return services.record_problem(event=event, actor=actor, **data)
    return services.record_donation(event=event, actor=actor, **data)


@staff_required
@pagecache.kept_page
def record(request, public_id):
    """After the event: minutes, photo captions, problems raised, donations (one form a POST)."""
    event = access.get_event_to_manage(request.user, public_id)
    forms = {name: cls(prefix=name) for name, cls in RECORD_FORMS.items()}
    forms["minutes"] = MinutesForm(prefix="minutes", instance=event)
    which = request.POST.get("form")
    if request.method == "POST" and which in RECORD_FORMS:
        forms[which] = form = RECORD_FORMS[which](request.POST, prefix=which)
        if form.is_valid():
            try:
                create_once(form, lambda: _record(which, event, request.user, form))
            except services.TransitionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Saved."))
                return redirect("events:record", event.public_id)
    context = {
        "event": event,
        "forms": forms,
        "photos": event.photos.all(),
        "problems": event.problems.select_related("enterprise", "petition"),
        "donations": event.donations.select_related("enterprise", "organization"),
        "donation_totals": event.donations.totals(),
    }
    return render(request, "events/record.html", context)

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.html import format_html, format_html_join

from ..listing import BADGES
from ..models import Category, Channel, Rating, Urgency
from ..states import CLOCK_RUNNING, Status

register = template.Library()

LABELS = {
    "category": dict(Category.choices),
    "urgency": dict(Urgency.choices),
    "status": dict(Status.choices),
    "channel": dict(Channel.choices),
    "rating": dict(Rating.choices),
}


@register.filter
def petition_label(value, kind):
    """{{ row.status|petition_label:"status" }}: the label of a choice in a values() row."""
    return LABELS[kind].get(value, value or "")


@register.filter
def overdue(row, now):
    """{% if row|overdue:now %}: a ledger row still open past its reply deadline."""
    return row["status"] in CLOCK_RUNNING and row["reply_due"] < now


@register.filter
def status_badge(status):
    """The Bootstrap colour of a status badge (a filter, cheaper than an include per row)."""
    return BADGES.get(status, "primary")


@register.simple_tag
def fast_select(field):
    """A <select> for a ledger filter, built in Python: Django renders each option through a
    template, which on the ledger cost more than its fifty rows."""
    current = "" if field.value() is None else str(field.value())
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, " selected" if str(value) == current else "", label)
            for value, label in field.field.choices
        ),
    )
    return format_html(
        '<select name="{}" id="{}" class="form-select mb-3">{}</select>',
        field.html_name,
        field.id_for_label,
        options,
    )


@register.inclusion_tag("petitions/_problem_petition.html", takes_context=True)
def problem_petition(context, problem, with_form=True):
    """On an event's pages: the petition opened for a raised problem (number, link, status),
    or, for staff, the form that opens one. The events app names no petition: this tag, loaded
    by its templates, keeps the dependency pointing from petitions to events."""
    from ..forms import PetitionFromProblemForm

    try:
        petition = problem.petition
    except ObjectDoesNotExist:
        petition = None
    user = context.get("user")
    form = None
    if with_form and petition is None and user is not None and user.is_staff:
        form = PetitionFromProblemForm(
            problem=problem, initial={"category": Category.OTHER}, prefix=f"problem-{problem.pk}"
        )
        if "enterprise" in form.fields:
            # The same list of enterprises for every problem on the page, read once.
            choices = context.render_context.get("problem_petition_enterprises")
            if choices is None:
                choices = list(form.fields["enterprise"].choices)
                context.render_context["problem_petition_enterprises"] = choices
            form.fields["enterprise"].choices = choices
    event = context.get("event")
    if event is None or event.pk != problem.event_id:
        event = problem.event
    return {
        "problem": problem,
        "event_id": event.public_id,
        "petition": petition,
        "form": form,
        "csrf_token": context.get("csrf_token"),
    }

from django import template
from django.utils.html import format_html, format_html_join

from ..ledger import BADGES
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

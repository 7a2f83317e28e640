from django import template
from django.core.exceptions import ObjectDoesNotExist

from ..listing import BADGES
from ..models import Category

register = template.Library()


@register.filter
def status_badge(status):
    """The Bootstrap colour of a status badge (a filter, cheaper than an include per row)."""
    return BADGES.get(status, "primary")


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

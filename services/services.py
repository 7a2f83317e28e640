"""Use cases of the services app: recording a service given to member enterprises, changing
it, and an enterprise rating what it received.

The rules of a record are in `check_record` (its givers and its outcome in its field's
terms) and `check_recipients` (who it may be given to); each raises a ValidationError keyed
by field, which the staff form, the chamber's form and the admin show where it belongs. Who may
record is checked here too (PermissionDenied), whatever the page that calls.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from chambers.models import Affiliation
from members.models import Enterprise
from notices.services import notify_each

from .access import can_record_for
from .models import ServiceField, ServiceRecipient, ServiceRecord

RECORD_FIELDS = [
    "field", "what", "given_on", "staff_member", "organization", "partner", "loan_yuan", "bank",
    "legal_hours", "legal_matter", "people_placed", "outcome", "petition", "event",
    "policy",
]  # fmt: skip
# The outcome figures of each field's terms: kept empty on a record of another field.
TERM_FIELDS = {
    ServiceField.Terms.FINANCE: ("loan_yuan", "bank"),
    ServiceField.Terms.LEGAL: ("legal_hours", "legal_matter"),
    ServiceField.Terms.TALENT: ("people_placed",),
}
RATED = [choice for choice in ServiceRecipient.Rating.values if choice != "unrated"]


def _only(fields: dict, allowed: list[str]) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return fields


def _is_set(value) -> bool:
    return value not in (None, "")


def check_record(record: ServiceRecord) -> None:
    """Someone gave it, and its outcome figures are those of its field."""
    errors = {}
    if not (record.staff_member_id or record.organization_id or record.partner_id):
        errors[NON_FIELD_ERRORS] = [
            _("Name who gave the service: a staff member, a chamber or a partner.")
        ]
    terms = record.field.terms if record.field_id else None
    for name, message in [
        ("loan_yuan", _("A loan is recorded for a finance service only.")),
        ("bank", _("A lending bank is recorded for a finance service only.")),
        ("legal_hours", _("Hours of legal advice are recorded for a legal service only.")),
        ("legal_matter", _("A legal matter is recorded for a legal service only.")),
        ("people_placed", _("People placed are recorded for a talent service only.")),
    ]:
        if _is_set(getattr(record, name)) and name not in TERM_FIELDS.get(terms, ()):
            errors[name] = [message]
    if errors:
        raise ValidationError(errors)


def _names(enterprises) -> str:
    return "、".join(enterprise.name for enterprise in enterprises)


def check_recipients(enterprises, *, actor, organization) -> None:
    """At least one enterprise, every one a current member of the federation; one served by
    a chamber's keeper (not staff) is also a current member of that chamber."""
    if not enterprises:
        raise ValidationError({"enterprises": _("Name at least one enterprise served.")})
    not_members = [e for e in enterprises if e.status != Enterprise.Status.MEMBER]
    if not_members:
        raise ValidationError(
            {
                "enterprises": _("Not current members of the federation: %(names)s.")
                % {"names": _names(not_members)}
            }
        )
    if actor.is_staff:
        return
    in_chamber = set(
        Affiliation.objects.filter(
            organization=organization,
            left_on__isnull=True,
            enterprise__in=[e.pk for e in enterprises],
        ).values_list("enterprise_id", flat=True)
    )
    outside = [e for e in enterprises if e.pk not in in_chamber]
    if outside:
        raise ValidationError(
            {
                "enterprises": _("Not members of %(chamber)s: %(names)s.")
                % {"chamber": organization.name, "names": _names(outside)}
            }
        )


def _check_may_record(actor, organization) -> None:
    if not can_record_for(actor, organization):
        raise PermissionDenied(_("You may record services only for your own chamber."))


def _unique(enterprises) -> list:
    return list({enterprise.pk: enterprise for enterprise in enterprises}.values())


def record_service(*, actor, enterprises, **fields) -> ServiceRecord:
    """Record one service given to `enterprises`, each to rate it. Staff record any service;
    a chamber's president or secretary-general records the chamber's services to its own
    member enterprises (the record names the chamber as a giver)."""
    record = ServiceRecord(**_only(fields, RECORD_FIELDS), recorded_by=actor)
    enterprises = _unique(enterprises)
    with transaction.atomic():
        _check_may_record(actor, record.organization)
        record.full_clean(validate_constraints=False)  # check_record says it better
        check_record(record)
        check_recipients(enterprises, actor=actor, organization=record.organization)
        record._history_user = actor
        record.save()
        _add_recipients(record, enterprises, actor=actor)
    return record


def _add_recipients(record: ServiceRecord, enterprises, *, actor) -> None:
    """The enterprises served (each with its history row), asked to rate the service."""
    bulk_create_with_history(
        [ServiceRecipient(record=record, enterprise=e) for e in enterprises],
        ServiceRecipient,
        default_user=actor,
    )
    _ask_for_ratings(record, enterprises)


def _ask_for_ratings(record: ServiceRecord, enterprises) -> None:
    """The served enterprises' users hear of it, to rate it (once each, in the background)."""
    notify_each(
        get_user_model().objects.filter(enterprise__in=[e.pk for e in enterprises], is_active=True),
        kind="service_recorded",
        key=f"service_recorded:{record.pk}",
        context={"record": record},
        link=reverse("services:mine"),
    )


def change_service(*, record: ServiceRecord, actor, enterprises=None, **changes) -> ServiceRecord:
    """Change a service's details and, when `enterprises` is given, whom it was given to: new
    enterprises are added, those left out removed, unless they have rated it already."""
    _only(changes, RECORD_FIELDS)
    with transaction.atomic():
        record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
        _check_may_record(actor, record.organization)
        for name, value in changes.items():
            setattr(record, name, value)
        _check_may_record(actor, record.organization)
        record.full_clean(validate_constraints=False)  # check_record says it better
        check_record(record)
        if enterprises is not None:
            _change_recipients(record, _unique(enterprises), actor=actor)
        elif not actor.is_staff:  # the chamber changed: its members still
            current = [r.enterprise for r in record.recipients.select_related("enterprise")]
            check_recipients(current, actor=actor, organization=record.organization)
        record._history_user = actor
        record.save()
    return record


def _change_recipients(record, enterprises, *, actor) -> None:
    if not enterprises:
        raise ValidationError({"enterprises": _("Name at least one enterprise served.")})
    wanted = {enterprise.pk for enterprise in enterprises}
    current = {r.enterprise_id: r for r in record.recipients.select_related("enterprise")}
    added = [e for e in enterprises if e.pk not in current]
    if added:  # an enterprise served then and gone since stays on the record it was served in
        check_recipients(added, actor=actor, organization=record.organization)
    leaving = [r for pk, r in current.items() if pk not in wanted]
    rated = [r.enterprise for r in leaving if r.rating != ServiceRecipient.Rating.UNRATED]
    if rated:
        raise ValidationError(
            {
                "enterprises": _("These enterprises have rated the service and stay: %(names)s.")
                % {"names": _names(rated)}
            }
        )
    for recipient in leaving:
        recipient._history_user = actor
        recipient.delete()
    _add_recipients(record, added, actor=actor)


def rate_service(*, actor, recipient: ServiceRecipient, rating: str) -> ServiceRecipient:
    """The enterprise's rating of a service it received, by one of its own users (who may
    change it later; every rating is kept in history)."""
    if not (
        actor.is_authenticated
        and actor.is_member_user
        and actor.enterprise_id == recipient.enterprise_id
    ):
        raise PermissionDenied(_("Only the enterprise served rates a service."))
    if rating not in RATED:
        raise ValidationError({"rating": _("Choose a rating.")})
    with transaction.atomic():
        # The service first, as change_service locks it: an edit taking this enterprise off
        # the service and this rating are one after the other, never both.
        ServiceRecord.objects.select_for_update().filter(pk=recipient.record_id).first()
        recipient = ServiceRecipient.objects.select_for_update().filter(pk=recipient.pk).first()
        if recipient is None:
            raise Http404("The service is no longer recorded for this enterprise.")
        recipient.rating = rating
        recipient.rated_at = timezone.now()
        recipient.rated_by = actor
        recipient._history_user = actor
        recipient.save(update_fields=["rating", "rated_at", "rated_by"])
    return recipient

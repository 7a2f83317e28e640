"""Use cases of visits: plan, record, cancel, the problems found and their petitions.

Staff only, each one transaction; a visit changing state is locked first, so two members of
staff recording and cancelling it at once leave it in one state or the other. A refusal is a
`VisitRefused` with a message for the person and nothing saved.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chambers.models import DutyLogEntry
from petitions import services as petition_services
from petitions.models import Category, Channel, Petition

from .models import Finding, Visit


class VisitRefused(Exception):
    """What was asked does not fit the visit as it is; the message says why."""


def _check_staff(actor) -> None:
    if not actor.is_staff:
        raise PermissionDenied


def _save(obj, *, actor, fields=None) -> None:
    obj._history_user = actor
    obj.save(update_fields=fields) if fields else obj.save()


def _locked(visit: Visit) -> Visit:
    return Visit.objects.select_for_update().get(pk=visit.pk)


def plan_visit(
    *,
    actor,
    planned_on,
    enterprises=(),
    organizations=(),
    visitors=(),
    other_visitors="",
    purpose="",
) -> Visit:
    """A visit planned for a day, to one or more enterprises and/or chambers."""
    _check_staff(actor)
    if not enterprises and not organizations:
        raise VisitRefused(_("Choose at least one enterprise or chamber to visit."))
    with transaction.atomic():
        visit = Visit(
            planned_on=planned_on,
            purpose=purpose.strip(),
            other_visitors=other_visitors.strip(),
            created_by=actor,
        )
        _save(visit, actor=actor)
        visit.enterprises.set(enterprises)
        visit.organizations.set(organizations)
        visit.visitors.set(visitors)
    return visit


def _check_duty_log_entry(visit: Visit, entry: DutyLogEntry | None) -> None:
    if entry is None:
        return
    if entry.kind != DutyLogEntry.Kind.VISIT:
        raise VisitRefused(_("Only a duty-log entry of the kind “visit to members” can be linked."))
    # Locked: two visits linking the same entry at once would otherwise both pass the check.
    DutyLogEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if Visit.objects.filter(duty_log_entry=entry).exclude(pk=visit.pk).exists():
        raise VisitRefused(_("That duty-log entry already records another visit."))


def record_visit(
    *,
    actor,
    visit: Visit,
    done_on,
    met="",
    found="",
    visitors=None,
    other_visitors=None,
    duty_log_entry=None,
) -> Visit:
    """The visit as made: the day, whom they met, what they found, who went (when given) and
    the duty-log entry that records it. A planned visit becomes done; a done one is corrected.
    A cancelled visit is not recorded."""
    _check_staff(actor)
    if done_on > timezone.localdate():
        raise VisitRefused(_("A visit is recorded on or after the day it was made."))
    with transaction.atomic():
        visit = _locked(visit)
        if visit.status == Visit.Status.CANCELLED:
            raise VisitRefused(_("This visit was cancelled: plan a new one."))
        _check_duty_log_entry(visit, duty_log_entry)
        visit.status = Visit.Status.DONE
        visit.done_on = done_on
        visit.met = met.strip()
        visit.found = found.strip()
        visit.duty_log_entry = duty_log_entry
        fields = ["status", "done_on", "met", "found", "duty_log_entry"]
        if other_visitors is not None:
            visit.other_visitors = other_visitors.strip()
            fields.append("other_visitors")
        _save(visit, actor=actor, fields=fields)
        if visitors is not None:
            visit.visitors.set(visitors)
    return visit


def cancel_visit(*, actor, visit: Visit, reason: str) -> Visit:
    """A planned visit called off, with the reason. A visit made stays made."""
    _check_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise VisitRefused(_("Give the reason for cancelling."))
    with transaction.atomic():
        visit = _locked(visit)
        if visit.status != Visit.Status.PLANNED:
            raise VisitRefused(_("Only a planned visit can be cancelled."))
        visit.status = Visit.Status.CANCELLED
        visit.cancel_reason = reason
        _save(visit, actor=actor, fields=["status", "cancel_reason"])
    return visit


def add_finding(*, actor, visit: Visit, enterprise, text: str) -> Finding:
    """A problem found on a visit made, for an enterprise it visited (or, on a visit to a
    chamber, for any member enterprise)."""
    _check_staff(actor)
    text = (text or "").strip()
    if not text:
        raise VisitRefused(_("Describe the problem found."))
    with transaction.atomic():
        visit = _locked(visit)
        if visit.status != Visit.Status.DONE:
            raise VisitRefused(_("Record the visit as made before adding what was found."))
        visited = visit.enterprises.filter(pk=enterprise.pk).exists()
        if not visited and not visit.organizations.exists():
            raise VisitRefused(_("%(name)s was not visited on this visit.") % {"name": enterprise})
        finding = Finding(visit=visit, enterprise=enterprise, text=text, recorded_by=actor)
        _save(finding, actor=actor)
    return finding


def finding_to_petition(*, actor, finding: Finding, category: str, now=None):
    """File the problem found as a petition on the enterprise's behalf, channel "survey
    visit", and link it to the finding. Returns (petition, created).

    Once per finding: its row is locked while its petition is looked for, so a second click
    (or a second member of staff) gets the first petition back.
    """
    _check_staff(actor)
    with transaction.atomic():
        # The petition is read apart: joined to the locked row, a petition filed meanwhile
        # would not be seen by the second click that waited for the lock.
        finding = (
            Finding.objects.select_for_update(of=("self",))
            .select_related("enterprise")
            .get(pk=finding.pk)
        )
        if finding.petition_id is not None:
            return Petition.objects.get(pk=finding.petition_id), False
        if category not in Category.values:
            raise VisitRefused(_("Choose the petition's category."))
        petition = petition_services.file_petition(
            actor=actor,
            enterprise=finding.enterprise,
            category=category,
            title=petition_services.title_from_text(finding.text),
            description=finding.text,
            channel=Channel.SURVEY_VISIT,
            now=now,
        )
        finding.petition = petition
        _save(finding, actor=actor, fields=["petition"])
    return petition, True

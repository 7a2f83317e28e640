"""Use cases of the petitions app: filing, each handling action, suggestions, departments.

Every handling action is one function, keyword-only, with the acting user and the version of
the petition they saw (`expected_version`). Each runs in one transaction: it claims the row
with `UPDATE … WHERE version = expected` (a second person acting on the same version gets a
ConflictError and nothing of theirs is saved), checks the transition against
petitions.states.TRANSITIONS, saves the petition, appends a timeline entry and records its
notices. The tallies behind the three rates are refreshed once the transaction commits.
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, RaisedProblem
from notices.services import notify, notify_each

from . import deadlines, metrics
from .models import (
    Attachment,
    Category,
    Channel,
    Department,
    Petition,
    PetitionEvent,
    Rating,
    Suggestion,
    TrackingCounter,
)
from .states import (
    FIRST_RESPONSE_ACTIONS,
    TRANSITIONS,
    Action,
    Status,
    TransitionRefused,
    target_of,
)

User = get_user_model()

__all__ = ["ConflictError", "TransitionRefused"]

TRACKING_PREFIX = "YQ"
LEADS_GROUP = "petition_leads"


class ConflictError(Exception):
    """Someone else changed the petition after this person opened it; nothing was saved."""


def petition_link(petition: Petition) -> str:
    return reverse("petitions:detail", args=[petition.public_id])


def enterprise_recipients(petition: Petition) -> list:
    """Who hears about the petition on the enterprise's side: its filer when they act for
    the enterprise, otherwise (a petition staff recorded) the enterprise's active users."""
    filer = petition.filed_by
    if filer.enterprise_id == petition.enterprise_id and filer.is_active:
        return [filer]
    return list(User.objects.filter(enterprise_id=petition.enterprise_id, is_active=True))


def staff_leads():
    """The secretariat's leads (members of the `petition_leads` group), or all staff."""
    leads = User.objects.active_staff().filter(groups__name=LEADS_GROUP)
    return leads if leads.exists() else User.objects.active_staff()


def next_tracking_number(year: int) -> str:
    """YQ-2026-000123: the next number of the year; call inside a transaction."""
    TrackingCounter.objects.get_or_create(year=year)
    counter = TrackingCounter.objects.select_for_update().get(year=year)
    while True:
        counter.last += 1
        number = f"{TRACKING_PREFIX}-{year}-{counter.last:06d}"
        if not Petition.objects.filter(tracking_number=number).exists():
            break
    counter.save(update_fields=["last"])
    return number


def save_attachments(*, petition, event, files, actor, visible=True) -> list[Attachment]:
    saved = []
    for upload in files or []:
        attachment = Attachment(
            petition=petition,
            event=event,
            original_name=(upload.name or "file")[-200:],
            size=upload.size,
            content_type=getattr(upload, "content_type", "") or "application/octet-stream",
            visible_to_enterprise=visible,
            uploaded_by=actor,
        )
        attachment.file.save(upload.name or "file", upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def file_petition(
    *,
    actor,
    enterprise,
    category: str,
    title: str,
    description: str,
    urgency: str = "normal",
    anonymous_sharing: bool = False,
    channel: str = "online",
    source_event=None,
    raised_problem=None,
    files=(),
    now=None,
) -> Petition:
    """Record a petition with its tracking number and deadlines.

    An enterprise user files for its own enterprise; staff record one on an enterprise's
    behalf from another channel. The enterprise is acknowledged and staff told, at once.
    """
    if not actor.is_staff and actor.enterprise_id != enterprise.pk:
        raise PermissionDenied
    now = now or timezone.now()
    limits = deadlines.limits_for(category, urgency)
    calendar = deadlines.current_calendar()
    with transaction.atomic():
        petition = Petition(
            tracking_number=next_tracking_number(timezone.localtime(now).year),
            enterprise=enterprise,
            filed_by=actor,
            channel=channel,
            source_event=source_event,
            raised_problem=raised_problem,
            category=category,
            urgency=urgency,
            title=title.strip(),
            description=description.strip(),
            anonymous_sharing=anonymous_sharing,
            created_at=now,
            first_response_due=deadlines.first_response_due(now, limits),
            reply_due=deadlines.reply_due(now, limits, is_complex=False, calendar=calendar),
        )
        petition._history_user = actor
        petition.save()
        event = PetitionEvent.objects.create(
            petition=petition,
            actor=actor,
            at=now,
            action=Action.FILE,
            to_status=Status.SUBMITTED,
            visible_to_enterprise=True,
            details={"channel": channel}
            | ({"event": source_event.title} if source_event is not None else {}),
        )
        save_attachments(petition=petition, event=event, files=files, actor=actor)
        link = petition_link(petition)
        notify_each(
            enterprise_recipients(petition),
            kind="petition_received",
            key=f"petition_received:{petition.pk}",
            context={"petition": petition},
            link=link,
        )
        notify_each(
            User.objects.active_staff().exclude(pk=actor.pk),
            kind="petition_new",
            key=f"petition_new:{petition.pk}",
            context={"petition": petition},
            link=link,
        )
        _refresh_tallies_on_commit(petition)
    return petition


def channel_for_event(event) -> str:
    """The channel of a petition raised at `event`: its kind of meeting."""
    return {
        Event.Kind.BREAKFAST: Channel.BREAKFAST,
        Event.Kind.APPEAL_FORUM: Channel.APPEAL_FORUM,
    }.get(event.kind, Channel.MEETING)


def title_from_text(text: str) -> str:
    """A petition title from a problem's text: its first sentence, within the title's length."""
    text = " ".join((text or "").split())
    first = re.split(r"(?<=[。！？!?；;])", text, maxsplit=1)[0].rstrip("。；;")
    limit = Petition._meta.get_field("title").max_length
    return first if len(first) <= limit else first[: limit - 1] + "…"


def petition_from_problem(*, actor, problem, category: str, enterprise=None, now=None):
    """Open a petition for a problem raised at an event: the enterprise, the event and the
    text carried over, the channel that of the meeting. Returns (petition, created).

    One problem makes at most one petition: the problem row is locked while its petition is
    looked for, so a second click (or a second member of staff) gets the first one back. A
    problem whose enterprise was not recorded (a guest raised it) needs `enterprise`.
    """
    if not actor.is_staff:
        raise PermissionDenied
    with transaction.atomic():
        problem = (
            RaisedProblem.objects.select_for_update(of=("self",))
            .select_related("event", "enterprise")
            .get(pk=problem.pk)
        )
        existing = Petition.objects.filter(raised_problem=problem).first()
        if existing is not None:
            return existing, False
        enterprise = problem.enterprise or enterprise
        if enterprise is None:
            raise TransitionRefused(
                _("No enterprise was recorded with this problem: choose the one it concerns.")
            )
        if category not in Category.values:
            raise TransitionRefused(_("Choose the petition's category."))
        petition = file_petition(
            actor=actor,
            enterprise=enterprise,
            category=category,
            title=title_from_text(problem.text),
            description=problem.text,
            channel=channel_for_event(problem.event),
            source_event=problem.event,
            raised_problem=problem,
            now=now,
        )
    return petition, True


def _refresh_tallies_on_commit(*petitions):
    keys = {metrics.tally_key(p) for p in petitions if p is not None}
    transaction.on_commit(lambda: metrics.refresh_tallies(keys), robust=True)


def _check_actor(petition, actor, action):
    if actor.is_staff:
        return
    if TRANSITIONS[action].by_enterprise and actor.enterprise_id == petition.enterprise_id:
        return
    raise PermissionDenied


def _apply(
    petition,
    *,
    actor,
    expected_version: int,
    action: str,
    note: str = "",
    visible: bool = False,
    changes: dict | None = None,
    details: dict | None = None,
    files=(),
    now=None,
    prepare=None,
):
    """The common part of every action: claim the version, check, save, record.

    `prepare(current, now)` may compute further changes from the current row (after the
    version check); it returns a dict of field values.
    """
    now = now or timezone.now()
    _check_actor(petition, actor, action)
    with transaction.atomic():
        current = Petition.objects.select_related("filed_by").get(pk=petition.pk)
        if current.version != expected_version:
            raise ConflictError(conflict_message(current))
        before = metrics.tally_key(current)
        from_status = current.status
        to_status = target_of(action, from_status)
        values = dict(changes or {})
        if prepare is not None:
            values.update(prepare(current, now))
        values["status"] = to_status
        if action in FIRST_RESPONSE_ACTIONS and current.responded_at is None:
            values["responded_at"] = now
            values["responded_in_time"] = now <= current.first_response_due
        claimed = Petition.objects.filter(pk=current.pk, version=expected_version).update(
            version=expected_version + 1
        )
        if not claimed:
            raise ConflictError(conflict_message(Petition.objects.get(pk=current.pk)))
        for name, value in values.items():
            setattr(current, name, value)
        current.version = expected_version + 1
        current._history_user = actor
        current._change_reason = action
        current.save(update_fields=list(values))
        event = PetitionEvent.objects.create(
            petition=current,
            actor=actor,
            at=now,
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=(note or "").strip(),
            visible_to_enterprise=visible,
            details=details or {},
        )
        save_attachments(petition=current, event=event, files=files, actor=actor, visible=visible)
        if visible:
            _tell_enterprise(current, event)
        _refresh_tallies_on_commit(current)
        if metrics.tally_key(current) != before:
            transaction.on_commit(lambda: metrics.refresh_tallies({before}), robust=True)
    return current, event


def conflict_message(current: Petition) -> str:
    return _(
        "This petition was changed by someone else since you opened it (it is now “%(status)s”). "
        "Nothing of yours was saved: look at the latest state below and try again."
    ) % {"status": current.get_status_display()}


def _tell_enterprise(petition, event):
    kind = "petition_rate_request" if event.action == Action.REPLY else "petition_update"
    notify_each(
        enterprise_recipients(petition),
        kind=kind,
        key=f"{kind}:{event.pk}",
        context={"petition": petition, "event": event},
        link=petition_link(petition),
    )


def _tell_handling_side(petition, event, *, kind="petition_update"):
    notify_each(
        [petition.handler] if petition.handler_id else User.objects.active_staff(),
        kind=kind,
        key=f"{kind}:{event.pk}",
        context={"petition": petition, "event": event},
        link=petition_link(petition),
    )


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise TransitionRefused(message)
    return text


# --- Handling actions -------------------------------------------------------------------------


def accept_petition(*, petition, actor, expected_version, note="", is_complex=False, now=None):
    """Accept for handling; a complex case gets the longer reply limit from the filing date."""

    def prepare(current, now):
        if not is_complex:
            return {}
        limits = deadlines.limits_for(current.category, current.urgency)
        calendar = deadlines.current_calendar()
        due = deadlines.reply_due(current.created_at, limits, is_complex=True, calendar=calendar)
        return {"is_complex": True, "reply_due": max(due, current.reply_due)}

    return _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=Action.ACCEPT,
        note=note,
        visible=True,
        prepare=prepare,
        now=now,
    )[0]


def decline_petition(*, petition, actor, expected_version, reason, now=None):
    """Decline with a reason the enterprise sees."""
    reason = _required(reason, _("Give the reason for declining."))
    return _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=Action.DECLINE,
        note=reason,
        visible=True,
        changes={"decline_reason": reason},
        now=now,
    )[0]


def merge_petition(*, petition, actor, expected_version, into, note="", now=None):
    """Merge a duplicate into another open petition; the enterprise is told which one."""
    if into is None or into.pk == petition.pk:
        raise TransitionRefused(_("Choose another petition to merge this one into."))
    if not into.is_open:
        raise TransitionRefused(_("A petition can only be merged into one still being handled."))
    return _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=Action.MERGE,
        note=note or _("Merged into %(number)s.") % {"number": into.tracking_number},
        visible=True,
        changes={"merged_into": into},
        details={"into": into.tracking_number},
        now=now,
    )[0]


def dispatch_petition(*, petition, actor, expected_version, handler, note="", now=None):
    """Give the petition to a member of staff to handle; they are told."""
    if handler is None or not handler.is_staff:
        raise TransitionRefused(_("Choose a member of staff as the handler."))
    petition, event = _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=Action.DISPATCH,
        note=note,
        changes={"handler": handler},
        details={"handler": handler.real_name},
        now=now,
    )
    if handler.pk != actor.pk:
        notify(
            recipient=handler,
            kind="petition_assigned",
            key=f"petition_assigned:{event.pk}",
            context={"petition": petition, "event": event},
            link=petition_link(petition),
        )
    return petition


def forward_petition(
    *, petition, actor, expected_version, department, reference="", note="", now=None
):
    """Forward to a government department, with the department's own reference number."""
    if department is None:
        raise TransitionRefused(_("Choose the department."))
    return _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=Action.FORWARD,
        note=note or _("Forwarded to %(department)s.") % {"department": department},
        visible=True,
        changes={"department": department, "department_reference": (reference or "").strip()},
        details={"department": department.name, "reference": (reference or "").strip()},
        now=now,
    )[0]


def start_progress(*, petition, actor, expected_version, note="", now=None):
    return _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=Action.START,
        note=note,
        visible=bool(note),
        now=now,
    )[0]


def request_information(*, petition, actor, expected_version, question, now=None):
    """Ask the enterprise for more; the reply clock stops until it answers."""
    question = _required(question, _("Say what the enterprise should add."))
    return _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=Action.REQUEST_INFO,
        note=question,
        visible=True,
        prepare=lambda current, now: {"paused_at": now},
        now=now,
    )[0]


def provide_information(*, petition, actor, expected_version, text, files=(), now=None):
    """The enterprise answers; the clock restarts and the deadline moves by the pause."""
    text = _required(text, _("Write the information you add."))

    def prepare(current, now):
        if current.paused_at is None:
            return {}
        calendar = deadlines.current_calendar()
        due = deadlines.after_pause(current.reply_due, current.paused_at, now, calendar=calendar)
        return {"paused_at": None, "reply_due": due}

    petition, event = _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=Action.PROVIDE_INFO,
        note=text,
        visible=True,
        files=files,
        prepare=prepare,
        now=now,
    )
    _tell_handling_side(petition, event)
    return petition


def post_update(*, petition, actor, expected_version, note, visible=False, now=None):
    """An interim update: an internal note, or a message the enterprise sees."""
    note = _required(note, _("Write the update."))
    return _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=Action.UPDATE,
        note=note,
        visible=visible,
        now=now,
    )[0]


def reply_petition(*, petition, actor, expected_version, text, files=(), now=None):
    """The answer to the enterprise, which is then asked to rate it."""
    text = _required(text, _("Write the reply."))

    def prepare(current, now):
        values = {"replied_at": now, "replied_late": now > current.reply_due}
        if current.first_replied_at is None:
            values["first_replied_at"] = now
        return values

    return _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=Action.REPLY,
        note=text,
        visible=True,
        files=files,
        prepare=prepare,
        now=now,
    )[0]


def rate_petition(*, petition, actor, expected_version, rating, comment="", now=None):
    """The enterprise rates the reply; unsatisfied reopens the petition for rework."""
    if rating not in Rating.values:
        raise TransitionRefused(_("Choose a rating."))
    action = Action.REOPEN if rating == Rating.UNSATISFIED else Action.RATE

    def prepare(current, now):
        values = {"rating": rating, "rating_comment": (comment or "").strip(), "rated_at": now}
        if action == Action.REOPEN:
            values["reopen_count"] = current.reopen_count + 1
        return values

    petition, event = _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=action,
        note=comment,
        visible=True,
        prepare=prepare,
        details={"rating": rating},
        now=now,
    )
    if action == Action.REOPEN:
        _tell_handling_side(petition, event)
    return petition


def close_petition(*, petition, actor, expected_version, note="", now=None):
    return _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=Action.CLOSE,
        note=note,
        visible=True,
        prepare=lambda current, now: {"closed_at": now},
        now=now,
    )[0]


def extend_deadline(*, petition, actor, expected_version, working_days: int, reason, now=None):
    """An extension (延期): the reply deadline moves on by `working_days`."""
    reason = _required(reason, _("Give the reason for the extension."))
    if not 1 <= int(working_days) <= 60:
        raise TransitionRefused(_("An extension is 1 to 60 working days."))

    def prepare(current, now):
        due = deadlines.extended(
            current.reply_due, int(working_days), calendar=deadlines.current_calendar()
        )
        return {"reply_due": due, "extensions": current.extensions + 1}

    return _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=Action.EXTEND,
        note=reason,
        visible=True,
        prepare=prepare,
        details={"working_days": int(working_days)},
        now=now,
    )[0]


def escalate_petition(*, petition, actor, expected_version, note, now=None):
    """Escalation (督办): recorded on the timeline, and the secretariat's leads are told."""
    note = _required(note, _("Say why it is escalated."))
    petition, event = _apply(
        petition,
        actor=actor,
        expected_version=expected_version,
        action=Action.ESCALATE,
        note=note,
        prepare=lambda current, now: {"escalated_at": now},
        now=now,
    )
    notify_each(
        staff_leads(),
        kind="petition_escalated",
        key=f"petition_escalated:{event.pk}",
        context={"petition": petition, "event": event},
        link=petition_link(petition),
    )
    return petition


# --- Suggestions --------------------------------------------------------------------------------


def submit_suggestion(*, actor, kind, title, text) -> Suggestion:
    """A member's or staff member's suggestion or social-condition report."""
    suggestion = Suggestion(
        kind=kind,
        title=title.strip(),
        text=text.strip(),
        author=actor,
        enterprise_id=actor.enterprise_id,
    )
    suggestion._history_user = actor
    suggestion.save()
    return suggestion


def record_routing(*, suggestion, actor, form) -> Suggestion:
    """Staff record where a suggestion went and what became of it; history keeps each change."""
    with transaction.atomic():
        suggestion = form.save(commit=False)
        suggestion._history_user = actor
        suggestion.save()
    return suggestion


# --- Departments --------------------------------------------------------------------------------
#
# Staff keep the departments petitions are forwarded to in the admin, whose add and change pages
# call these services, as the demo does; check_department holds the rules the form shows.

DEPARTMENT_FIELDS = ["name", "code", "contact_name", "contact_phone", "is_active"]


def _only(fields: dict, allowed: list[str]) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return fields


def check_department(department: Department) -> None:
    """Its fields, its name and code each once."""
    department.name = (department.name or "").strip()
    department.full_clean()


def _save_department(department: Department, actor) -> Department:
    check_department(department)
    department._history_user = actor
    try:
        with transaction.atomic():
            department.save()
    except IntegrityError:  # the same name or code, saved by someone else at the same moment
        taken = [
            field
            for field in ("name", "code")
            if Department.objects.filter(**{field: getattr(department, field)})
            .exclude(pk=department.pk)
            .exists()
        ] or ["name"]
        raise ValidationError(
            {field: department.unique_error_message(Department, [field]) for field in taken}
        ) from None
    return department


def add_department(*, actor, **fields) -> Department:
    """A department petitions can be forwarded to."""
    return _save_department(Department(**_only(fields, DEPARTMENT_FIELDS)), actor)


def change_department(*, department: Department, actor, **changes) -> Department:
    """Correct a department, or make it inactive (it is no longer offered)."""
    with transaction.atomic():
        department = Department.objects.select_for_update().get(pk=department.pk)
        for name, value in _only(changes, DEPARTMENT_FIELDS).items():
            setattr(department, name, value)
        return _save_department(department, actor)

"""The petition's status flow (接-派-办-评, docs/domain.md, Petitions) as data: pure, no database.

Each action names the statuses it may start from and the status it leads to (None: the status
stays as it is — an interim update, an extension, an escalation). The services look actions up
here, and the state-machine tests walk this table: every allowed pair must work, every other
pair must be refused.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged into another petition")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the enterprise")
    REPLIED = "replied", _("Replied")
    RATED = "rated", _("Rated")
    REOPENED = "reopened", _("Reopened for rework")
    CLOSED = "closed", _("Closed")


class Action(models.TextChoices):
    FILE = "file", _("Filed")
    ACCEPT = "accept", _("Accepted")
    DECLINE = "decline", _("Declined")
    MERGE = "merge", _("Merged into a duplicate")
    DISPATCH = "dispatch", _("Dispatched to a handler")
    FORWARD = "forward", _("Forwarded to a department")
    START = "start", _("Work started")
    REQUEST_INFO = "request_info", _("Information requested from the enterprise")
    PROVIDE_INFO = "provide_info", _("Information provided by the enterprise")
    UPDATE = "update", _("Update")
    REPLY = "reply", _("Replied")
    RATE = "rate", _("Rated")
    REOPEN = "reopen", _("Rated unsatisfied: reopened")
    CLOSE = "close", _("Closed")
    EXTEND = "extend", _("Deadline extended")
    ESCALATE = "escalate", _("Escalated")


S = Status
# Still being handled: reminders, overdue alerts and the open-ledger filter look at these.
OPEN = frozenset({S.SUBMITTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.WAITING, S.REOPENED})
# Being handled with the reply clock running (waiting for the enterprise stops it).
CLOCK_RUNNING = OPEN - {S.WAITING}
FINISHED = frozenset({S.DECLINED, S.MERGED, S.CLOSED})


def is_overdue(status, reply_due, now) -> bool:
    """Past its reply deadline with the clock running: `Petition.objects.overdue(now)`'s rule."""
    return status in CLOCK_RUNNING and reply_due < now


HANDLING = frozenset({S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.WAITING, S.REOPENED})


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str | None  # None: the status does not change
    by_enterprise: bool = False  # the enterprise (or staff on its behalf) takes this action


TRANSITIONS: dict[str, Transition] = {
    Action.ACCEPT: Transition(frozenset({S.SUBMITTED}), S.ACCEPTED),
    Action.DECLINE: Transition(frozenset({S.SUBMITTED}), S.DECLINED),
    Action.MERGE: Transition(frozenset({S.SUBMITTED, S.ACCEPTED}), S.MERGED),
    # Dispatching to a handler and forwarding to a department may come in either order, or
    # again (another handler, a second department): both lead to "dispatched".
    Action.DISPATCH: Transition(frozenset({S.ACCEPTED, S.DISPATCHED, S.REOPENED}), S.DISPATCHED),
    Action.FORWARD: Transition(frozenset({S.ACCEPTED, S.DISPATCHED, S.REOPENED}), S.DISPATCHED),
    Action.START: Transition(frozenset({S.DISPATCHED, S.REOPENED}), S.IN_PROGRESS),
    Action.REQUEST_INFO: Transition(
        frozenset({S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.REOPENED}), S.WAITING
    ),
    Action.PROVIDE_INFO: Transition(frozenset({S.WAITING}), S.IN_PROGRESS, by_enterprise=True),
    Action.UPDATE: Transition(
        frozenset({S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.WAITING}), None
    ),
    Action.REPLY: Transition(frozenset({S.DISPATCHED, S.IN_PROGRESS, S.REOPENED}), S.REPLIED),
    Action.RATE: Transition(frozenset({S.REPLIED}), S.RATED, by_enterprise=True),
    Action.REOPEN: Transition(frozenset({S.REPLIED}), S.REOPENED, by_enterprise=True),
    # Closed after the enterprise rated it, or after a reply it never rated (once reminded).
    Action.CLOSE: Transition(frozenset({S.REPLIED, S.RATED}), S.CLOSED),
    Action.EXTEND: Transition(frozenset(HANDLING), None),
    Action.ESCALATE: Transition(frozenset(HANDLING), None),
}

# Actions that count as the federation's first response to the enterprise.
FIRST_RESPONSE_ACTIONS = frozenset(
    {Action.ACCEPT, Action.DECLINE, Action.MERGE, Action.REQUEST_INFO, Action.REPLY}
)


class TransitionRefused(Exception):
    """The action is not allowed in the petition's current status; the message says why."""


def target_of(action: str, status: str) -> str:
    """The status after `action` from `status`, or TransitionRefused with a clear message."""
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        raise TransitionRefused(
            _("A petition that is “%(status)s” cannot be “%(action)s”.")
            % {"status": Status(status).label, "action": Action(action).label}
        )
    return transition.target or status


def allowed_actions(status: str, *, by_enterprise: bool) -> list[str]:
    return [
        action
        for action, t in TRANSITIONS.items()
        if status in t.sources and t.by_enterprise == by_enterprise
    ]

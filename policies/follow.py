"""Following a policy through (申兑): an enterprise's marks, its first reading, its questions.

One `FollowUp` row per policy and enterprise holds when a user of the enterprise first opened
the published policy and the enterprise's latest mark, every change kept in its history. A
question about a policy is a petition of category "policy" (petitions.services.file_petition:
handled, timed and rated like any other), linked to the policy by a `Question`.

Who may do what, as in petitions: a user of a current member asks (files a petition,
petitions.access.can_file); a suspended member's users still mark (their enterprise may
still be eligible, and follows its own petitions through) but no longer ask; a withdrawn
enterprise's users do neither. Every first reading is recorded, with whether the enterprise
matched the policy then (`FollowUp.matched`: the funnel counts its stages over those only).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Enterprise
from petitions import access as petition_access
from petitions import services as petition_services
from petitions.models import Category

from . import eligibility
from .follow_forms import AskForm, MarkForm
from .models import FollowUp, Policy, Question

# The marks an enterprise may set (not "not marked").
MARKS = [state for state in FollowUp.State if state != FollowUp.State.NONE]


def acts_for_enterprise(user) -> bool:
    return user.is_authenticated and not user.is_staff and user.enterprise_id is not None


def may_mark(user) -> bool:
    """A user acting for an enterprise that has not withdrawn (a suspended member too)."""
    return acts_for_enterprise(user) and user.enterprise.status != Enterprise.Status.WITHDRAWN


def may_ask(user) -> bool:
    """A question is a petition: whoever may file one (a user of a current member)."""
    return acts_for_enterprise(user) and petition_access.can_file(user)


def matches(policy: Policy, enterprise: Enterprise) -> bool:
    """Whether the enterprise matches the policy today (the one rule, policies.eligibility)."""
    return eligibility.match(policy, eligibility.facts_of(enterprise)) is not None


def follow_up_of(policy: Policy, user) -> FollowUp | None:
    if not acts_for_enterprise(user):
        return None
    return FollowUp.objects.filter(policy=policy, enterprise_id=user.enterprise_id).first()


def record_read(*, policy: Policy, user) -> FollowUp | None:
    """The first time a user of an enterprise opens a published policy, note when.

    Called by the policy's page before it renders; it writes only that first time (a page
    that writes is not kept, core/pagecache.py: every later reading is). The reading of an
    enterprise that does not match the policy is recorded too, as not matched. Returns the
    enterprise's follow-up, or None for anyone not acting for an enterprise.
    """
    if not acts_for_enterprise(user):
        return None
    follow_up = follow_up_of(policy, user)
    if policy.status != Policy.Status.PUBLISHED or (follow_up and follow_up.read_at):
        return follow_up
    now = timezone.now()
    if follow_up is None:
        try:
            with transaction.atomic():
                return FollowUp.objects.create(
                    policy=policy,
                    enterprise_id=user.enterprise_id,
                    read_at=now,
                    matched=matches(policy, user.enterprise),
                )
        except IntegrityError:  # a colleague opened it at the same moment
            return follow_up_of(policy, user)
    FollowUp.objects.filter(pk=follow_up.pk, read_at__isnull=True).update(read_at=now)
    follow_up.read_at = follow_up.read_at or now
    return follow_up


def mark_policy(*, policy: Policy, actor, state: str, amount: Decimal | None = None) -> FollowUp:
    """Record the enterprise's mark on a published policy, with the amount when granted.

    Only a user acting for an enterprise that has not withdrawn marks, for their own
    enterprise; the amount, more than zero, is required with "granted" and dropped with any
    other mark. Whether the enterprise matches the policy is noted again with each mark. The
    previous mark stays in the follow-up's history.
    """
    if not may_mark(actor):
        raise PermissionDenied
    if policy.status != Policy.Status.PUBLISHED:
        raise ValidationError(_("Only a published policy can be marked."))
    if state not in MARKS:
        raise ValidationError(_("Choose a mark from the list."))
    if state == FollowUp.State.GRANTED and amount is None:
        raise ValidationError(_("Give the amount granted, in yuan."))
    if state == FollowUp.State.GRANTED and amount <= 0:
        raise ValidationError(_("The amount granted must be more than 0 yuan."))
    if state != FollowUp.State.GRANTED:
        amount = None
    matched = matches(policy, actor.enterprise)
    with transaction.atomic():
        follow_up, _created = FollowUp.objects.select_for_update().get_or_create(
            policy=policy, enterprise_id=actor.enterprise_id
        )
        follow_up.state = state
        follow_up.amount = amount
        follow_up.marked_at = timezone.now()
        follow_up.marked_by = actor
        follow_up.matched = matched
        if follow_up.read_at is None:  # marked from the page: it was read
            follow_up.read_at = follow_up.marked_at
        follow_up._history_user = actor
        follow_up.save(
            update_fields=["state", "amount", "marked_at", "marked_by", "read_at", "matched"]
        )
    return follow_up


def ask_about_policy(*, policy: Policy, actor, text: str) -> Question:
    """File the enterprise's question about a published policy as a petition of category
    "policy", linked to the policy; staff are told as of every petition. Only whoever may
    file a petition asks (a user of a current member)."""
    if not may_ask(actor):
        raise PermissionDenied
    if policy.status != Policy.Status.PUBLISHED:
        raise ValidationError(_("Questions can be asked only about a published policy."))
    if not text.strip():
        raise ValidationError(_("Write your question."))
    title = _("Question about “%(title)s”") % {"title": policy.title}
    with transaction.atomic():
        petition = petition_services.file_petition(
            actor=actor,
            enterprise=actor.enterprise,
            category=Category.POLICY,
            title=title[:200],
            description=text,
        )
        return Question.objects.create(policy=policy, petition=petition)


def questions_for(policy: Policy, user) -> list[Question]:
    """The questions about the policy this user may see: staff every one, an enterprise's
    users their enterprise's (as they see its petitions)."""
    questions = Question.objects.filter(policy=policy).select_related("petition")
    if user.is_authenticated and user.is_staff:
        return list(questions.order_by("-petition__created_at"))
    if acts_for_enterprise(user):
        return list(
            questions.filter(petition__enterprise_id=user.enterprise_id).order_by(
                "-petition__created_at"
            )
        )
    return []


def panel(policy: Policy, user) -> dict:
    """What the policy's page needs for the follow-through panel (templates/policies/
    _follow.html), after recording the first reading: the page calls this before rendering."""
    follow_up = record_read(policy=policy, user=user)
    published = policy.status == Policy.Status.PUBLISHED
    can_mark = published and may_mark(user)
    can_ask = published and may_ask(user)
    is_staff = user.is_authenticated and user.is_staff
    return {
        "staff_links": is_staff,
        "can_publish": is_staff and not published,
        "follow_up": follow_up,
        "can_mark": can_mark,
        "mark_form": MarkForm(follow_up=follow_up) if can_mark else None,
        "can_ask": can_ask,
        "ask_form": AskForm() if can_ask else None,
        "questions": questions_for(policy, user),
    }

"""Use cases of the chambers app: the roster, swaps, the duty log, chamber membership."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.months import add_months, month_end, month_range, month_start
from members.models import Enterprise
from members.services import TransitionError
from notices.services import notify, notify_each

from .models import (
    Affiliation,
    DutyChange,
    DutyLogEntry,
    DutyMonth,
    Organization,
    Post,
    SwapRequest,
    Unavailability,
)
from .roster.planner import plan_roster

User = get_user_model()

__all__ = ["TransitionError"]

POSITION_ORDER = {position: i for i, position in enumerate(Post.Position.values)}
KIND_ORDER = {kind: i for i, kind in enumerate(Organization.Kind.values)}


def duty_link(duty_month: DutyMonth) -> str:
    return reverse("roster:month", args=[duty_month.key])


def eligible_posts(day: date) -> dict[int, Post]:
    """Each eligible leader's post, by user id, in the roster's order of precedence.

    The federation's chair and vice-chairs come before chamber presidents; a leader with
    several eligible posts appears once, with the highest.
    """
    posts = Post.objects.eligible_for_duty(day).select_related("term__organization", "holder")
    ordered = sorted(
        posts,
        key=lambda p: (
            KIND_ORDER[p.term.organization.kind],
            POSITION_ORDER[p.position],
            p.started_on,
            p.pk,
        ),
    )
    by_holder: dict[int, Post] = {}
    for post in ordered:
        by_holder.setdefault(post.holder_id, post)
    return by_holder


def save_month(duty_month: DutyMonth, *, actor, reason: str, fields: list[str]):
    duty_month._history_user = actor
    duty_month._change_reason = reason[:100]
    if duty_month.pk:
        duty_month.save(update_fields=fields)
    else:
        duty_month.save()


def generate_roster(*, first: date, last: date, actor) -> list[DutyMonth]:
    """Plan the executive chair for every month from `first` to `last`.

    Confirmed months and months already begun are never touched; the rest are (re)planned
    fairly from the leaders eligible at the start of the range (chambers.roster.planner).
    """
    months = month_range(first, last)
    if not months:
        return []
    with transaction.atomic():
        around = DutyMonth.objects.select_for_update().filter(
            month__gte=add_months(months[0], -1), month__lte=add_months(months[-1], 1)
        )
        existing = {dm.month: dm for dm in around}
        fixed = {m: dm.chair_id for m, dm in existing.items() if dm.is_fixed or m not in months}
        posts = eligible_posts(max(months[0], timezone.localdate()))
        pool = list(posts)
        last_served = {}
        for chair_id, month in DutyMonth.objects.filter(
            month__lt=months[0], chair__isnull=False
        ).values_list("chair_id", "month"):
            last_served[chair_id] = max(month, last_served.get(chair_id, date.min))
        unavailable = set(
            Unavailability.objects.filter(month__in=months).values_list("user_id", "month")
        )
        roster = plan_roster(
            months, pool, fixed=fixed, unavailable=unavailable, last_served=last_served
        )
        result = []
        for month in months:
            duty_month = existing.get(month) or DutyMonth(month=month)
            chair_id = roster[month]
            if month not in fixed and (duty_month.pk is None or duty_month.chair_id != chair_id):
                duty_month.chair_id = chair_id
                duty_month.post = posts.get(chair_id)
                save_month(
                    duty_month, actor=actor, reason=DutyChange.PLANNED, fields=["chair", "post"]
                )
            result.append(duty_month)
    return result


def assign_duty_month(*, duty_month: DutyMonth, chair, status: str, actor, reason: str):
    """Staff set a month's chair and status by hand; the reason is kept with the change."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Give a reason for the change."))
    with transaction.atomic():
        duty_month = DutyMonth.objects.select_for_update().get(pk=duty_month.pk)
        post = None
        if chair is not None:
            post = eligible_posts(duty_month.month).get(chair.pk)
            if post is None:
                raise TransitionError(_("%(name)s holds no post that takes turns as chair.")
                                      % {"name": chair})  # fmt: skip
        duty_month.chair, duty_month.post, duty_month.status = chair, post, status
        save_month(duty_month, actor=actor, reason=reason, fields=["chair", "post", "status"])
    return duty_month


def advance_duty_months(today: date | None = None) -> int:
    """Months that began are serving; months that ended are completed. Catches up."""
    today = today or timezone.localdate()
    changed = 0
    for duty_month in DutyMonth.objects.filter(
        month__lte=today, status__in=[DutyMonth.Status.PLANNED, DutyMonth.Status.CONFIRMED]
    ):
        duty_month.status = DutyMonth.Status.SERVING
        save_month(duty_month, actor=None, reason=DutyChange.MONTH_BEGAN, fields=["status"])
        changed += 1
    for duty_month in DutyMonth.objects.filter(status=DutyMonth.Status.SERVING):
        if month_end(duty_month.month) < today:
            duty_month.status = DutyMonth.Status.COMPLETED
            save_month(duty_month, actor=None, reason=DutyChange.MONTH_ENDED, fields=["status"])
            changed += 1
    return changed


# --- Swaps ----------------------------------------------------------------------------------


def request_swap(*, month: DutyMonth, counterpart, other_month: DutyMonth | None, actor, reason):
    """The month's chair asks `counterpart` to exchange months (or to take this one over)."""
    today = timezone.localdate()
    if month.chair_id != actor.pk:
        raise TransitionError(_("Only the month's executive chair can ask to swap it."))
    if month.month <= today:
        raise TransitionError(_("A month that has begun cannot be swapped."))
    if counterpart.pk == actor.pk:
        raise TransitionError(_("Choose another leader."))
    if counterpart.pk not in eligible_posts(month.month):
        raise TransitionError(_("%(name)s holds no post that takes turns as chair.")
                              % {"name": counterpart})  # fmt: skip
    if other_month is not None:
        if other_month.chair_id != counterpart.pk:
            raise TransitionError(_("The other leader does not serve the month you chose."))
        if other_month.month <= today:
            raise TransitionError(_("A month that has begun cannot be swapped."))
    if SwapRequest.objects.filter(month=month, status__in=SwapRequest.OPEN).exists():
        raise TransitionError(_("This month already has an open swap request."))
    with transaction.atomic():
        swap = SwapRequest.objects.create(
            month=month,
            other_month=other_month,
            requested_by=actor,
            counterpart=counterpart,
            reason=reason.strip()[:500],
        )
        notify(
            recipient=counterpart,
            kind="swap_requested",
            key=f"swap_requested:{swap.pk}",
            context={"swap": swap},
            link=reverse("roster:mine"),
        )
    return swap


def _set_swap_status(swap, status, **fields):
    swap.status = status
    for name, value in fields.items():
        setattr(swap, name, value)
    swap.save(update_fields=["status", *fields])


def answer_swap(*, swap: SwapRequest, actor, accept: bool, note: str = ""):
    """The other leader accepts (then staff decide) or declines."""
    with transaction.atomic():
        swap = SwapRequest.objects.select_for_update().get(pk=swap.pk)
        if swap.counterpart_id != actor.pk:
            raise TransitionError(_("Only the leader asked can answer this request."))
        if swap.status != SwapRequest.Status.REQUESTED:
            raise TransitionError(_("This request has already been answered."))
        status = SwapRequest.Status.ACCEPTED if accept else SwapRequest.Status.DECLINED
        _set_swap_status(swap, status, responded_at=timezone.now(), note=note[:500])
        notify(
            recipient=swap.requested_by,
            kind="swap_answered",
            key=f"swap_answered:{swap.pk}",
            context={"swap": swap},
            link=reverse("roster:mine"),
        )
        if accept:
            notify_each(
                User.objects.active_staff(),
                kind="swap_to_approve",
                key=f"swap_to_approve:{swap.pk}",
                context={"swap": swap},
                link=reverse("roster:swaps"),
            )
    return swap


def withdraw_swap(*, swap: SwapRequest, actor):
    with transaction.atomic():
        swap = SwapRequest.objects.select_for_update().get(pk=swap.pk)
        if swap.requested_by_id != actor.pk:
            raise TransitionError(_("Only the leader who asked can withdraw the request."))
        if not swap.is_open:
            raise TransitionError(_("This request is no longer open."))
        _set_swap_status(swap, SwapRequest.Status.WITHDRAWN)
    return swap


def decide_swap(*, swap: SwapRequest, actor, approve: bool, note: str = ""):
    """Staff approve (the months change hands, history says why) or reject an accepted swap."""
    with transaction.atomic():
        swap = SwapRequest.objects.select_for_update().get(pk=swap.pk)
        if swap.status != SwapRequest.Status.ACCEPTED:
            raise TransitionError(_("Only a request the other leader accepted can be decided."))
        if approve:
            _exchange(swap, actor)
        status = SwapRequest.Status.APPROVED if approve else SwapRequest.Status.REJECTED
        _set_swap_status(swap, status, decided_at=timezone.now(), decided_by=actor, note=note[:500])
        notify_each(
            [swap.requested_by, swap.counterpart],
            kind="swap_decided",
            key=f"swap_decided:{swap.pk}",
            context={"swap": swap},
            link=reverse("roster:mine"),
        )
    return swap


def _exchange(swap: SwapRequest, actor):
    ids = [swap.month_id] + ([swap.other_month_id] if swap.other_month_id else [])
    months = {dm.pk: dm for dm in DutyMonth.objects.select_for_update().filter(pk__in=ids)}
    give = months[swap.month_id]
    take = months.get(swap.other_month_id)
    today = timezone.localdate()
    if give.chair_id != swap.requested_by_id or (take and take.chair_id != swap.counterpart_id):
        raise TransitionError(_("The roster changed since the request; it cannot be applied."))
    if give.month <= today or (take and take.month <= today):
        raise TransitionError(_("A month that has begun cannot be swapped."))
    reason = DutyChange.SWAP_APPROVED
    give.chair = swap.counterpart
    give.post = eligible_posts(give.month).get(swap.counterpart_id)
    save_month(give, actor=actor, reason=reason, fields=["chair", "post"])
    if take:
        take.chair = swap.requested_by
        take.post = eligible_posts(take.month).get(swap.requested_by_id)
        save_month(take, actor=actor, reason=reason, fields=["chair", "post"])


# --- Duty log and summary ---------------------------------------------------------------------


def add_log_entry(*, duty_month: DutyMonth, author, day, kind, text, members_recruited=0):
    """The chair or seconded staff record a day's work, within their month."""
    if not (duty_month.month <= day <= month_end(duty_month.month)):
        raise TransitionError(_("The date must fall within the duty month."))
    if day > timezone.localdate():
        raise TransitionError(_("Work cannot be logged ahead of time."))
    return DutyLogEntry.objects.create(
        duty_month=duty_month,
        author=author,
        day=day,
        kind=kind,
        text=text,
        members_recruited=members_recruited or 0,
    )


def write_summary(*, duty_month: DutyMonth, actor, summary: str):
    """The chair's closing summary of the month, which the next chair reads at handover."""
    duty_month.summary = summary.strip()
    duty_month.summary_written_at = timezone.now()
    save_month(
        duty_month, actor=actor, reason=DutyChange.SUMMARY, fields=["summary", "summary_written_at"]
    )
    return duty_month


def set_unavailable(*, user, month: date, reason: str = "", unavailable: bool = True):
    month = month_start(month)
    if unavailable:
        Unavailability.objects.get_or_create(user=user, month=month, defaults={"reason": reason})
    else:
        Unavailability.objects.filter(user=user, month=month).delete()


# --- Chamber members ------------------------------------------------------------------------


def add_affiliation(*, organization, enterprise, role, actor, joined_on=None):
    """Add a current member of the federation to a chamber, once; the record is kept."""
    joined_on = joined_on or timezone.localdate()
    if organization.kind == Organization.Kind.FRIENDLY:
        raise TransitionError(_("A friendly federation has no member enterprises here."))
    if enterprise.status != Enterprise.Status.MEMBER:
        raise TransitionError(_("%(name)s is not a current member of the federation.")
                              % {"name": enterprise})  # fmt: skip
    if joined_on > timezone.localdate():
        raise TransitionError(_("The date joined cannot be in the future."))
    duplicate = _("%(name)s is already a member of %(organization)s.") % {
        "name": enterprise,
        "organization": organization,
    }
    if Affiliation.objects.filter(
        organization=organization, enterprise=enterprise, left_on__isnull=True
    ).exists():
        raise TransitionError(duplicate)
    affiliation = Affiliation(
        organization=organization, enterprise=enterprise, role=role, joined_on=joined_on
    )
    affiliation._history_user = actor
    try:
        with transaction.atomic():
            affiliation.save()
    except IntegrityError:
        raise TransitionError(duplicate) from None  # a concurrent add won
    return affiliation


def end_affiliation(*, affiliation, actor, left_on=None):
    """The enterprise leaves the chamber; the record stays."""
    with transaction.atomic():
        affiliation = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
        if affiliation.left_on is not None:
            raise TransitionError(_("This membership has already ended."))
        left_on = left_on or timezone.localdate()
        if left_on < affiliation.joined_on:
            raise TransitionError(_("A membership cannot end before it began."))
        affiliation.left_on = left_on
        affiliation._history_user = actor
        affiliation.save(update_fields=["left_on"])
    return affiliation

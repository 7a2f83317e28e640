"""Use cases of the chambers app: organisations, their terms and leadership posts, four-good
evaluations, the roster, secondments, swaps, the duty log, chamber membership."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.months import add_months, month_end, month_range, month_start
from core.queries import is_new_or_changed
from members.models import Enterprise
from members.services import TransitionError
from notices.services import notify, notify_each

from .models import (
    Affiliation,
    DutyChange,
    DutyLogEntry,
    DutyMonth,
    FourGoodEvaluation,
    Organization,
    Post,
    Secondment,
    SwapRequest,
    Term,
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


# --- Organisations, terms and leadership posts ------------------------------------------------
#
# Staff keep these in the admin, whose add and change pages call these services; the demo
# builds its structure through them too. Each `check_*` holds the rules of one kind of record
# and raises a ValidationError keyed by field, which the admin shows on its form; the service
# checks again, under a lock on the organisation, before it writes and records who did it.

ORGANIZATION_FIELDS = [
    "slug", "name", "short_name", "kind", "parent", "township", "home_region", "founded_on",
    "tie_signed_on", "group_member_since", "description", "is_active",
]  # fmt: skip
POST_FIELDS = ["position", "enterprise", "full_time", "in_rotation", "started_on", "ended_on"]


def _only(fields: dict, allowed: list[str]) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return fields


def _record(obj, actor):
    obj._history_user = actor
    obj.save()
    return obj


def _lock(organization: Organization) -> Organization:
    """Serialise the changes to one organisation's terms and posts."""
    return Organization.objects.select_for_update().get(pk=organization.pk)


def check_organisation(organization: Organization) -> None:
    """Its fields, and no organisation under itself, directly or through others."""
    parent_id, seen = organization.parent_id, set()
    while parent_id is not None and parent_id not in seen:
        if parent_id == organization.pk:
            raise ValidationError(
                {"parent": _("An organisation cannot be under itself or under one of its own.")}
            )
        seen.add(parent_id)
        parent_id = (
            Organization.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
        )


def create_organisation(*, actor, **fields) -> Organization:
    organization = Organization(**_only(fields, ORGANIZATION_FIELDS))
    organization.full_clean()
    check_organisation(organization)
    return _record(organization, actor)


def change_organisation(*, organization: Organization, actor, **changes) -> Organization:
    with transaction.atomic():
        organization = _lock(organization)
        for name, value in _only(changes, ORGANIZATION_FIELDS).items():
            setattr(organization, name, value)
        organization.full_clean()
        check_organisation(organization)
        return _record(organization, actor)


def _dates_ordered(first: date | None, last: date | None, field: str, message) -> None:
    if first is not None and last is not None and last < first:
        raise ValidationError({field: message})


def _term_dates(term: Term) -> None:
    _dates_ordered(
        term.starts_on, term.ends_on, "ends_on", _("A term cannot end before it starts.")
    )
    # (the number's uniqueness is the new term's rule below; a change keeps the number)
    term.full_clean(validate_unique=False, validate_constraints=False)


def _other_terms(term: Term):
    return Term.objects.filter(organization_id=term.organization_id).exclude(pk=term.pk)


def check_new_term(term: Term) -> None:
    """A new term comes after every term the organisation has had: a later start and a higher
    number. (It may begin while the last one runs: start_term then closes that one.)"""
    _term_dates(term)
    later = _other_terms(term).filter(starts_on__gte=term.starts_on).order_by("number").first()
    if later is not None:
        raise ValidationError(
            {"starts_on": _("A new term must start after %(term)s began (%(day)s).")
                % {"term": later, "day": date_format(later.starts_on)}}
        )  # fmt: skip
    higher = _other_terms(term).filter(number__gte=term.number).order_by("number").first()
    if higher is not None:
        raise ValidationError(
            {"number": _("The new term's number must be higher than %(number)d.")
                % {"number": higher.number}}
        )  # fmt: skip
    previous = _closed_by(term)
    if previous is not None:
        late = previous.posts.filter(started_on__gte=term.starts_on).first()
        if late is not None:
            raise ValidationError(
                {"starts_on": _("%(post)s starts on %(day)s in %(term)s; the new term must "
                                "start after it.")
                    % {"post": late, "day": date_format(late.started_on), "term": previous}}
            )  # fmt: skip


def _closed_by(term: Term) -> Term | None:
    """The previous term when it still runs on the day `term` starts."""
    previous = _other_terms(term).order_by("-starts_on").first()
    if previous is None or (previous.ends_on is not None and previous.ends_on < term.starts_on):
        return None
    return previous


def check_term(term: Term) -> None:
    """A term changed: it overlaps no other term, and its posts stay within its dates."""
    _term_dates(term)
    for other in _other_terms(term):
        if other.starts_on <= (term.ends_on or date.max) and term.starts_on <= (
            other.ends_on or date.max
        ):
            raise ValidationError(
                _("These dates overlap %(term)s.") % {"term": other}, code="overlap"
            )
    outside = Q(started_on__lt=term.starts_on)
    if term.ends_on is not None:
        outside |= Q(started_on__gt=term.ends_on) | Q(ended_on__gt=term.ends_on)
    count = term.posts.filter(outside).count() if term.pk else 0
    if count:
        raise ValidationError(
            ngettext(
                "%(count)d leadership post of this term falls outside these dates; "
                "change it first.",
                "%(count)d leadership posts of this term fall outside these dates; "
                "change them first.",
                count,
            )
            % {"count": count}
        )


def start_term(
    *, organization: Organization, actor, starts_on: date, ends_on: date | None = None,
    number: int | None = None,
) -> Term:  # fmt: skip
    """A new term of the organisation's leadership. The term it follows, if that one still
    runs, ends the day before, and so do that term's posts that had not ended by then."""
    with transaction.atomic():
        organization = _lock(organization)
        if number is None:
            last = organization.terms.order_by("-number").values_list("number", flat=True)
            number = (last.first() or 0) + 1
        term = Term(organization=organization, number=number, starts_on=starts_on, ends_on=ends_on)
        check_new_term(term)
        previous = _closed_by(term)
        if previous is not None:
            day_before = starts_on - timedelta(days=1)
            for post in previous.posts.exclude(ended_on__lte=day_before):
                post.ended_on = day_before
                _record(post, actor)
            previous.ends_on = day_before
            _record(previous, actor)
        return _record(term, actor)


def change_term(*, term: Term, actor, starts_on: date, ends_on: date | None) -> Term:
    with transaction.atomic():
        _lock(term.organization)
        term = Term.objects.select_related("organization").get(pk=term.pk)
        term.starts_on, term.ends_on = starts_on, ends_on
        check_term(term)
        return _record(term, actor)


def check_post(post: Post) -> None:
    """A post lies within its term, is held once at a time by its holder, and is full-time
    only for a vice-chair, who is then federation staff, without an enterprise."""
    term = post.term
    _dates_ordered(
        post.started_on, post.ended_on, "ended_on", _("A post cannot end before it starts.")
    )
    post.full_clean(validate_constraints=False)
    if post.started_on < term.starts_on or (term.ends_on and post.started_on > term.ends_on):
        raise ValidationError({"started_on": _("The post must start within %(term)s.")
                               % {"term": term}})  # fmt: skip
    if term.ends_on and post.ended_on and post.ended_on > term.ends_on:
        raise ValidationError({"ended_on": _("The post cannot end after %(term)s ends (%(day)s).")
                               % {"term": term, "day": date_format(term.ends_on)}})  # fmt: skip
    if post.full_time and post.position != Post.Position.VICE_CHAIR:
        raise ValidationError({"full_time": _("Only a vice-chair can be full-time.")})
    if post.full_time and post.enterprise_id:
        raise ValidationError(
            {"enterprise": _("A full-time vice-chair is federation staff: leave the enterprise "
                             "empty.")}
        )  # fmt: skip
    if post._state.adding and not post.holder.is_active:
        raise ValidationError({"holder": _("%(name)s's account is deactivated.")
                               % {"name": post.holder}})  # fmt: skip
    overlapping = Post.objects.filter(term=term, position=post.position).exclude(pk=post.pk)
    if post.ended_on is not None:
        overlapping = overlapping.filter(started_on__lte=post.ended_on)
    overlapping = overlapping.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=post.started_on))
    same = overlapping.filter(holder=post.holder_id).first()
    if same is not None:
        raise ValidationError(
            _("%(name)s already holds this post in %(term)s from %(day)s.")
            % {"name": post.holder, "term": term, "day": date_format(same.started_on)},
            code="duplicate",
        )
    if post.position in SINGLE_HOLDER and not _only_ended_sooner(post):  # ending: never refused
        other = overlapping.select_related("holder").first()
        if other is not None:
            raise ValidationError(
                {"position": _("%(name)s holds this post in %(term)s from %(day)s: end that "
                               "post first.") % {"name": other.holder, "term": term,
                                                 "day": date_format(other.started_on)}},
                code="duplicate",
            )  # fmt: skip


def _only_ended_sooner(post: Post) -> bool:
    """Whether this change of a saved post only ends it, or ends it sooner."""
    if post._state.adding:
        return False
    before = Post.objects.filter(pk=post.pk).values("position", "started_on", "ended_on").get()
    return (
        before["position"] == post.position
        and before["started_on"] == post.started_on
        and post.ended_on is not None
        and (before["ended_on"] is None or post.ended_on <= before["ended_on"])
    )


# Posts one person holds at a time in a term: the chair, a chamber's president, its
# secretary-general and chief supervisor (vice-chairs and vice-presidents are many).
SINGLE_HOLDER = {
    Post.Position.CHAIR,
    Post.Position.PRESIDENT,
    Post.Position.SECRETARY_GENERAL,
    Post.Position.CHIEF_SUPERVISOR,
}


def appoint(
    *, term: Term, holder, position: str, actor, started_on: date | None = None,
    ended_on: date | None = None, enterprise: Enterprise | None = None, full_time: bool = False,
    in_rotation: bool = True,
) -> Post:  # fmt: skip
    """A person takes a post in a term, from the term's start unless told otherwise."""
    with transaction.atomic():
        _lock(term.organization)
        term = Term.objects.select_related("organization").get(pk=term.pk)
        post = Post(
            term=term,
            holder=holder,
            position=position,
            enterprise=enterprise,
            full_time=full_time,
            in_rotation=in_rotation,
            started_on=started_on or term.starts_on,
            ended_on=ended_on,
        )
        check_post(post)
        return _record(post, actor)


def change_post(*, post: Post, actor, **changes) -> Post:
    """Correct a post or end it (an end date): the post's record is kept."""
    with transaction.atomic():
        _lock(post.term.organization)
        post = Post.objects.select_related("term__organization", "holder").get(pk=post.pk)
        for name, value in _only(changes, POST_FIELDS).items():
            setattr(post, name, value)
        check_post(post)
        return _record(post, actor)


# --- Four-good evaluations --------------------------------------------------------------------
#
# Staff record a chamber's evaluation in the admin, whose add and change pages call these
# services, as the demo does. The rules are check_evaluation's, which the form shows. One
# entered against the wrong chamber is corrected (its chamber changed, the rules checked
# again), never deleted: history keeps what it was.

EVALUATION_FIELDS = [
    "organization", "year", "level", "political_guidance", "team_building", "service",
    "self_discipline", "awarded", "notes",
]  # fmt: skip


def check_evaluation(evaluation: FourGoodEvaluation) -> None:
    """A chamber's evaluation (not the federation's, nor a friendly federation's), for a year
    that has begun and in which the chamber existed, once per year and level. A change is
    checked by the rules about the fields it changes."""
    evaluation.full_clean(validate_unique=False, validate_constraints=False)
    organization = evaluation.organization
    not_evaluated = (Organization.Kind.FEDERATION, Organization.Kind.FRIENDLY)
    if organization.kind in not_evaluated and is_new_or_changed(evaluation, "organization"):
        raise ValidationError(
            {"organization": _("Only chambers, associations and working groups are evaluated.")}
        )
    if evaluation.year > timezone.localdate().year and is_new_or_changed(evaluation, "year"):
        raise ValidationError({"year": _("The year to evaluate has not begun.")})
    if (
        organization.founded_on
        and evaluation.year < organization.founded_on.year
        and is_new_or_changed(evaluation, "organization", "year")
    ):
        raise ValidationError(
            {"year": _("%(organization)s was founded in %(year)d.")
                % {"organization": organization, "year": organization.founded_on.year}}
        )  # fmt: skip
    same = FourGoodEvaluation.objects.filter(
        organization=organization, year=evaluation.year, level=evaluation.level
    ).exclude(pk=evaluation.pk)
    if same.exists():
        raise ValidationError(_duplicate_evaluation(evaluation), code="duplicate")


def _duplicate_evaluation(evaluation: FourGoodEvaluation) -> str:
    return _("%(organization)s already has a %(level)s evaluation for %(year)d.") % {
        "organization": evaluation.organization,
        "level": evaluation.get_level_display(),
        "year": evaluation.year,
    }


def _save_evaluation(evaluation: FourGoodEvaluation, actor) -> FourGoodEvaluation:
    check_evaluation(evaluation)
    try:
        with transaction.atomic():
            return _record(evaluation, actor)
    except IntegrityError:  # the same evaluation, recorded at the same moment
        raise ValidationError(_duplicate_evaluation(evaluation), code="duplicate") from None


def _lock_all(model, *objects):
    """Lock these rows, in one order (two changes between the same two never deadlock)."""
    pks = sorted({obj.pk for obj in objects})
    return {row.pk: row for row in model.objects.select_for_update().filter(pk__in=pks)}


def record_evaluation(*, organization: Organization, actor, **fields) -> FourGoodEvaluation:
    """A chamber's four-good evaluation for a year, at one level."""
    with transaction.atomic():
        organization = _lock(organization)
        evaluation = FourGoodEvaluation(
            organization=organization, **_only(fields, EVALUATION_FIELDS)
        )
        return _save_evaluation(evaluation, actor)


def change_evaluation(*, evaluation: FourGoodEvaluation, actor, **changes) -> FourGoodEvaluation:
    """Correct an evaluation, its chamber included (the rules checked again)."""
    changes = _only(changes, EVALUATION_FIELDS)
    with transaction.atomic():
        stored = FourGoodEvaluation.objects.select_related("organization").get(pk=evaluation.pk)
        organization = changes.get("organization", stored.organization)
        _lock_all(Organization, stored.organization, organization)  # the old one's and the new
        evaluation = FourGoodEvaluation.objects.select_related("organization").get(pk=evaluation.pk)
        for name, value in changes.items():
            setattr(evaluation, name, value)
        return _save_evaluation(evaluation, actor)


# --- Secondments ------------------------------------------------------------------------------
#
# Superusers record who an enterprise seconds to the federation in a duty month, in the admin,
# whose add and change pages call these services, as the demo does; check_secondment holds the
# rules. One entered in the wrong month is moved to the right one (the rules checked again).

SECONDMENT_FIELDS = [
    "duty_month", "person_name", "user", "enterprise", "role", "starts_on", "ends_on",
]  # fmt: skip


def check_secondment(secondment: Secondment) -> None:
    """A secondment lies within its duty month; a linked account is active and seconded once
    at a time in that month. A change is checked by the rules about the fields it changes."""
    _dates_ordered(
        secondment.starts_on, secondment.ends_on, "ends_on",
        _("A secondment cannot end before it starts."),
    )  # fmt: skip
    secondment.full_clean(validate_constraints=False)
    duty_month = secondment.duty_month
    first, last = duty_month.month, month_end(duty_month.month)
    if is_new_or_changed(secondment, "duty_month", "starts_on", "ends_on"):
        for field in ("starts_on", "ends_on"):
            if not first <= getattr(secondment, field) <= last:
                raise ValidationError(
                    {field: _("A secondment lies within its duty month, %(month)s (%(first)s to "
                              "%(last)s).") % {"month": duty_month, "first": date_format(first),
                                               "last": date_format(last)}}
                )  # fmt: skip
    user = secondment.user
    if user is None:
        return
    if not user.is_active and is_new_or_changed(secondment, "user"):
        raise ValidationError({"user": _("%(name)s's account is deactivated.") % {"name": user}})
    other = (
        Secondment.objects.filter(
            duty_month=duty_month,
            user=user,
            starts_on__lte=secondment.ends_on,
            ends_on__gte=secondment.starts_on,
        )
        .exclude(pk=secondment.pk)
        .first()
    )
    if other is not None:
        raise ValidationError(
            {"user": _("%(name)s is already seconded in %(month)s from %(day)s.")
                % {"name": user, "month": duty_month, "day": date_format(other.starts_on)}}
        )  # fmt: skip


def add_secondment(*, duty_month: DutyMonth, actor, **fields) -> Secondment:
    """Someone an enterprise seconds to the federation for (part of) a duty month."""
    with transaction.atomic():
        duty_month = DutyMonth.objects.select_for_update().get(pk=duty_month.pk)  # one at a time
        secondment = Secondment(duty_month=duty_month, **_only(fields, SECONDMENT_FIELDS))
        check_secondment(secondment)
        return _record(secondment, actor)


def change_secondment(*, secondment: Secondment, actor, **changes) -> Secondment:
    """Correct a secondment, shorten it, or move it to the month it belongs to."""
    changes = _only(changes, SECONDMENT_FIELDS)
    with transaction.atomic():
        stored = Secondment.objects.select_related("duty_month").get(pk=secondment.pk)
        _lock_all(DutyMonth, stored.duty_month, changes.get("duty_month", stored.duty_month))
        secondment = Secondment.objects.select_related("duty_month", "user").get(pk=secondment.pk)
        for name, value in changes.items():
            setattr(secondment, name, value)
        check_secondment(secondment)
        return _record(secondment, actor)

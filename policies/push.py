"""Publishing a policy and telling the enterprises it is for (推送).

Who hears of a policy, and when, each through `notices` and each at most once:

- on publishing, the active users of every enterprise that matches it (policy_for_you), and
  those of every other enterprise subscribed to one of its topics or departments
  (policy_followed): one background fan-out each;
- when an existing enterprise's profile or qualifications change, its users hear of each open
  policy it now matches (policy_for_you), run as a task once the change commits;
- the hourly beat scan tells, for every policy whose window is open, the active users of the
  matching enterprises not told of it yet (policy_for_you): it catches what the task cannot
  hear or lost (a roster import's bulk update sends no post_save; a broker down when the
  change committed; a change committed while a publishing read the enterprises, whose task
  ran before that publishing committed), and the users of a new member, or new users of an
  old one;
- POLICY_REMINDER_DAYS before a window closes, the users of matched enterprises that have not
  marked the policy handled (policy_closing), by the same scan; a user told of the policy
  within the last day (RECENTLY_TOLD) is reminded by a later run instead.

"At most once" is the notices' de-duplication key: every notice telling of a policy is keyed
`policy_told:<policy>:<user>`, so a user told at publishing, as a subscriber or on a
profile change is never told of the same policy again, however often the profile changes or
the policy is published again; the reminder is keyed `policy_closing:<policy>:<user>`. The
scans ask only for the users not told yet (`untold`), so a run that finds nothing new
records nothing.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Enterprise, EnterpriseQualification, User
from notices.models import Notice
from notices.services import notify_each

from . import eligibility
from .models import FollowUp, Policy, Subscription

TOLD = "policy_told"
CLOSING = "policy_closing"
# A user told of a policy this recently is not reminded of it yet (two notices of one policy
# in a day say nothing new): a later scan reminds them if the window is still open.
RECENTLY_TOLD = datetime.timedelta(days=1)
# What a follow-up says once the enterprise has dealt with the policy: no more reminders.
HANDLED = [
    FollowUp.State.NOT_APPLICABLE,
    FollowUp.State.APPLIED,
    FollowUp.State.GRANTED,
    FollowUp.State.REFUSED,
]
# The enterprise fields eligibility reads: a save that changes none of them tells nobody.
ELIGIBILITY_FIELDS = {
    "status",
    "industry",
    "industry_division",
    "size",
    "township",
    "township_id",
    "founded_on",
}


def policy_link(policy: Policy) -> str:
    return reverse("policies:detail", args=[policy.public_id])


def users_of(enterprises: QuerySet) -> QuerySet:
    """The active users acting for these enterprises."""
    return User.objects.filter(is_active=True, enterprise__in=enterprises)


def untold(users: QuerySet, key: str, since: datetime.datetime | None = None) -> QuerySet:
    """The users without the notice `key` (notify_each adds `:<user id>` to the key), or
    without one created `since` then."""
    told = Notice.objects.filter(
        key=Concat(Value(f"{key}:"), Cast(OuterRef("pk"), CharField()), output_field=CharField())
    )
    if since is not None:
        told = told.filter(created_at__gte=since)
    return users.exclude(Exists(told))


def subscribed(policy: Policy) -> QuerySet:
    """The enterprises subscribed to one of the policy's topics or departments (withdrawn
    ones aside), whether or not they match it."""
    follows = Subscription.objects.filter(enterprise=OuterRef("pk")).filter(
        Q(topic__in=policy.topics.all()) | Q(department__in=policy.departments.all())
    )
    return Enterprise.objects.exclude(status=Enterprise.Status.WITHDRAWN).filter(Exists(follows))


def audience(policy: Policy) -> dict[str, int]:
    """What publishing would tell: the enterprises matching today, and how many more are
    subscribed without matching."""
    matched = eligibility.enterprises_for(policy)
    return {
        "matched": matched.count(),
        "subscribed": subscribed(policy).exclude(pk__in=matched.values("pk")).count(),
    }


def check_publishable(policy: Policy, day: datetime.date | None = None) -> None:
    if policy.is_expired(day):
        raise ValidationError(
            _("This policy's validity ended on %(day)s: it cannot be published.")
            % {"day": policy.valid_until.isoformat()}
        )


def publish_policy(*, policy: Policy, actor) -> bool:
    """Publish a draft (or withdrawn) policy and tell the enterprises it is for.

    Refused (ValidationError) when its validity has ended. Idempotent: a policy already
    published is left as it is and nobody is told again (False). The fan-outs are recorded in
    the same transaction and written in the background (notices.services.notify_each).
    """
    with transaction.atomic():
        policy = Policy.objects.select_for_update().get(pk=policy.pk)
        if policy.status == Policy.Status.PUBLISHED:
            return False
        check_publishable(policy)
        policy.status = Policy.Status.PUBLISHED
        policy.published_at = timezone.now()
        policy.published_by = actor
        # Published again after a withdrawal: the withdrawal stays in the history only.
        policy.withdrawn_at, policy.withdrawn_by, policy.withdrawal_reason = None, None, ""
        policy._history_user = actor
        policy.save(
            update_fields=[
                "status", "published_at", "published_by", "withdrawn_at", "withdrawn_by",
                "withdrawal_reason", "updated_at",
            ]
        )  # fmt: skip
        push(policy)
    return True


def push(policy: Policy) -> dict[str, int]:
    """Tell the matched enterprises' users, then the subscribed ones' not told yet."""
    key = f"{TOLD}:{policy.pk}"
    matched = eligibility.enterprises_for(policy)
    context = {"policy": policy}
    told = notify_each(
        untold(users_of(matched), key),
        kind="policy_for_you",
        key=key,
        context=context,
        link=policy_link(policy),
    )
    followers = notify_each(
        untold(users_of(subscribed(policy).exclude(pk__in=matched.values("pk"))), key),
        kind="policy_followed",
        key=key,
        context=context,
        link=policy_link(policy),
    )
    return {"matched": told, "subscribed": followers}


def tell_newly_matching(enterprise_id: int, day: datetime.date | None = None) -> int:
    """Tell the enterprise's users of each open policy it matches that they have not been
    told of; the number of policies told."""
    day = day or timezone.localdate()
    enterprise = Enterprise.objects.select_related("township").filter(pk=enterprise_id).first()
    if enterprise is None or enterprise.status == Enterprise.Status.WITHDRAWN:
        return 0
    users = users_of(Enterprise.objects.filter(pk=enterprise_id))
    if not users.exists():
        return 0
    facts = eligibility.facts_of(enterprise, day)
    told = 0
    for policy in Policy.objects.open_now(day).prefetch_related("townships"):
        township_ids = {t.pk for t in policy.townships.all()}
        if eligibility.match(policy, facts, day, township_ids=township_ids) is None:
            continue
        key = f"{TOLD}:{policy.pk}"
        told += bool(
            notify_each(
                untold(users, key),
                kind="policy_for_you",
                key=key,
                context={"policy": policy},
                link=policy_link(policy),
            )
        )
    return told


def tell_matched(day: datetime.date | None = None) -> dict[int, list[int]]:
    """Tell the active users of the enterprises matching each open policy that have not been
    told of it (policy_for_you); by policy id, the users to be told. Safe to repeat: one
    query per open policy finds the users not told, whatever the number of enterprises."""
    day = day or timezone.localdate()
    told = {}
    for policy in Policy.objects.open_now(day).prefetch_related("townships"):
        key = f"{TOLD}:{policy.pk}"
        ids = list(
            untold(users_of(eligibility.enterprises_for(policy, day)), key).values_list(
                "pk", flat=True
            )
        )
        if ids:
            notify_each(
                ids,
                kind="policy_for_you",
                key=key,
                context={"policy": policy},
                link=policy_link(policy),
            )
            told[policy.pk] = ids
    return told


def remind_closing(
    day: datetime.date | None = None, just_told: dict[int, list[int]] | None = None
) -> int:
    """Remind the users of matched enterprises that have not marked a policy handled, once,
    when its window closes within POLICY_REMINDER_DAYS; the number of users to be told.
    Selects every window closing on or before the horizon and still open, so a missed run
    is made up by the next. A user told of the policy within RECENTLY_TOLD, or in this very
    scan (`just_told`, by policy id, whose notices are still being written), waits for a
    later run."""
    day = day or timezone.localdate()
    just_told = just_told or {}
    horizon = day + datetime.timedelta(days=settings.POLICY_REMINDER_DAYS)
    recently = timezone.now() - RECENTLY_TOLD
    told = 0
    for policy in Policy.objects.open_now(day).filter(window_closes__lte=horizon):
        handled = FollowUp.objects.filter(
            policy=policy, enterprise=OuterRef("pk"), state__in=HANDLED
        )
        waiting = eligibility.enterprises_for(policy, day).exclude(Exists(handled))
        key = f"{CLOSING}:{policy.pk}"
        users = untold(untold(users_of(waiting), key), f"{TOLD}:{policy.pk}", since=recently)
        if policy.pk in just_told:
            users = users.exclude(pk__in=just_told[policy.pk])
        told += notify_each(
            users,
            kind="policy_closing",
            key=key,
            context={"policy": policy},
            link=policy_link(policy),
        )
    return told


def _queue_newly_matching(enterprise_id: int) -> None:
    from .tasks import tell_newly_matching as task

    task.delay(enterprise_id)


@receiver(post_save, sender=Enterprise, dispatch_uid="policies_enterprise_changed")
def enterprise_changed(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """members may not import policies: the change is heard here, and the enterprise's
    matches are looked at in a task once it commits (a broker that is down loses only this
    telling, never the change)."""
    if raw or created:
        return
    if update_fields is not None and not ELIGIBILITY_FIELDS & set(update_fields):
        return
    pk = instance.pk
    transaction.on_commit(lambda: _queue_newly_matching(pk), robust=True)


@receiver(post_save, sender=EnterpriseQualification, dispatch_uid="policies_qualification_changed")
def qualification_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    pk = instance.enterprise_id
    transaction.on_commit(lambda: _queue_newly_matching(pk), robust=True)

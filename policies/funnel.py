"""A policy's funnel: how many enterprises it reaches, and how far they follow it through.

The stages, each counting enterprises (a policy × enterprise pair; an enterprise counts once
per policy, under every policy it matches):

- matched: the enterprises that match the policy today (eligibility.enterprises_for);
- read: a user of the enterprise opened the published policy (a mark counts as reading);
- will apply: marked "will apply" or any later mark (applied, granted, refused);
- applied: marked applied, granted or refused;
- granted: marked granted; amount: the yuan granted.

The stages after "matched" count only the follow-ups of enterprises that matched the policy
when they read it or last marked it (`FollowUp.matched`): an enterprise outside the policy's
terms that opened or marked it is counted apart, under "other" (followed without matching),
with its own list, and its amount is not in the funnel's amount.

A year's policies are the published ones (expired included) issued in it; a policy with two
issuing departments counts under each in `by_department`, once in `for_year`. The figures
come from a constant number of queries, whatever the number of policies or enterprises: the
dashboard and the yearly report call `for_year` and `by_department`.
"""

import datetime
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core import excel
from core.counts import cached_aggregate
from core.jobs import JobError, Outcome, register
from members.models import Enterprise
from petitions.models import Department

from . import eligibility
from .models import FollowUp, Policy

State = FollowUp.State
FUNNEL_EXPORT = "policy_funnel_export"
# What each stage asks of a follow-up (matched is the eligibility rule instead): only those
# of enterprises that matched the policy; "other" is every follow-up of one that did not.
FOLLOW_UP_STAGES = {
    "read": Q(matched=True, read_at__isnull=False),
    "will_apply": Q(
        matched=True, state__in=[State.WILL_APPLY, State.APPLIED, State.GRANTED, State.REFUSED]
    ),
    "applied": Q(matched=True, state__in=[State.APPLIED, State.GRANTED, State.REFUSED]),
    "granted": Q(matched=True, state=State.GRANTED),
    "other": Q(matched=False),
}
# The figures, in the order of the funnel's columns.
STAGES = ["matched", *FOLLOW_UP_STAGES]
STAGE_LABELS = {
    "matched": _("Matched"),
    "read": pgettext_lazy("policy funnel", "Read"),
    "will_apply": _("Will apply"),
    "applied": _("Applied"),
    "granted": _("Granted"),
    "other": _("Followed without matching"),
}


@dataclass
class Funnel:
    matched: int = 0
    read: int = 0
    will_apply: int = 0
    applied: int = 0
    granted: int = 0
    amount: Decimal = Decimal(0)
    other: int = 0

    def __add__(self, other: "Funnel") -> "Funnel":
        return Funnel(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def stages(self) -> list[tuple[str, int]]:
        return [(stage, getattr(self, stage)) for stage in STAGES]


def policies_of(year: int, department: Department | None = None) -> QuerySet:
    """The year's policies: published (expired ones too), issued in `year`."""
    policies = Policy.objects.published().filter(issued_on__year=year)
    if department is not None:
        policies = policies.filter(departments=department)
    return policies


def matched_counts(policies, day: datetime.date | None = None) -> dict[int, int]:
    """How many enterprises match each policy today, in one (cached) query."""
    policies = list(policies)
    if not policies:
        return {}
    day = day or timezone.localdate()
    counts = {
        f"p{policy.pk}": Count(
            "pk", filter=Q(pk__in=eligibility.enterprises_for(policy, day).values("pk"))
        )
        for policy in policies
    }
    found = cached_aggregate(Enterprise.objects.all(), **counts)
    return {policy.pk: found[f"p{policy.pk}"] for policy in policies}


def follow_up_figures(policies) -> dict[int, Funnel]:
    """Each policy's follow-up stages and amount (matched left at 0), in one query."""
    figures = {
        stage: Count("pk", filter=condition) for stage, condition in FOLLOW_UP_STAGES.items()
    }
    rows = (
        FollowUp.objects.filter(policy__in=[p.pk for p in policies])
        .values("policy")
        .order_by("policy")
        .annotate(**figures, amount=Sum("amount", filter=FOLLOW_UP_STAGES["granted"]))
    )
    return {
        row["policy"]: Funnel(
            read=row["read"],
            will_apply=row["will_apply"],
            applied=row["applied"],
            granted=row["granted"],
            amount=row["amount"] or Decimal(0),
            other=row["other"],
        )
        for row in rows
    }


def funnels(policies, day: datetime.date | None = None) -> dict[int, Funnel]:
    """Each policy's whole funnel, by policy id."""
    policies = list(policies)
    matched = matched_counts(policies, day)
    followed = follow_up_figures(policies)
    return {
        policy.pk: followed.get(policy.pk, Funnel()) + Funnel(matched=matched[policy.pk])
        for policy in policies
    }


def for_policy(policy: Policy, day: datetime.date | None = None) -> Funnel:
    return funnels([policy], day)[policy.pk]


def by_department(year: int, day: datetime.date | None = None) -> list[tuple[Department, Funnel]]:
    """The year's funnel per issuing department (those that issued a policy that year), by
    department name."""
    policies = list(policies_of(year).prefetch_related("townships", "departments"))
    each = funnels(policies, day)
    rows: dict[int, tuple[Department, Funnel]] = {}
    for policy in policies:
        for department in policy.departments.all():
            _department, total = rows.get(department.pk, (department, Funnel()))
            rows[department.pk] = (department, total + each[policy.pk])
    return sorted(rows.values(), key=lambda row: row[0].name)


def for_year(year: int, day: datetime.date | None = None) -> Funnel:
    """The year's totals, each policy counted once."""
    policies = list(policies_of(year).prefetch_related("townships"))
    return sum(funnels(policies, day).values(), Funnel())


def pairs(stage: str, policies, day: datetime.date | None = None):
    """The policy × enterprise pairs behind a figure, as dictionaries (policy, enterprise,
    enterprise_name, enterprise_public_id, state, amount, read_at), ordered by enterprise
    name: a queryset to page through."""
    policies = list(policies)
    if stage in FOLLOW_UP_STAGES:
        return (
            FollowUp.objects.filter(policy__in=[p.pk for p in policies])
            .filter(FOLLOW_UP_STAGES[stage])
            .values(
                "policy",
                "state",
                "amount",
                "read_at",
                enterprise_name=F("enterprise__name"),
                enterprise_public_id=F("enterprise__public_id"),
            )
            .order_by("enterprise_name", "policy")
        )
    if stage != "matched":
        raise ValueError(stage)
    day = day or timezone.localdate()
    parts = [
        eligibility.enterprises_for(policy, day)
        .annotate(policy=Value(policy.pk, output_field=IntegerField()))
        .values("policy", enterprise_name=F("name"), enterprise_public_id=F("public_id"))
        .order_by()
        for policy in policies
    ]
    if not parts:
        return FollowUp.objects.none().values("policy")
    first, *rest = parts
    return (first.union(*rest, all=True) if rest else first).order_by("enterprise_name", "policy")


def scope(*, policy=None, year: int | None = None, department=None) -> tuple[list[Policy], str]:
    """The policies behind a figure and how to name them: one policy, or a year's (of one
    department, or of all)."""
    if policy is not None:
        return [policy], policy.title
    year = year or timezone.localdate().year
    policies = list(policies_of(year, department).prefetch_related("townships"))
    return policies, f"{department.name} · {year}" if department is not None else str(year)


def scope_of_params(params: dict) -> tuple[list[Policy], str]:
    """`scope` from a job's JSON parameters (the funnel list's validated query). A policy or
    department deleted since they were chosen fails the job (JobError), rather than widening
    the export to the whole year."""
    policy = department = None
    if params["policy"]:
        policy = Policy.objects.filter(public_id=params["policy"]).first()
        if policy is None:
            raise JobError(gettext("The policy of this list has been deleted: nothing exported."))
    if params["department"]:
        department = Department.objects.filter(pk=params["department"]).first()
        if department is None:
            raise JobError(
                gettext("The department of this list has been deleted: nothing exported.")
            )
    return scope(policy=policy, year=params["year"], department=department)


def write_pairs(params: dict, progress=None) -> Outcome:
    """The enterprises behind one figure as a workbook, in the request or in a job."""
    policies, label = scope_of_params(params)
    titles = {p.pk: p.title for p in policies}
    states = dict(FollowUp.State.choices)
    rows = pairs(
        params["stage"], Policy.objects.filter(pk__in=titles).prefetch_related("townships")
    )
    if progress is not None:
        rows = progress.counted(rows.iterator(), rows.count())
    header = [_("Enterprise"), _("Policy"), _("State"), _("Amount granted (yuan)"), _("First read")]
    title = f"{STAGE_LABELS[params['stage']]} · {label}"
    file = excel.write(
        title,
        [str(h) for h in header],
        (
            [
                row["enterprise_name"],
                titles[row["policy"]],
                str(states.get(row.get("state") or "", "")) if row.get("state") else "",
                row.get("amount"),
                timezone.localtime(row["read_at"]).date() if row.get("read_at") else None,
            ]
            for row in rows
        ),
        widths=[36, 40, 12, 16, 14],
    )
    return Outcome(file=file, title=title)


@register(FUNNEL_EXPORT, _("Policy funnel enterprises export"))
def export_pairs(job, progress) -> Outcome:
    outcome = write_pairs(job.params, progress)
    outcome.summary = gettext("%(count)s rows exported.") % {"count": job.done}
    return outcome

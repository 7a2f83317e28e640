"""Whom a policy is for: the one place its eligibility is applied, in both directions.

`match(policy, facts)` says whether one enterprise (its `Facts`) is eligible, with the reasons
it is ("行业 C13 · 小型企业 · 延庆镇") and what it still has to check itself; "policies for you"
runs it over the current policies. `enterprises_for(policy)` is the same rule as one SQL
filter over every enterprise, for publishing and counting. tests/policies/test_eligibility.py
checks that the two agree.

The rule: every condition the policy states must hold; a condition it leaves empty does not
restrict. Industries match on the section ("C") or the division ("C13"); qualifications match
when the enterprise holds any one of those named, verified and unexpired on the day; years
since founding are whole years completed on the day. A fact the enterprise's profile lacks (no
founding date) cannot be checked by the portal: that condition joins the list the enterprise
checks itself instead of excluding it. "Members only" means members in good standing; otherwise
any enterprise that has not withdrawn.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.months import add_years
from members.choices import Qualification, SizeClass
from members.models import Enterprise, EnterpriseQualification

from .models import Policy


@dataclass(frozen=True)
class Facts:
    """What the portal knows of an enterprise that a policy can ask about."""

    enterprise_id: int
    status: str
    industry: str
    division: str  # "C13", or "" when the profile gives no division
    size: str
    township_id: int
    township_name: str
    founded_on: datetime.date | None
    qualifications: frozenset[str] = field(default_factory=frozenset)


def facts_of(enterprise: Enterprise, day: datetime.date | None = None) -> Facts:
    """The enterprise's facts on `day` (today): its profile and its valid qualifications."""
    day = day or timezone.localdate()
    kinds = EnterpriseQualification.objects.filter(enterprise=enterprise).valid(day)
    return Facts(
        enterprise_id=enterprise.pk,
        status=enterprise.status,
        industry=enterprise.industry,
        division=(
            f"{enterprise.industry}{enterprise.industry_division}"
            if enterprise.industry_division
            else ""
        ),
        size=enterprise.size,
        township_id=enterprise.township_id,
        township_name=enterprise.township.name,
        founded_on=enterprise.founded_on,
        qualifications=frozenset(kinds.values_list("kind", flat=True)),
    )


@dataclass(frozen=True)
class Match:
    reasons: list[str]  # the stated conditions the enterprise meets, in the reader's language
    to_check: list[str]  # what the enterprise has to check itself

    def reason_line(self) -> str:
        return " · ".join(self.reasons)


def years_label(policy: Policy) -> str:
    low, high = policy.min_years_founded, policy.max_years_founded
    if low is not None and high is not None:
        return _("founded %(low)s–%(high)s years") % {"low": low, "high": high}
    if low is not None:
        return _("founded at least %(years)s years") % {"years": low}
    return _("founded at most %(years)s years") % {"years": high}


def founded_bounds(policy: Policy, day: datetime.date):
    """The founding dates that meet the policy's years on `day`: (latest, earliest-exclusive).
    At least N whole years: founded on or before `day` N years back; at most N: after `day`
    N + 1 years back."""
    latest = (
        add_years(day, -policy.min_years_founded) if policy.min_years_founded is not None else None
    )
    after = (
        add_years(day, -(policy.max_years_founded + 1))
        if policy.max_years_founded is not None
        else None
    )
    return latest, after


def match(
    policy: Policy,
    facts: Facts,
    day: datetime.date | None = None,
    *,
    township_ids: set[int] | None = None,
) -> Match | None:
    """The enterprise's match with the policy, or None when a stated condition fails.
    `township_ids` is the policy's townships when the caller has them at hand (prefetched)."""
    day = day or timezone.localdate()
    reasons, to_check = [], []

    if policy.members_only:
        if facts.status != Enterprise.Status.MEMBER:
            return None
        reasons.append(_("member enterprise"))
    elif facts.status == Enterprise.Status.WITHDRAWN:
        return None

    if policy.industries:
        if facts.division and facts.division in policy.industries:
            reasons.append(_("industry %(code)s") % {"code": facts.division})
        elif facts.industry in policy.industries:
            reasons.append(_("industry %(code)s") % {"code": facts.division or facts.industry})
        else:
            return None

    if policy.sizes:
        if facts.size not in policy.sizes:
            return None
        reasons.append(_("%(size)s enterprise") % {"size": SizeClass(facts.size).label})

    if township_ids is None:
        township_ids = {t.pk for t in policy.townships.all()}
    if township_ids:
        if facts.township_id not in township_ids:
            return None
        reasons.append(facts.township_name)

    if policy.min_years_founded is not None or policy.max_years_founded is not None:
        if facts.founded_on is None:
            to_check.append(years_label(policy))
        else:
            latest, after = founded_bounds(policy, day)
            if (latest and facts.founded_on > latest) or (after and facts.founded_on <= after):
                return None
            reasons.append(years_label(policy))

    if policy.qualifications:
        held = [q for q in policy.qualifications if q in facts.qualifications]
        if not held:
            return None
        reasons.extend(str(Qualification(q).label) for q in held)

    to_check.extend(policy.unchecked_list())
    return Match(reasons=[str(r) for r in reasons], to_check=to_check)


def enterprises_for(policy: Policy, day: datetime.date | None = None) -> QuerySet:
    """Every enterprise that matches the policy on `day` (today), as one query."""
    day = day or timezone.localdate()
    enterprises = Enterprise.objects.all()
    if policy.members_only:
        enterprises = enterprises.filter(status=Enterprise.Status.MEMBER)
    else:
        enterprises = enterprises.exclude(status=Enterprise.Status.WITHDRAWN)
    if policy.industries:
        sections = [code for code in policy.industries if len(code) == 1]
        divisions = [code for code in policy.industries if len(code) > 1]
        by_industry = Q(industry__in=sections)
        for code in divisions:
            by_industry |= Q(industry=code[0], industry_division=code[1:])
        enterprises = enterprises.filter(by_industry)
    if policy.sizes:
        enterprises = enterprises.filter(size__in=policy.sizes)
    # .all(): the townships prefetched with many policies (policies.funnel) are used as they are.
    township_ids = [t.pk for t in policy.townships.all()] if policy.pk else []
    if township_ids:
        enterprises = enterprises.filter(township_id__in=township_ids)
    if policy.min_years_founded is not None or policy.max_years_founded is not None:
        latest, after = founded_bounds(policy, day)
        years = Q()
        if latest:
            years &= Q(founded_on__lte=latest)
        if after:
            years &= Q(founded_on__gt=after)
        enterprises = enterprises.filter(years | Q(founded_on__isnull=True))
    if policy.qualifications:
        held = EnterpriseQualification.objects.filter(
            enterprise=OuterRef("pk"), kind__in=policy.qualifications
        ).valid(day)
        enterprises = enterprises.filter(Exists(held))
    return enterprises


# What `match` and the order of "for you" read of a policy: the candidates are read with these
# columns only, and the matched ones in full (a policy's texts are long; 1,000 of them read
# whole cost most of the time, bench/policies.py).
MATCHED_ON = (
    "pk", "status", "issued_on", "valid_until", "window_opens", "window_closes", "industries",
    "sizes", "min_years_founded", "max_years_founded", "members_only", "qualifications",
    "unchecked_conditions",
)  # fmt: skip


@dataclass(frozen=True)
class Terms:
    """A policy as matching and the order of "for you" read it: its MATCHED_ON columns as
    plain values (a model instance for each of hundreds of candidates costs more than the
    rule; bench/policies.py), with the policy's own methods that read them."""

    pk: int
    status: str
    issued_on: datetime.date
    valid_until: datetime.date | None
    window_opens: datetime.date | None
    window_closes: datetime.date | None
    industries: list
    sizes: list
    min_years_founded: int | None
    max_years_founded: int | None
    members_only: bool
    qualifications: list
    unchecked_conditions: str

    Status = Policy.Status
    is_expired = Policy.is_expired
    is_open = Policy.is_open
    unchecked_list = Policy.unchecked_list


def could_match(facts: Facts) -> Q:
    """A filter of policies that keeps every one the enterprise matches and leaves out most it
    does not, in SQL (the JSON lists read as text, so it runs on SQLite too): the conditions on
    membership, industry, size, township and qualifications. `match` still decides; this only
    spares it the policies that plainly cannot match (bench/policies.py: 700 current
    policies read and checked cost 30 ms of CPU a page)."""

    def any_of(name: str, codes) -> Q:
        found = Q(**{name: []})
        for code in codes:
            found |= Q(**{f"{name}__icontains": f'"{code}"'})
        return found

    possible = any_of(
        "industries", [facts.industry, facts.division] if facts.division else [facts.industry]
    )
    possible &= any_of("sizes", [facts.size])
    possible &= any_of("qualifications", sorted(facts.qualifications))
    if facts.status != Enterprise.Status.MEMBER:
        possible &= Q(members_only=False)
    places = Policy.townships.through.objects
    possible &= ~Q(pk__in=places.values("policy_id")) | Q(
        pk__in=places.filter(township_id=facts.township_id).values("policy_id")
    )
    return possible


def matches_for(
    enterprise: Enterprise, policies: QuerySet | None = None, day: datetime.date | None = None
) -> list[tuple[Policy, Match]]:
    """The policies (current ones by default) the enterprise matches, each with its match, in
    the order "for you" lists them: open windows first (closing soonest first), then the rest,
    newest first. Each policy is its `Terms` only (MATCHED_ON): a page reads in full the ones
    it shows."""
    day = day or timezone.localdate()
    facts = facts_of(enterprise, day)
    if policies is None:
        policies = Policy.objects.current(day)
    policies = policies.filter(could_match(facts))
    # could_match kept only the policies for no township or for the enterprise's: a policy's
    # townships, for `match`, are the enterprise's or none.
    places = Policy.townships.through.objects.filter(policy_id=OuterRef("pk"))
    found = []
    for *values, has_places in policies.values_list(*MATCHED_ON, Exists(places)):
        candidate = Terms(*values)
        township_ids = {facts.township_id} if has_places else set()
        found_match = match(candidate, facts, day, township_ids=township_ids)
        if found_match is not None:
            found.append((candidate, found_match))

    def order(item):
        policy = item[0]
        is_open = policy.is_open(day)
        return (
            0 if is_open else 1,
            policy.window_closes.toordinal() if is_open else 0,
            -policy.issued_on.toordinal(),
            -policy.pk,
        )

    return sorted(found, key=order)


def policies_for(
    enterprise: Enterprise, policies: QuerySet | None = None, day: datetime.date | None = None
) -> list[tuple[Policy, Match]]:
    """`matches_for`, each policy read in full (with whatever the caller's queryset selects or
    prefetches)."""
    if policies is None:
        policies = Policy.objects.current(day or timezone.localdate())
    found = matches_for(enterprise, policies, day)
    full = policies.in_bulk([policy.pk for policy, _ in found])
    # (a policy withdrawn or expired between the two reads is left out)
    return [(full[policy.pk], found_match) for policy, found_match in found if policy.pk in full]

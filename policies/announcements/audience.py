"""Who an announcement reaches: its criteria (a dictionary kept on the announcement or a saved
segment) turned into the users to tell.

Two kinds of criteria, and the recipients are the union of both:

- enterprises: all member enterprises, or those matching every stated condition (industry
  sections, size classes, townships, chambers they belong to now, valid qualifications).
  Their active users are told;
- people: holders of current posts of the chosen positions (any organisation), the leaders
  who take turns as executive chair (the roster's pool), and staff seconded to the
  federation now or in a coming month (with an account).
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from chambers.models import Affiliation, Post, Secondment
from members.models import Enterprise, EnterpriseQualification

ENTERPRISE_KEYS = ("industries", "sizes", "townships", "chambers", "qualifications")
PEOPLE_KEYS = ("positions", "leaders", "seconded")
KEYS = ("all_members", *ENTERPRISE_KEYS, *PEOPLE_KEYS)


def clean_criteria(criteria: dict) -> dict:
    """The criteria with only the known keys, each kept when it says something."""
    return {key: criteria[key] for key in KEYS if criteria.get(key)}


def is_empty(criteria: dict) -> bool:
    return not clean_criteria(criteria)


def enterprises(criteria: dict):
    """The member enterprises the criteria choose (none when only people are chosen)."""
    criteria = clean_criteria(criteria)
    if not any(key in criteria for key in ("all_members", *ENTERPRISE_KEYS)):
        return Enterprise.objects.none()
    chosen = Enterprise.objects.members()
    if criteria.get("all_members"):
        return chosen
    if industries := criteria.get("industries"):
        chosen = chosen.filter(industry__in=industries)
    if sizes := criteria.get("sizes"):
        chosen = chosen.filter(size__in=sizes)
    if townships := criteria.get("townships"):
        chosen = chosen.filter(township_id__in=townships)
    if chambers := criteria.get("chambers"):
        current = Affiliation.objects.filter(organization_id__in=chambers, left_on__isnull=True)
        chosen = chosen.filter(pk__in=current.values("enterprise_id"))
    if qualifications := criteria.get("qualifications"):
        valid = EnterpriseQualification.objects.valid().filter(kind__in=qualifications)
        chosen = chosen.filter(pk__in=valid.values("enterprise_id"))
    return chosen


def people(criteria: dict, day=None) -> Q | None:
    """The condition on users chosen as people, or None when no person is chosen."""
    criteria = clean_criteria(criteria)
    day = day or timezone.localdate()
    conditions = []
    if positions := criteria.get("positions"):
        held = Post.objects.current(day).filter(position__in=positions)
        conditions.append(Q(pk__in=held.values("holder_id")))
    if criteria.get("leaders"):
        conditions.append(Q(pk__in=Post.objects.eligible_for_duty(day).values("holder_id")))
    if criteria.get("seconded"):
        seconded = Secondment.objects.filter(ends_on__gte=day, user__isnull=False)
        conditions.append(Q(pk__in=seconded.values("user_id")))
    if not conditions:
        return None
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    return condition


def recipients(criteria: dict, day=None):
    """The active users the criteria reach, each once (a queryset)."""
    users = get_user_model().objects.filter(is_active=True)
    condition = Q(enterprise__in=enterprises(criteria))
    if (chosen := people(criteria, day)) is not None:
        condition |= chosen
    elif not any(key in clean_criteria(criteria) for key in ("all_members", *ENTERPRISE_KEYS)):
        return users.none()
    return users.filter(condition)  # subqueries only: no join repeats a user


def count(criteria: dict, day=None) -> int:
    return recipients(criteria, day).count()


def describe(criteria: dict) -> list[str]:
    """The criteria in words, one line each, in the reader's language."""
    from django.utils.translation import gettext as _

    from chambers.models import Organization
    from members.choices import Industry, Qualification, SizeClass
    from members.models import Township

    criteria = clean_criteria(criteria)
    lines = []
    if criteria.get("all_members"):
        lines.append(_("All member enterprises"))

    def labelled(key, title, choices):
        if values := criteria.get(key):
            lines.append(f"{title}: " + "、".join(str(choices.get(v, v)) for v in values))

    labelled("industries", _("Industries"), dict(Industry.choices))
    labelled("sizes", _("Sizes"), dict(SizeClass.choices))
    if townships := criteria.get("townships"):
        labelled(
            "townships",
            _("Townships and streets"),
            Township.objects.filter(pk__in=townships).names(),
        )
    if chambers := criteria.get("chambers"):
        names = dict(Organization.objects.filter(pk__in=chambers).values_list("pk", "name"))
        labelled("chambers", _("Members of the chambers"), names)
    labelled("qualifications", _("Qualifications (verified, valid)"), dict(Qualification.choices))
    labelled("positions", _("Holders of the posts"), dict(Post.Position.choices))
    if criteria.get("leaders"):
        lines.append(_("Leaders who take turns as executive chair"))
    if criteria.get("seconded"):
        lines.append(_("Staff seconded to the federation (now or in a coming month)"))
    return lines

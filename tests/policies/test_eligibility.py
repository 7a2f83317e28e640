"""Eligibility: the reasons an enterprise matches, and the one rule applied both ways (one
enterprise against the policies, one policy against every enterprise) giving the same answer."""

import datetime
import itertools

import pytest
from django.utils import timezone

from members.choices import Qualification, SizeClass
from members.models import Enterprise, Township
from policies import eligibility
from policies.models import Policy
from tests.factories import EnterpriseFactory

from .factories import PolicyFactory, QualificationFactory

pytestmark = pytest.mark.django_db


def years_ago(years, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def test_a_manufacturer_in_yanqing_town_matches_with_its_reasons():
    yanqing = Township.objects.get(name="延庆镇")
    firm = EnterpriseFactory(industry="C", industry_division="13", township=yanqing)
    policy = PolicyFactory(industries=["C"], sizes=[SizeClass.SMALL], townships=[yanqing])

    found = eligibility.match(policy, eligibility.facts_of(firm))

    assert found is not None
    assert found.reasons == ["行业 C13", "小型企业", "延庆镇"]
    assert [p for p, _ in eligibility.policies_for(firm)] == [policy]


def test_unchecked_conditions_and_a_missing_founding_date_are_left_to_the_enterprise():
    firm = EnterpriseFactory(founded_on=None)
    policy = PolicyFactory(
        min_years_founded=3, unchecked_conditions="年纳税额50万元以上\n\n无失信记录"
    )

    found = eligibility.match(policy, eligibility.facts_of(firm))

    assert found.to_check == ["成立满3年", "年纳税额50万元以上", "无失信记录"]


def test_a_qualification_counts_only_verified_and_unexpired():
    firm = EnterpriseFactory()
    policy = PolicyFactory(qualifications=[Qualification.HIGH_TECH, Qualification.SPECIALISED])
    held = QualificationFactory(enterprise=firm, verified_at=None)
    assert eligibility.match(policy, eligibility.facts_of(firm)) is None

    held.verified_at = timezone.now()
    held.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    held.save()
    assert eligibility.match(policy, eligibility.facts_of(firm)) is None

    held.valid_until = timezone.localdate()
    held.save()
    assert eligibility.match(policy, eligibility.facts_of(firm)).reasons == ["高新技术企业"]


def test_the_two_directions_agree():
    """Every combination of a spread of enterprises and policies: an enterprise is among the
    policy's enterprises exactly when the policy is among the enterprise's policies."""
    yanqing = Township.objects.get(name="延庆镇")
    other = Township.objects.exclude(pk=yanqing.pk).first()
    firms = [
        EnterpriseFactory(industry="C", industry_division="13", township=yanqing),
        EnterpriseFactory(industry="C", industry_division="", size=SizeClass.MEDIUM),
        EnterpriseFactory(industry="I", industry_division="65", township=other),
        EnterpriseFactory(industry="F", founded_on=years_ago(3)),
        EnterpriseFactory(industry="F", founded_on=years_ago(3, days=-1)),
        EnterpriseFactory(industry="M", founded_on=years_ago(8, days=1)),
        EnterpriseFactory(founded_on=None, status=Enterprise.Status.SUSPENDED),
        EnterpriseFactory(status=Enterprise.Status.WITHDRAWN),
    ]
    QualificationFactory(enterprise=firms[2], kind=Qualification.TECH_SME)
    QualificationFactory(enterprise=firms[3], kind=Qualification.TECH_SME, verified_at=None)
    policies = [
        PolicyFactory(),
        PolicyFactory(industries=["C"]),
        PolicyFactory(industries=["C13", "I"]),
        PolicyFactory(sizes=[SizeClass.SMALL], townships=[yanqing]),
        PolicyFactory(min_years_founded=3),
        PolicyFactory(max_years_founded=7),
        PolicyFactory(min_years_founded=3, max_years_founded=7),
        PolicyFactory(members_only=True),
        PolicyFactory(qualifications=[Qualification.TECH_SME]),
    ]
    by_enterprise = {
        firm.pk: {p.pk for p, _ in eligibility.policies_for(firm, Policy.objects.all())}
        for firm in firms
    }
    for policy, firm in itertools.product(policies, firms):
        in_sql = eligibility.enterprises_for(policy).filter(pk=firm.pk).exists()
        assert in_sql == (policy.pk in by_enterprise[firm.pk]), (policy.__dict__, firm.pk)
    # the spread is wide enough to mean something: each policy matches some and not all
    for policy in policies[1:]:
        assert (
            0
            < eligibility.enterprises_for(policy).filter(pk__in=[f.pk for f in firms]).count()
            < len(firms)
        )


def test_policies_for_you_lists_open_windows_first_closing_soonest_first():
    firm = EnterpriseFactory()
    today = timezone.localdate()
    no_window = PolicyFactory(window_opens=None, window_closes=None)
    later = PolicyFactory(window_closes=today + datetime.timedelta(days=40))
    sooner = PolicyFactory(window_closes=today + datetime.timedelta(days=5))
    PolicyFactory(status=Policy.Status.DRAFT)
    PolicyFactory(
        valid_until=today - datetime.timedelta(days=1), window_closes=None, window_opens=None
    )

    assert [p for p, _ in eligibility.policies_for(firm)] == [sooner, later, no_window]

"""Factories for the federation's organisations, their terms, leaders and member enterprises."""

import datetime

import factory
from factory.django import DjangoModelFactory

from chambers.models import Affiliation, FourGoodEvaluation, Organization, Post, Term
from tests.factories import EnterpriseFactory, UserFactory


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"chamber-{n}")
    name = factory.Sequence(lambda n: f"延庆区测试商会{n:03d}")
    kind = Organization.Kind.INDUSTRY


class TermFactory(DjangoModelFactory):
    """A term begun in 2023 and still running; pass `ends_on` for a past one."""

    class Meta:
        model = Term

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: n + 1)
    starts_on = datetime.date(2023, 1, 1)
    ends_on = None


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    term = factory.SubFactory(TermFactory)
    holder = factory.SubFactory(UserFactory)
    position = Post.Position.PRESIDENT
    started_on = factory.LazyAttribute(lambda post: post.term.starts_on)


class AffiliationFactory(DjangoModelFactory):
    class Meta:
        model = Affiliation

    organization = factory.SubFactory(OrganizationFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    role = Affiliation.Role.MEMBER_UNIT
    joined_on = datetime.date(2024, 3, 1)


class FourGoodEvaluationFactory(DjangoModelFactory):
    class Meta:
        model = FourGoodEvaluation

    organization = factory.SubFactory(OrganizationFactory)
    year = 2024
    level = FourGoodEvaluation.Level.DISTRICT
    political_guidance = FourGoodEvaluation.Rating.GOOD
    team_building = FourGoodEvaluation.Rating.GOOD
    service = FourGoodEvaluation.Rating.GOOD
    self_discipline = FourGoodEvaluation.Rating.GOOD
    awarded = True

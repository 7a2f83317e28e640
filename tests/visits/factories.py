"""Visits: planned ten days ahead by default; `DoneVisitFactory` made a week ago."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from visits.models import Finding, Visit


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit
        skip_postgeneration_save = True

    planned_on = factory.LazyFunction(lambda: days(10))
    purpose = "了解企业生产经营情况"

    @factory.post_generation
    def enterprises(visit, create, extracted, **kwargs):
        if create and extracted:
            visit.enterprises.set(extracted)

    @factory.post_generation
    def organizations(visit, create, extracted, **kwargs):
        if create and extracted:
            visit.organizations.set(extracted)

    @factory.post_generation
    def visitors(visit, create, extracted, **kwargs):
        if create and extracted:
            visit.visitors.set(extracted)


class DoneVisitFactory(VisitFactory):
    planned_on = factory.LazyFunction(lambda: days(-7))
    done_on = factory.LazyAttribute(lambda visit: visit.planned_on)
    status = Visit.Status.DONE
    met = "总经理王某"
    found = "企业经营总体平稳，反映融资成本较高。"


class FindingFactory(DjangoModelFactory):
    class Meta:
        model = Finding

    visit = factory.SubFactory(DoneVisitFactory)
    enterprise = factory.SubFactory("tests.factories.EnterpriseFactory")
    text = "流动资金贷款续贷困难。希望协调银行延长期限。"

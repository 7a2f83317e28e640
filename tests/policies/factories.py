import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from members.models import EnterpriseQualification
from policies.models import Policy
from tests.factories import UserFactory


class PolicyFactory(DjangoModelFactory):
    """A published policy for every enterprise, valid for a year, its window open today."""

    class Meta:
        model = Policy
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"延庆区支持企业发展若干措施（第{n}号）")
    document_number = factory.Sequence(lambda n: f"延政发〔2026〕{n}号")
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
    window_opens = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    window_closes = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20))
    summary = "对符合条件的企业给予资金支持。"
    body = "第一条 为支持企业发展，制定本措施。"
    status = Policy.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory, is_staff=True)

    @factory.post_generation
    def townships(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.townships.set(extracted)

    @factory.post_generation
    def departments(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.departments.set(extracted)

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.topics.set(extracted)


class QualificationFactory(DjangoModelFactory):
    """A verified qualification, valid for two more years."""

    class Meta:
        model = EnterpriseQualification

    kind = EnterpriseQualification.Kind.HIGH_TECH
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=730))
    verified_at = factory.LazyFunction(timezone.now)

"""An enterprise's subscriptions and qualifications saved from two tabs at the same moment,
each on its own connection: one row each, and never a 500."""

import pytest
from django.core.exceptions import ValidationError

from members import services as member_services
from members.models import EnterpriseQualification
from policies import services
from policies.models import Subscription, Topic
from tests.factories import EnterpriseFactory, UserFactory
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_subscription_saves_at_once_keep_one_subscription():
    user = UserFactory(enterprise=EnterpriseFactory())
    topic, _ = Topic.objects.get_or_create(code="test-finance", defaults={"name": "测试融资"})

    def save():
        services.set_subscriptions(
            enterprise=user.enterprise, actor=user, topics=[topic], departments=[]
        )

    assert run_together([save, save]) == []
    assert Subscription.objects.filter(enterprise=user.enterprise, topic=topic).count() == 1


def test_two_tabs_declaring_the_same_kind_at_once_get_a_message():
    user = UserFactory(enterprise=EnterpriseFactory())

    def declare(number):
        return lambda: member_services.declare_qualification(
            enterprise=user.enterprise, actor=user, kind="high_tech",
            certificate_number=number, valid_until=None,
        )  # fmt: skip

    errors = run_together([declare("GR1"), declare("GR2")])

    assert EnterpriseQualification.objects.filter(enterprise=user.enterprise).count() == 1
    assert all(isinstance(error, ValidationError) for error in errors)

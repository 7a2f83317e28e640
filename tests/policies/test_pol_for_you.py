""" "Policies for you": the current policies an enterprise matches, open windows first, each
with its reasons and what to check itself; and its subscriptions to topics and departments."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Township
from petitions.models import Department
from policies.models import Subscription, Topic
from tests.conftest import client_for
from tests.factories import EnterpriseFactory, UserFactory

from .factories import PolicyFactory, QualificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manufacturer(db):
    yanqing = Township.objects.get(name="延庆镇")
    return EnterpriseFactory(
        name="延庆精密制造有限公司", industry="C", industry_division="13", size="small",
        township=yanqing,
    )  # fmt: skip


@pytest.fixture
def client_m(manufacturer):
    return client_for(UserFactory(enterprise=manufacturer))


def found(response):
    return [policy.title for policy, _ in response.context["found"]]


def test_matching_policies_open_windows_first_with_reasons(client_m, manufacturer, staff):
    today = timezone.localdate()
    yanqing = manufacturer.township
    PolicyFactory(
        title="已截止的制造业政策", industries=["C"], window_opens=today - datetime.timedelta(60),
        window_closes=today - datetime.timedelta(1), created_by=staff,
    )  # fmt: skip
    PolicyFactory(
        title="延庆镇小微制造企业补贴", industries=["C13"], sizes=["small"], townships=[yanqing],
        window_closes=today + datetime.timedelta(30), created_by=staff,
        unchecked_conditions="近三年无重大安全事故",
    )  # fmt: skip
    PolicyFactory(
        title="即将截止的普惠政策", window_closes=today + datetime.timedelta(3), created_by=staff
    )
    PolicyFactory(title="软件企业政策", industries=["I"], created_by=staff)
    PolicyFactory(title="草稿政策", status="draft", created_by=staff)

    response = client_m.get(reverse("policies:for_you"))

    assert found(response) == ["即将截止的普惠政策", "延庆镇小微制造企业补贴", "已截止的制造业政策"]
    page = response.content.decode()
    assert "行业 C13 · 小型企业 · 延庆镇" in page
    assert "近三年无重大安全事故" in page
    assert "面向所有企业" in page
    assert reverse("policies:subscriptions") in page


def test_a_verified_qualification_brings_its_policies(client_m, manufacturer, staff):
    PolicyFactory(title="高企奖励", qualifications=["high_tech"], created_by=staff)
    declared = QualificationFactory(enterprise=manufacturer, verified_at=None)

    assert found(client_m.get(reverse("policies:for_you"))) == []

    declared.verified_at = timezone.now()
    declared.save()
    response = client_m.get(reverse("policies:for_you"))
    assert found(response) == ["高企奖励"]
    assert "高新技术企业" in response.content.decode()


def test_for_you_costs_a_constant_number_of_queries(client_m, staff, django_assert_max_num_queries):
    department = Department.objects.create(name="区科委", code="kw")
    for _ in range(30):
        PolicyFactory(departments=[department], townships=[], created_by=staff)
    with django_assert_max_num_queries(10):
        response = client_m.get(reverse("policies:for_you"))
    assert len(found(response)) == 20  # a page
    assert response.context["page"].paginator.count == 30


def test_for_you_pages_twenty_at_a_time_open_windows_first(client_m, staff):
    today = timezone.localdate()
    for n in range(25):
        PolicyFactory(
            title=f"政策{n:02d}",
            created_by=staff,
            window_closes=today + datetime.timedelta(days=n + 1),
        )
    first = client_m.get(reverse("policies:for_you"))
    second = client_m.get(reverse("policies:for_you"), {"page": 2})
    assert 'id="match-count">25<' in first.content.decode()
    assert found(first) + found(second) == [f"政策{n:02d}" for n in range(25)]
    assert len(found(second)) == 5


def test_staff_and_applicants_have_no_policies_for_them(staff_client, applicant):
    assert staff_client.get(reverse("policies:for_you")).status_code == 403
    assert client_for(applicant).get(reverse("policies:for_you")).status_code == 403


def test_an_enterprise_subscribes_and_unsubscribes_in_one_form(client_a, enterprise_a):
    Department.objects.create(name="区科委", code="kw")
    url = reverse("policies:subscriptions")

    client_a.post(url, {"topics": ["finance", "tax"], "departments": ["kw"]})
    held = Subscription.objects.filter(enterprise=enterprise_a)
    assert sorted(s.topic.code for s in held if s.topic) == ["finance", "tax"]
    assert [s.department.code for s in held if s.department] == ["kw"]
    kept = held.get(topic__code="tax")

    client_a.post(url, {"topics": ["tax", "talent"]})
    held = Subscription.objects.filter(enterprise=enterprise_a)
    assert sorted(s.topic.code for s in held) == ["talent", "tax"]
    assert held.get(topic__code="tax").pk == kept.pk

    form = client_a.get(url).context["form"]
    assert sorted(t.code for t in Topic.objects.filter(pk__in=form.initial["topics"])) == [
        "talent",
        "tax",
    ]


def test_one_enterprises_subscriptions_are_not_anothers(client_a, client_b, enterprise_b):
    client_a.post(reverse("policies:subscriptions"), {"topics": ["finance"]})

    assert not Subscription.objects.filter(enterprise=enterprise_b).exists()
    form = client_b.get(reverse("policies:subscriptions")).context["form"]
    assert form.initial["topics"] == []


def test_a_bad_subscription_value_is_a_message_not_an_error(client_a, enterprise_a):
    response = client_a.post(reverse("policies:subscriptions"), {"topics": ["nonesuch"]})

    assert response.status_code == 200
    assert response.context["form"].errors["topics"]
    assert not Subscription.objects.filter(enterprise=enterprise_a).exists()

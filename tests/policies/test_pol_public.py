"""The public policy pages: anyone reads the published policies, searches them in Chinese or
pinyin, filters by department, topic and open window, and reads a policy's page whole."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from petitions.models import Department
from policies import services
from policies.models import Policy, Topic
from tests.conftest import client_for
from tests.uploads import PDF

from .factories import PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    return client_for(None)


@pytest.fixture
def jxj(db):
    return Department.objects.create(name="区经济和信息化局", code="jxj")


@pytest.fixture
def rsj(db):
    return Department.objects.create(name="区人力资源和社会保障局", code="rsj")


def titles(response) -> set[str]:
    return {policy.title for policy in response.context["policies"]}


def search(client, **query):
    return titles(client.get(reverse("policies:list"), query))


def test_anonymous_visitors_read_published_policies_only(anonymous, staff):
    PolicyFactory(title="创新券支持办法", created_by=staff)
    PolicyFactory(title="草稿", status=Policy.Status.DRAFT, created_by=staff)
    PolicyFactory(title="已撤回", status=Policy.Status.WITHDRAWN, created_by=staff)

    assert search(anonymous) == {"创新券支持办法"}


def test_search_finds_chinese_in_title_summary_text_and_document_number(anonymous, staff):
    PolicyFactory(title="创新券支持办法", summary="科技服务", body="第一条", created_by=staff)
    PolicyFactory(title="稳岗补贴", summary="援企稳岗", body="失业保险返还", created_by=staff)
    PolicyFactory(
        title="用地保障", document_number="京延政发〔2026〕12号", body="第一条", created_by=staff
    )

    assert search(anonymous, q="创新券") == {"创新券支持办法"}
    assert search(anonymous, q="援企") == {"稳岗补贴"}
    assert search(anonymous, q="失业保险") == {"稳岗补贴"}
    assert search(anonymous, q="〔2026〕12号") == {"用地保障"}
    assert search(anonymous, q="稳岗 返还") == {"稳岗补贴"}
    assert search(anonymous, q="稳岗 创新") == set()


def test_search_by_pinyin_as_the_directory_does(anonymous, staff):
    PolicyFactory(title="创新券支持办法", created_by=staff)
    PolicyFactory(title="新型园区建设", created_by=staff)

    assert search(anonymous, q="cxq") == {"创新券支持办法"}
    assert search(anonymous, q="chuangxin") == {"创新券支持办法"}
    assert search(anonymous, q="ChuangXin Quan") == {"创新券支持办法"}
    assert search(anonymous, q="xinxing") == {"新型园区建设"}
    # whole syllables in a row: 「xinyu」 is not 新型园区 (xin xing yuan)
    assert search(anonymous, q="xinyu") == set()


def test_filters_by_department_topic_and_open_window(anonymous, staff, jxj, rsj):
    today = timezone.localdate()
    finance = Topic.objects.get(code="finance")
    PolicyFactory(title="经信局政策", departments=[jxj], topics=[finance], created_by=staff)
    PolicyFactory(
        title="人社局政策",
        departments=[rsj],
        window_opens=today - datetime.timedelta(days=30),
        window_closes=today - datetime.timedelta(days=1),
        created_by=staff,
    )

    assert search(anonymous, department="jxj") == {"经信局政策"}
    assert search(anonymous, topic="finance") == {"经信局政策"}
    assert search(anonymous, open_now="on") == {"经信局政策"}
    assert search(anonymous, department="rsj", open_now="on") == set()


def test_the_department_filter_lists_only_departments_with_a_published_policy(
    anonymous, staff, jxj, rsj
):
    PolicyFactory(title="经信局政策", departments=[jxj], created_by=staff)
    PolicyFactory(title="另一项经信局政策", departments=[jxj], created_by=staff)
    PolicyFactory(
        title="人社局草稿", departments=[rsj], status="draft", published_at=None, created_by=staff
    )

    form = anonymous.get(reverse("policies:list")).context["form"]

    assert list(form.fields["department"].queryset) == [jxj]


def test_an_unknown_filter_value_finds_nothing_and_is_no_error(anonymous, staff):
    PolicyFactory(created_by=staff)

    response = anonymous.get(reverse("policies:list"), {"department": "nonesuch"})

    assert response.status_code == 200
    assert titles(response) == set()


def test_the_list_is_paginated(anonymous, staff):
    for n in range(25):
        PolicyFactory(title=f"政策{n:02d}", created_by=staff)

    first = anonymous.get(reverse("policies:list"))
    second = anonymous.get(reverse("policies:list"), {"page": 2})

    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert first.context["policies"].paginator.count == 25


def test_the_list_costs_a_constant_number_of_queries(
    anonymous, staff, jxj, django_assert_max_num_queries
):
    finance = Topic.objects.get(code="finance")
    for _ in range(20):
        PolicyFactory(created_by=staff, departments=[jxj], topics=[finance])
    with django_assert_max_num_queries(8):
        response = anonymous.get(reverse("policies:list"), {"q": "延庆", "topic": "finance"})
    assert len(titles(response)) == 20


def test_a_policys_page_shows_the_document_guide_validity_window_and_files(
    anonymous, staff, jxj, django_assert_max_num_queries
):
    today = timezone.localdate()
    policy = PolicyFactory(
        title="延庆区支持高新技术企业发展办法",
        document_number="延政发〔2026〕3号",
        departments=[jxj],
        interpretation="本办法重点支持首次认定的高新技术企业。",
        beneficiaries="区内高新技术企业",
        benefit="一次性奖励10万元",
        where_to_apply="延庆区政务服务中心二层",
        contact="010-69100000",
        industries=["C", "I65"],
        qualifications=["high_tech"],
        unchecked_conditions="近三年无重大安全事故",
        created_by=staff,
    )
    services.add_attachment(
        policy=policy, actor=staff, upload=SimpleUploadedFile("申报表.pdf", PDF)
    )

    with django_assert_max_num_queries(10):
        response = anonymous.get(reverse("policies:detail", args=[policy.public_id]))

    page = response.content.decode()
    for text in (
        "延政发〔2026〕3号", "区经济和信息化局", "本办法重点支持", "区内高新技术企业",
        "一次性奖励10万元", "延庆区政务服务中心二层", "010-69100000", "申报表.pdf", "C, I65",
        "高新技术企业", "近三年无重大安全事故", "正在申报", "已发布",
        f"{policy.window_closes.year}年{policy.window_closes.month}月{policy.window_closes.day}日",
    ):  # fmt: skip
        assert text in page, text
    assert "staff-panel" not in page
    assert policy.valid_until > today


def test_an_expired_policy_says_so(anonymous, staff):
    policy = PolicyFactory(
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
        window_opens=None,
        window_closes=None,
        created_by=staff,
    )

    page = anonymous.get(reverse("policies:detail", args=[policy.public_id])).content.decode()

    assert "已失效" in page
    assert "正在申报" not in page


def test_staff_see_their_tools_on_the_page(staff_client, staff):
    policy = PolicyFactory(created_by=staff)

    page = staff_client.get(reverse("policies:detail", args=[policy.public_id])).content.decode()

    assert 'id="staff-panel"' in page
    assert reverse("policies:edit", args=[policy.public_id]) in page
    assert 'id="withdraw-form"' in page

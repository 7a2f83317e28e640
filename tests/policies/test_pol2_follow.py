"""Following a policy through (申兑): the first reading is noted, an enterprise marks the policy
with its history kept, and a question becomes a petition of category "policy"."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petitions.models import Petition
from policies import follow
from policies.models import FollowUp, Policy, Question
from tests.conftest import client_for

from .factories import PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy():
    return PolicyFactory(title="延庆区科技型企业研发费用补贴办法")


def page(client, policy):
    return client.get(reverse("policies:detail", args=[policy.public_id]))


def mark(client, policy, **data):
    return client.post(reverse("policies:mark", args=[policy.public_id]), data, follow=True)


def test_the_first_reading_by_an_enterprise_user_is_noted_once(policy, user_a, colleague_a):
    page(client_for(user_a), policy)
    follow_up = FollowUp.objects.get(policy=policy, enterprise=user_a.enterprise)
    first = follow_up.read_at
    assert first is not None

    page(client_for(colleague_a), policy)
    page(client_for(user_a), policy)

    follow_up.refresh_from_db()
    assert follow_up.read_at == first
    assert FollowUp.objects.count() == 1


def test_a_reading_already_noted_writes_nothing(policy, user_a):
    follow.record_read(policy=policy, user=user_a)

    with CaptureQueriesContext(connection) as queries:
        follow.record_read(policy=policy, user=user_a)
    assert len(queries) == 1 and queries[0]["sql"].startswith("SELECT")


def test_staff_and_visitors_reading_leave_no_follow_up(policy, staff, client):
    page(client_for(staff), policy)
    page(client, policy)
    assert not FollowUp.objects.exists()


def test_a_draft_is_not_shown_to_an_enterprise(user_a):
    draft = PolicyFactory(status=Policy.Status.DRAFT)
    assert page(client_for(user_a), draft).status_code == 404
    assert not FollowUp.objects.exists()


def test_an_enterprise_marks_a_policy_and_its_history_is_kept(policy, user_a):
    client = client_for(user_a)
    mark(client, policy, state="will_apply")
    mark(client, policy, state="applied")
    response = mark(client, policy, state="granted", amount="200000")

    follow_up = FollowUp.objects.get(policy=policy, enterprise=user_a.enterprise)
    assert (follow_up.state, follow_up.amount) == ("granted", Decimal("200000"))
    assert follow_up.marked_by == user_a and follow_up.read_at is not None
    states = [h.state for h in follow_up.history.order_by("history_date")]
    assert [s for s in states if s] == ["will_apply", "applied", "granted"]
    assert "已兑现" in response.content.decode()


def test_granted_without_an_amount_is_refused_with_a_message(policy, user_a):
    client = client_for(user_a)
    mark(client, policy, state="applied")

    response = mark(client, policy, state="granted")

    assert response.status_code == 200
    assert "请填写兑现金额" in response.content.decode()
    follow_up = FollowUp.objects.get(policy=policy)
    assert follow_up.state == "applied" and follow_up.amount is None


def test_an_unknown_mark_is_refused(policy, user_a):
    response = mark(client_for(user_a), policy, state="paid")
    assert response.status_code == 200
    assert not FollowUp.objects.filter(state="paid").exists()


def test_another_mark_than_granted_drops_the_amount(policy, user_a):
    client = client_for(user_a)
    mark(client, policy, state="refused", amount="5000")
    assert FollowUp.objects.get(policy=policy).amount is None


def test_staff_do_not_mark_for_an_enterprise(policy, staff):
    response = client_for(staff).post(
        reverse("policies:mark", args=[policy.public_id]), {"state": "applied"}
    )
    assert response.status_code == 403
    assert not FollowUp.objects.exists()


def test_a_question_becomes_a_policy_petition_shown_to_the_asker_and_staff(
    policy, user_a, user_b, staff
):
    response = client_for(user_a).post(
        reverse("policies:ask", args=[policy.public_id]), {"text": "研发费用如何归集？"}
    )

    question = Question.objects.get(policy=policy)
    petition = question.petition
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:detail", args=[petition.public_id])
    assert (petition.category, petition.enterprise) == ("policy", user_a.enterprise)
    assert petition.description == "研发费用如何归集？"
    assert policy.title in petition.title
    assert petition.tracking_number in page(client_for(user_a), policy).content.decode()
    assert petition.tracking_number in page(client_for(staff), policy).content.decode()
    assert petition.tracking_number not in page(client_for(user_b), policy).content.decode()


def test_an_empty_question_files_nothing(policy, user_a):
    response = client_for(user_a).post(
        reverse("policies:ask", args=[policy.public_id]), {"text": "  "}, follow=True
    )
    assert "请写下您的问题" in response.content.decode()
    assert not Petition.objects.exists() and not Question.objects.exists()


def test_staff_find_publishing_and_the_funnel_on_the_policys_page(staff, user_a):
    draft = PolicyFactory(status=Policy.Status.DRAFT, published_at=None)
    html = page(client_for(staff), draft).content.decode()
    assert reverse("policies:publish", args=[draft.public_id]) in html
    assert reverse("policies:funnel_policy", args=[draft.public_id]) in html
    published = PolicyFactory()
    assert reverse("policies:publish", args=[published.public_id]) not in (
        page(client_for(staff), published).content.decode()
    )
    funnel_url = reverse("policies:funnel_policy", args=[published.public_id])
    assert funnel_url not in page(client_for(user_a), published).content.decode()


def test_a_question_sent_twice_files_one_petition(policy, user_a):
    client = client_for(user_a)
    html = page(client, policy).content.decode()
    token = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    data = {"text": "研发费用如何归集？", "submission": token}
    url = reverse("policies:ask", args=[policy.public_id])

    first = client.post(url, data)
    second = client.post(url, data)

    assert Question.objects.count() == Petition.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.usefixtures("page_cache")
def test_the_kept_page_records_the_first_reading_and_shows_each_new_mark(
    policy, user_a, colleague_a
):
    client = client_for(user_a)
    page(client, policy)  # the first reading writes: that page is not kept
    read_at = FollowUp.objects.get(policy=policy).read_at
    page(client, policy)  # kept now
    page(client_for(colleague_a), policy)

    mark(client, policy, state="applied")
    html = page(client, policy).content.decode()

    assert "本企业标记：已申报" in html
    assert FollowUp.objects.get(policy=policy).read_at == read_at

"""Following a policy through (申兑): the first reading is noted, an enterprise marks the policy
with its history kept, and a question becomes a petition of category "policy"."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Enterprise
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


def set_status(user, status):
    Enterprise.objects.filter(pk=user.enterprise_id).update(status=status)
    user.refresh_from_db()


def ask(client, policy, text="申报材料需要盖章吗？"):
    return client.post(reverse("policies:ask", args=[policy.public_id]), {"text": text})


def test_a_withdrawn_enterprises_users_neither_ask_nor_mark(policy, user_a):
    follow_up = FollowUp.objects.create(policy=policy, enterprise=user_a.enterprise)
    set_status(user_a, Enterprise.Status.WITHDRAWN)
    client = client_for(user_a)

    html = page(client, policy).content.decode()
    asked = ask(client, policy)
    marked = client.post(reverse("policies:mark", args=[policy.public_id]), {"state": "applied"})

    assert 'id="ask-form"' not in html and 'id="mark-form"' not in html
    assert asked.status_code == marked.status_code == 403
    assert not Petition.objects.exists() and not Question.objects.exists()
    follow_up.refresh_from_db()
    assert follow_up.state == "" and follow_up.marked_by is None


def test_a_suspended_members_users_mark_but_do_not_ask(policy, user_a):
    set_status(user_a, Enterprise.Status.SUSPENDED)
    client = client_for(user_a)

    html = page(client, policy).content.decode()
    asked = ask(client, policy)
    mark(client, policy, state="will_apply")

    assert 'id="mark-form"' in html and 'id="ask-form"' not in html
    assert asked.status_code == 403
    assert not Petition.objects.exists() and not Question.objects.exists()
    assert FollowUp.objects.get(policy=policy).state == "will_apply"


def test_the_service_refuses_a_question_from_whoever_may_not_file_a_petition(policy, user_a):
    set_status(user_a, Enterprise.Status.SUSPENDED)
    with pytest.raises(PermissionDenied):
        follow.ask_about_policy(policy=policy, actor=user_a, text="可以申报吗？")
    assert not Petition.objects.exists()


def test_the_mark_form_starts_blank_and_must_be_chosen(policy, user_a):
    client = client_for(user_a)
    html = page(client, policy).content.decode()
    select = re.search(r'<select name="state"[^>]*>(.*?)</select>', html, re.S).group(1)
    first = re.search(r"<option([^>]*)>([^<]*)</option>", select)
    assert first.group(2) == "—" and 'value=""' in first.group(1)
    assert re.search(r'<select name="state"[^>]*required', html)

    response = mark(client, policy, state="")

    assert "请从列表中选择" in response.content.decode()
    follow_up = FollowUp.objects.get(policy=policy)  # the reading only
    assert follow_up.state == "" and follow_up.marked_at is None


def test_a_marked_policy_shows_the_enterprises_mark_in_the_form(policy, user_a):
    client = client_for(user_a)
    mark(client, policy, state="applied")
    html = page(client, policy).content.decode()
    assert re.search(r'<option value="applied"[^>]*selected', html)


@pytest.mark.parametrize("amount", ["0", "-100", "0.00"])
def test_granted_with_nothing_or_less_is_refused(policy, user_a, amount):
    client = client_for(user_a)
    mark(client, policy, state="applied")

    response = mark(client, policy, state="granted", amount=amount)

    assert "兑现金额必须大于0元" in response.content.decode()
    follow_up = FollowUp.objects.get(policy=policy)
    assert follow_up.state == "applied" and follow_up.amount is None
    with pytest.raises(ValidationError):
        follow.mark_policy(policy=policy, actor=user_a, state="granted", amount=Decimal(amount))
    follow_up.refresh_from_db()
    assert follow_up.state == "applied"


def test_the_database_refuses_an_amount_of_zero_or_less(policy, enterprise_a):
    for amount in (Decimal("0"), Decimal("-1")):
        with pytest.raises(IntegrityError), transaction.atomic():
            FollowUp.objects.create(
                policy=policy, enterprise=enterprise_a, state="granted", amount=amount
            )
    assert not FollowUp.objects.exists()

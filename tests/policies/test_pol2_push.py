"""Publishing a policy tells the enterprises it is for, once; an enterprise that comes to match
an open policy is told once; matched enterprises that have not marked it are reminded once
before its window closes."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Township
from members.roll import put_on_roll
from notices.models import Notice
from petitions.models import Department
from policies import eligibility, push
from policies.models import FollowUp, Policy, Subscription, Topic
from policies.tasks import policy_scan
from tests.conftest import client_for
from tests.factories import EnterpriseFactory, UserFactory
from tests.members.test_directory import roster_row
from tests.members.test_roll import sheet

from .factories import PolicyFactory, QualificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def yanqing():
    return Township.objects.get(name="延庆镇")


@pytest.fixture
def kangzhuang():
    return Township.objects.get(name="康庄镇")


@pytest.fixture
def draft(yanqing):
    """Manufacturers in 延庆镇, its window open, not yet published."""
    return PolicyFactory(
        status=Policy.Status.DRAFT, published_at=None, industries=["C"], townships=[yanqing]
    )


@pytest.fixture
def matching(yanqing):
    firm = EnterpriseFactory(name="延庆精密制造有限公司", industry="C", township=yanqing)
    return firm, UserFactory(enterprise=firm), UserFactory(enterprise=firm)


@pytest.fixture
def elsewhere(kangzhuang):
    firm = EnterpriseFactory(name="康庄机械有限公司", industry="C", township=kangzhuang)
    return firm, UserFactory(enterprise=firm)


def told(user, policy, kind=None):
    notices = Notice.objects.filter(recipient=user, key=f"policy_told:{policy.pk}:{user.pk}")
    if kind:
        notices = notices.filter(kind=kind)
    return notices.count()


def publish(client, policy, capture):
    with capture(execute=True):
        return client.post(reverse("policies:publish", args=[policy.public_id]))


def test_the_publish_page_counts_the_matched_and_the_subscribed_enterprises(
    staff, draft, matching, elsewhere
):
    topic = Topic.objects.first()
    draft.topics.set([topic])
    Subscription.objects.create(enterprise=elsewhere[0], topic=topic)
    Subscription.objects.create(enterprise=matching[0], topic=topic)  # counted once, matched

    response = client_for(staff).get(reverse("policies:publish", args=[draft.public_id]))

    assert response.status_code == 200
    assert response.context["audience"] == {"matched": 1, "subscribed": 1}
    assert "1 家企业今天符合这项政策" in response.content.decode()


def test_publishing_tells_the_matched_and_subscribed_users_once_each(
    staff, draft, matching, elsewhere, django_capture_on_commit_callbacks
):
    _firm, user, colleague = matching
    department = Department.objects.create(name="区科委", code="kewei")
    draft.departments.set([department])
    Subscription.objects.create(enterprise=elsewhere[0], department=department)
    outsider = UserFactory(enterprise=EnterpriseFactory(industry="A"))

    response = publish(client_for(staff), draft, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Policy.Status.PUBLISHED
    assert draft.published_by == staff and draft.published_at is not None
    assert told(user, draft, "policy_for_you") == told(colleague, draft, "policy_for_you") == 1
    assert told(elsewhere[1], draft, "policy_followed") == 1
    assert not Notice.objects.filter(recipient=outsider).exists()
    assert sorted(m.to[0] for m in mail.outbox if "政策" in m.subject) == sorted(
        [user.email, colleague.email, elsewhere[1].email]
    )


def test_publishing_again_publishes_nothing_twice_and_tells_nobody_twice(
    staff, draft, matching, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    publish(client, draft, django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    first_published_at = draft.published_at

    response = publish(client, draft, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at == first_published_at
    assert told(matching[1], draft) == 1
    assert Notice.objects.filter(kind="policy_for_you").count() == 2


def test_a_withdrawn_policy_published_again_tells_nobody_again(
    staff, draft, matching, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    publish(client, draft, django_capture_on_commit_callbacks)
    Policy.objects.filter(pk=draft.pk).update(status=Policy.Status.WITHDRAWN)

    publish(client, draft, django_capture_on_commit_callbacks)

    draft.refresh_from_db()
    assert draft.status == Policy.Status.PUBLISHED
    assert told(matching[1], draft) == 1


def test_a_policy_whose_validity_has_ended_is_not_published(staff, draft, matching):
    today = timezone.localdate()
    Policy.objects.filter(pk=draft.pk).update(
        valid_from=today - datetime.timedelta(days=100), valid_until=today - datetime.timedelta(1)
    )
    client = client_for(staff)

    page = client.get(reverse("policies:publish", args=[draft.public_id]))
    response = client.post(reverse("policies:publish", args=[draft.public_id]), follow=True)

    assert "有效期已于" in page.content.decode()
    assert "不能发布" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Policy.Status.DRAFT and draft.published_at is None
    assert not Notice.objects.filter(kind__startswith="policy_").exists()


def test_an_enterprise_that_comes_to_match_an_open_policy_is_told_once(
    kangzhuang, yanqing, elsewhere, django_capture_on_commit_callbacks
):
    policy = PolicyFactory(industries=["C"], townships=[yanqing])
    firm, user = elsewhere

    with django_capture_on_commit_callbacks(execute=True):
        firm.township = yanqing
        firm.save()
    assert told(user, policy, "policy_for_you") == 1

    for township in (kangzhuang, yanqing):  # moves away and back: not told again
        with django_capture_on_commit_callbacks(execute=True):
            firm.township = township
            firm.save(update_fields=["township"])
    assert told(user, policy) == 1
    assert Notice.objects.filter(recipient=user).count() == 1


def test_an_enterprise_told_when_the_policy_was_published_is_not_told_again(
    staff, draft, matching, django_capture_on_commit_callbacks
):
    publish(client_for(staff), draft, django_capture_on_commit_callbacks)
    firm, user, _colleague = matching

    with django_capture_on_commit_callbacks(execute=True):
        firm.size = "micro"
        firm.save()

    assert told(user, draft) == 1


def test_a_verified_qualification_that_makes_a_match_tells_once(
    elsewhere, django_capture_on_commit_callbacks
):
    firm, user = elsewhere
    policy = PolicyFactory(qualifications=["high_tech"])
    closed = PolicyFactory(
        qualifications=["high_tech"],
        window_opens=timezone.localdate() - datetime.timedelta(days=30),
        window_closes=timezone.localdate() - datetime.timedelta(days=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        qualification = QualificationFactory(enterprise=firm, kind="high_tech", verified_at=None)
    assert told(user, policy) == 0  # declared, not verified: no match yet

    with django_capture_on_commit_callbacks(execute=True):
        qualification.verified_at = timezone.now()
        qualification.save()
    with django_capture_on_commit_callbacks(execute=True):
        qualification.save()

    assert told(user, policy) == 1
    assert told(user, closed) == 0  # its window is closed: no longer pushed


def test_saving_fields_eligibility_does_not_read_queues_nothing(
    elsewhere, django_capture_on_commit_callbacks
):
    firm, _user = elsewhere
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        firm.address = "北京市延庆区新地址2号"
        firm.save(update_fields=["address"])
    assert callbacks == []


@pytest.fixture
def closing_soon(yanqing, settings):
    settings.POLICY_REMINDER_DAYS = 7
    today = timezone.localdate()
    return PolicyFactory(
        industries=["C"], townships=[yanqing], window_closes=today + datetime.timedelta(days=5)
    )


def test_matched_enterprises_that_have_not_marked_are_reminded_once_before_the_window_closes(
    closing_soon, matching, yanqing, django_capture_on_commit_callbacks
):
    _firm, user, colleague = matching
    applied = EnterpriseFactory(industry="C", township=yanqing)
    applied_user = UserFactory(enterprise=applied)
    FollowUp.objects.create(policy=closing_soon, enterprise=applied, state="applied")
    will = EnterpriseFactory(industry="C", township=yanqing)
    will_user = UserFactory(enterprise=will)
    FollowUp.objects.create(policy=closing_soon, enterprise=will, state="will_apply")

    with django_capture_on_commit_callbacks(execute=True):  # never told of it: told first
        assert policy_scan.delay().get() == {"told": 4, "reminded": 0}
    a_day_ago = timezone.now() - datetime.timedelta(days=1, minutes=1)
    Notice.objects.filter(kind="policy_for_you").update(created_at=a_day_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert policy_scan.delay().get() == {"told": 0, "reminded": 3}
    with django_capture_on_commit_callbacks(execute=True):
        assert policy_scan.delay().get() == {"told": 0, "reminded": 0}

    reminded = Notice.objects.filter(kind="policy_closing")
    assert sorted(reminded.values_list("recipient", flat=True)) == sorted(
        [user.pk, colleague.pk, will_user.pk]
    )
    assert not reminded.filter(recipient=applied_user).exists()
    assert any("截止" in m.subject for m in mail.outbox)


def test_no_reminder_while_the_window_closes_later_than_the_setting(
    closing_soon, matching, settings
):
    settings.POLICY_REMINDER_DAYS = 3
    assert push.remind_closing() == 0
    assert push.remind_closing(closing_soon.window_closes - datetime.timedelta(days=3)) == 2


def test_a_new_enterprise_queues_nothing(yanqing, django_capture_on_commit_callbacks):
    """It has no users yet when it is saved (an approval links the applicant after)."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        EnterpriseFactory(industry="C", township=yanqing)
    assert callbacks == []


def scan(capture):
    with capture(execute=True):
        return policy_scan.delay().get()


def test_the_scan_tells_an_enterprise_the_roster_import_made_match(
    staff, yanqing, elsewhere, django_capture_on_commit_callbacks
):
    policy = PolicyFactory(industries=["C"], townships=[yanqing])
    firm, user = elsewhere
    row = roster_row(1, credit_code=firm.credit_code, name=firm.name, township="延庆镇")

    with django_capture_on_commit_callbacks(execute=True):
        result = put_on_roll(rows=sheet([row]), actor=staff)
    firm.refresh_from_db()
    assert result.figures["update"] == 1 and firm.township == yanqing
    assert told(user, policy) == 0  # a bulk update: no post_save, no task

    assert scan(django_capture_on_commit_callbacks)["told"] == 1
    assert told(user, policy, "policy_for_you") == 1
    assert scan(django_capture_on_commit_callbacks)["told"] == 0
    assert told(user, policy) == 1


def test_the_scan_tells_an_enterprise_whose_task_was_lost_with_the_broker(
    yanqing, elsewhere, django_capture_on_commit_callbacks
):
    policy = PolicyFactory(industries=["C"], townships=[yanqing])
    firm, user = elsewhere
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        firm.township = yanqing
        firm.save()
    assert callbacks  # the task that would have told it, never run: the broker was down
    assert told(user, policy) == 0

    scan(django_capture_on_commit_callbacks)

    assert told(user, policy, "policy_for_you") == 1


def test_the_scan_tells_an_enterprise_whose_change_raced_the_publishing(
    staff, draft, yanqing, elsewhere, django_capture_on_commit_callbacks
):
    firm, user = elsewhere
    # The change commits while the policy is being published: its task still finds a draft...
    with django_capture_on_commit_callbacks(execute=True):
        firm.township = yanqing
        firm.save()
    # ...and the publishing had read the matching enterprises before the change committed.
    as_before = eligibility.enterprises_for

    def before_the_change(policy, day=None):
        return as_before(policy, day).exclude(pk=firm.pk)

    with (
        mock.patch.object(eligibility, "enterprises_for", before_the_change),
        django_capture_on_commit_callbacks(execute=True),
    ):
        push.publish_policy(policy=draft, actor=staff)
    assert told(user, draft) == 0

    scan(django_capture_on_commit_callbacks)

    assert told(user, draft, "policy_for_you") == 1


def test_the_scan_asks_one_query_per_open_policy_whatever_the_number_of_enterprises(
    yanqing, django_capture_on_commit_callbacks
):
    policies = PolicyFactory.create_batch(2, industries=["C"], townships=[yanqing])
    PolicyFactory(industries=["C"], status=Policy.Status.DRAFT)

    def tell():
        with (
            django_capture_on_commit_callbacks(execute=False) as callbacks,
            CaptureQueriesContext(connection) as queries,
        ):
            found = push.tell_matched()
        for callback in callbacks:  # the fan-outs' notices, written after
            callback()
        return sum(len(ids) for ids in found.values()), len(queries)

    def firms(count):
        for firm in EnterpriseFactory.create_batch(count, industry="C", township=yanqing):
            UserFactory(enterprise=firm)

    firms(2)
    few, few_queries = tell()
    firms(25)
    many, many_queries = tell()
    nobody, idle_queries = tell()

    assert (few, many, nobody) == (2 * 2, 25 * 2, 0)
    assert many_queries == few_queries
    assert idle_queries == 2 + len(policies)  # the open policies, their townships, one each


def test_inactive_users_and_withdrawn_enterprises_are_never_told(
    staff, draft, matching, yanqing, django_capture_on_commit_callbacks
):
    _firm, user, colleague = matching
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    gone = EnterpriseFactory(industry="C", township=yanqing, status="withdrawn")
    gone_user = UserFactory(enterprise=gone)
    topic = Topic.objects.first()
    draft.topics.set([topic])
    Subscription.objects.create(enterprise=gone, topic=topic)

    publish(client_for(staff), draft, django_capture_on_commit_callbacks)
    scan(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        gone.size = "micro"
        gone.save()
    with django_capture_on_commit_callbacks(execute=True):
        QualificationFactory(enterprise=gone, kind="high_tech")

    assert told(user, draft) == 1
    assert not Notice.objects.filter(recipient__in=[colleague, gone_user]).exists()


def test_a_user_told_of_the_policy_within_the_day_is_reminded_by_a_later_run(
    closing_soon, matching, django_capture_on_commit_callbacks
):
    _firm, user, colleague = matching

    assert scan(django_capture_on_commit_callbacks) == {"told": 2, "reminded": 0}
    assert scan(django_capture_on_commit_callbacks) == {"told": 0, "reminded": 0}
    assert not Notice.objects.filter(kind="policy_closing").exists()

    a_day_ago = timezone.now() - datetime.timedelta(days=1, minutes=1)
    Notice.objects.filter(kind="policy_for_you").update(created_at=a_day_ago)
    assert scan(django_capture_on_commit_callbacks) == {"told": 0, "reminded": 2}
    assert set(
        Notice.objects.filter(kind="policy_closing").values_list("recipient", flat=True)
    ) == {user.pk, colleague.pk}

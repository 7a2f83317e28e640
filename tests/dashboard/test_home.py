"""The home page shows each user what matters to them, and nothing of anyone else's."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chambers.models import DutyMonth, Secondment, SwapRequest
from core.months import add_months, month_start
from events import services as event_services
from events.models import Event, Registration
from petitions.models import Petition
from tests.conftest import client_for
from tests.events.factories import EventFactory, RegistrationFactory, at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def queues(response) -> dict:
    return {q.key: q.count for q in response.context["queues"]}


def test_an_enterprise_sees_its_petitions_invitations_and_events(
    file_for, user_a, user_b, staff, enterprise_a
):
    ours = file_for(title="我们的融资诉求")
    file_for(actor=user_b, title="别人的诉求")
    meeting = EventFactory(audience=Event.Audience.INVITATION, title="企业家早餐会")
    event_services.invite(event=meeting, actor=staff, enterprises=[enterprise_a])
    lecture = EventFactory(title="民企学堂")
    RegistrationFactory(event=lecture, enterprise=enterprise_a, user=user_a, person_name="张伟")
    past = EventFactory(title="去年的培训", starts_at=at(days=-30))
    RegistrationFactory(event=past, enterprise=enterprise_a, user=user_a)

    response = client_for(user_a).get("/")
    page = response.content.decode()
    assert ours.title in page
    assert "别人的诉求" not in page
    assert "企业家早餐会" in page
    assert "民企学堂" in page
    assert "去年的培训" not in page
    assert "queues" not in response.context


def test_a_replied_petition_asks_for_a_rating(file_for, user_a):
    petition = file_for()
    Petition.objects.filter(pk=petition.pk).update(status="replied")
    page = client_for(user_a).get("/").content.decode()
    assert "waiting for your rating" in page


def test_staff_see_their_queues(
    staff, pending_application, file_for, enterprise_a, user_a, django_capture_on_commit_callbacks
):
    file_for()
    late = file_for(title="逾期")
    Petition.objects.filter(pk=late.pk).update(
        status="in_progress", reply_due=timezone.now() - datetime.timedelta(days=1)
    )
    meeting = EventFactory(audience=Event.Audience.INVITATION)
    invitation = event_services.invite(event=meeting, actor=staff, enterprises=[enterprise_a])[0]
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    approval = EventFactory(needs_approval=True)
    RegistrationFactory(event=approval, status=Registration.Status.PENDING)
    leader, other = UserFactory(), UserFactory()
    this_month = month_start(timezone.localdate())
    month = DutyMonth.objects.create(month=this_month, chair=leader)
    SwapRequest.objects.create(
        month=month, requested_by=leader, counterpart=other, reason="出差", status="accepted"
    )

    counts = queues(client_for(staff).get("/"))
    assert counts == {
        "applications": 1,
        "petitions_new": 1,
        "petitions_overdue": 1,
        "invitations": 1,
        "registrations": 1,
        "swaps": 1,
        "duty_gaps": 2,  # next month and the one after have no chair
    }
    DutyMonth.objects.create(month=add_months(this_month, 1), chair=other)
    assert queues(client_for(staff).get("/"))["duty_gaps"] == 1


def test_a_leader_sees_the_next_duty_month(db):
    leader = UserFactory()
    month = add_months(month_start(timezone.localdate()), 2)
    DutyMonth.objects.create(month=month, chair=leader)
    response = client_for(leader).get("/")
    assert response.context["next_duty"].month == month
    assert 'id="next-duty"' in response.content.decode()


def test_seconded_staff_see_their_secondment_until_it_ends(enterprise_a):
    secondee = UserFactory()
    this_month = month_start(timezone.localdate())
    month = DutyMonth.objects.create(month=this_month, chair=UserFactory())
    Secondment.objects.create(
        duty_month=month,
        person_name=secondee.real_name,
        user=secondee,
        enterprise=enterprise_a,
        role="会员服务",
        starts_on=this_month,
        ends_on=timezone.localdate(),
    )
    response = client_for(secondee).get("/")
    assert response.context["secondment"].duty_month == month
    page = response.content.decode()
    assert 'id="secondment"' in page
    assert f"/roster/{month.key}/" in page
    assert enterprise_a.name in page

    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        response = client_for(secondee).get("/")
    assert response.context["secondment"] is None
    assert 'id="secondment"' not in response.content.decode()


def test_the_home_page_costs_the_same_queries_however_much_there_is(
    staff, file_for, django_assert_max_num_queries
):
    for _ in range(3):
        file_for()
    client = client_for(staff)
    client.get("/")
    with django_assert_max_num_queries(20):
        client.get("/")


def test_the_staffs_queues_are_one_cached_part_that_a_change_renews(
    page_cache, staff, user_a, file_for
):
    """Counted once for every member of staff (the page cache), and counted again as soon as
    a table they count changes."""
    file_for()
    client = client_for(staff)
    assert queues(client.get("/"))["petitions_new"] == 1
    other = client_for(staff)
    with CaptureQueriesContext(connection) as queries:
        assert queues(other.get("/"))["petitions_new"] == 1
    assert not [q["sql"] for q in queries if "petitions_petition" in q["sql"]]
    file_for()
    assert queues(client.get("/"))["petitions_new"] == 2


def test_an_enterprise_users_home_reads_only_what_it_shows(
    settings, page_cache, user_a, django_assert_max_num_queries
):
    settings.KEPT_PAGE_SECONDS = 0  # the page rendered again, its parts cached
    client = client_for(user_a)
    client.get("/")
    # Notices, duty month, secondment, petitions, invitations, registrations.
    with django_assert_max_num_queries(6):
        response = client.get("/")
    assert "applications" not in response.context


def test_the_home_pages_unread_notices_read_only_their_subject_and_address(settings, user_a):
    """The five newest unread notices link by subject: their bodies are not read."""
    settings.KEPT_PAGE_SECONDS = 0  # the page rendered again, its parts cached
    from notices.models import Notice

    notice = Notice.objects.create(
        recipient=user_a, kind="application_received", key="home-notice",
        subject="审核结果通知", body="很长的正文" * 200,
    )  # fmt: skip
    client = client_for(user_a)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    read = [q["sql"] for q in queries if 'FROM "notices_notice"' in q["sql"]]
    assert read and all('"notices_notice"."body"' not in sql for sql in read)
    assert "审核结果通知" in html and f"/notices/{notice.public_id}/" in html
    assert "很长的正文" not in html

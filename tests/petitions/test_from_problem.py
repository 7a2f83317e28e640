"""A problem raised at an event becomes a petition in one action by staff."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from events import services as event_services
from events.models import Event
from notices.models import Notice
from petitions import services
from petitions.models import Channel, Petition, PetitionEvent
from petitions.states import Action, Status
from tests.conftest import client_for
from tests.events.factories import EventFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def breakfast(db):
    return EventFactory(
        kind=Event.Kind.BREAKFAST,
        title="第十二期企业家早餐会",
        audience=Event.Audience.INVITATION,
        starts_at=at(days=-2),
    )


@pytest.fixture
def problem(breakfast, staff, enterprise_a):
    return event_services.record_problem(
        event=breakfast,
        actor=staff,
        enterprise=enterprise_a,
        raised_by="王总",
        text="厂房扩建用地审批进展缓慢。希望协调规划部门加快办理。",
    )


def open_petition(client, problem, **data):
    url = reverse("petitions:from_problem", args=[problem.event.public_id, problem.pk])
    prefix = f"problem-{problem.pk}"
    fields = {f"{prefix}-{name}": value for name, value in data.items()}
    return client.post(url, fields)


def test_staff_turn_a_raised_problem_into_a_petition(staff_client, problem, enterprise_a, user_a):
    response = open_petition(staff_client, problem, category="land")

    assert response.status_code == 302
    assert response.url == reverse("events:record", args=[problem.event.public_id])
    petition = Petition.objects.get(raised_problem=problem)
    assert petition.enterprise == enterprise_a
    assert petition.source_event == problem.event
    assert petition.channel == Channel.BREAKFAST
    assert petition.category == "land"
    assert petition.status == Status.SUBMITTED
    assert petition.title == "厂房扩建用地审批进展缓慢"
    assert petition.description == problem.text
    assert petition.tracking_number.startswith("YQ-")
    entry = PetitionEvent.objects.get(petition=petition)
    assert entry.action == Action.FILE
    assert entry.details == {"channel": "breakfast", "event": "第十二期企业家早餐会"}
    # The enterprise hears of it like any petition recorded on its behalf.
    assert Notice.objects.filter(recipient=user_a, kind="petition_received").exists()


def test_the_channel_is_the_kind_of_meeting(staff, enterprise_a):
    kinds = {
        Event.Kind.BREAKFAST: Channel.BREAKFAST,
        Event.Kind.APPEAL_FORUM: Channel.APPEAL_FORUM,
        Event.Kind.SYMPOSIUM: Channel.MEETING,
        Event.Kind.FORUM: Channel.MEETING,
    }
    for kind, channel in kinds.items():
        event = EventFactory(kind=kind)
        problem = event_services.record_problem(
            event=event, actor=staff, enterprise=enterprise_a, text="融资难"
        )
        petition, created = services.petition_from_problem(
            actor=staff, problem=problem, category="financing"
        )
        assert created
        assert petition.channel == channel


def test_a_second_click_makes_no_second_petition(staff_client, problem):
    open_petition(staff_client, problem, category="land")
    response = open_petition(staff_client, problem, category="other")

    assert response.status_code == 302
    assert Petition.objects.filter(raised_problem=problem).count() == 1
    assert Petition.objects.get().category == "land"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_clicks_make_one_petition(staff, enterprise_a):
    event = EventFactory(kind=Event.Kind.APPEAL_FORUM)
    problem = event_services.record_problem(
        event=event, actor=staff, enterprise=enterprise_a, text="账款拖欠"
    )
    barrier = threading.Barrier(4)
    results, errors = [], []

    def click():
        try:
            barrier.wait()
            results.append(
                services.petition_from_problem(actor=staff, problem=problem, category="arrears")
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert Petition.objects.filter(raised_problem=problem).count() == 1
    assert sorted(created for _p, created in results) == [False, False, False, True]


def test_a_problem_without_an_enterprise_needs_one_chosen(staff_client, staff, breakfast):
    problem = event_services.record_problem(
        event=breakfast, actor=staff, raised_by="来宾李女士", text="园区停车位不足。"
    )

    response = open_petition(staff_client, problem, category="other")
    assert Petition.objects.count() == 0
    page = staff_client.get(response.url).content.decode()
    assert "No enterprise was recorded with this problem: choose the one it concerns." in page


def test_staff_choose_the_enterprise_for_a_guests_problem(
    staff_client, staff, breakfast, enterprise_b
):
    problem = event_services.record_problem(
        event=breakfast, actor=staff, raised_by="来宾李女士", text="园区停车位不足。"
    )
    page = staff_client.get(reverse("events:record", args=[breakfast.public_id])).content.decode()
    assert f'name="problem-{problem.pk}-enterprise"' in page

    open_petition(staff_client, problem, category="other", enterprise=enterprise_b.credit_code)

    petition = Petition.objects.get(raised_problem=problem)
    assert petition.enterprise == enterprise_b
    problem.refresh_from_db()
    assert problem.enterprise is None  # the meeting's record stays as it was taken


def test_enterprise_users_cannot_open_petitions_from_problems(client_a, problem):
    response = open_petition(client_a, problem, category="land")
    assert response.status_code == 403
    assert not Petition.objects.exists()


def test_a_problem_of_another_event_is_not_found(staff_client, problem):
    other = EventFactory()
    url = reverse("petitions:from_problem", args=[other.public_id, problem.pk])
    assert staff_client.post(url, {f"problem-{problem.pk}-category": "land"}).status_code == 404
    assert not Petition.objects.exists()


def test_the_event_pages_show_each_problems_petition_and_status(staff_client, staff, problem):
    petition, _created = services.petition_from_problem(
        actor=staff, problem=problem, category="land"
    )
    services.accept_petition(petition=petition, actor=staff, expected_version=petition.version)
    petition.refresh_from_db()
    link = reverse("petitions:detail", args=[petition.public_id])
    for name in ("events:record", "events:detail"):
        page = staff_client.get(reverse(name, args=[problem.event.public_id])).content.decode()
        assert f'<a href="{link}">{petition.tracking_number}</a>' in page
        assert petition.get_status_display() in page
        assert "problem-petition-form" not in page


def test_the_record_page_offers_the_action_for_a_problem_without_petition(staff_client, problem):
    page = staff_client.get(
        reverse("events:record", args=[problem.event.public_id])
    ).content.decode()
    assert reverse("petitions:from_problem", args=[problem.event.public_id, problem.pk]) in page
    assert "problem-petition-form" in page


def test_the_petition_shows_the_meeting_it_came_from(staff, problem, user_a, client_a):
    event_services.invite(event=problem.event, actor=staff, enterprises=[user_a.enterprise])
    petition, _created = services.petition_from_problem(
        actor=staff, problem=problem, category="land"
    )
    event_link = reverse("events:detail", args=[problem.event.public_id])
    for client in (client_for(staff), client_a):
        page = client.get(reverse("petitions:detail", args=[petition.public_id])).content.decode()
        assert f'<a href="{event_link}">第十二期企业家早餐会</a>' in page


def test_the_meeting_is_named_without_a_link_for_whoever_cannot_open_it(staff, problem, client_a):
    # An invitation-only meeting the enterprise was not invited to: no link to a 404.
    petition, _created = services.petition_from_problem(
        actor=staff, problem=problem, category="land"
    )
    page = client_a.get(reverse("petitions:detail", args=[petition.public_id])).content.decode()
    assert "第十二期企业家早餐会" in page
    assert reverse("events:detail", args=[problem.event.public_id]) not in page


def test_staff_recording_by_hand_name_the_event_of_any_meeting_channel(enterprise_a):
    from petitions.forms import StaffPetitionForm

    forum = EventFactory(kind=Event.Kind.FORUM)
    data = {
        "enterprise": enterprise_a.credit_code,
        "channel": Channel.MEETING,
        "category": "policy",
        "urgency": "normal",
        "title": "政策兑现慢",
        "description": "补贴迟迟未到账。",
    }
    form = StaffPetitionForm(data)
    assert not form.is_valid()
    assert "source_event" in form.errors
    assert StaffPetitionForm({**data, "source_event": forum.pk}).is_valid()


def test_the_record_page_costs_the_same_queries_however_many_problems(
    staff_client, staff, breakfast, enterprise_a, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            event_services.record_problem(event=breakfast, actor=staff, text=f"来宾问题{i}")
            problem = event_services.record_problem(
                event=breakfast, actor=staff, enterprise=enterprise_a, text=f"企业问题{i}"
            )
            services.petition_from_problem(actor=staff, problem=problem, category="other")

    url = reverse("events:record", args=[breakfast.public_id])
    add(1)
    with django_assert_max_num_queries(100) as few:
        staff_client.get(url)
    add(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = staff_client.get(url).content.decode()
    assert page.count("problem-petition-form") == 5

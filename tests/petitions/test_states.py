"""Every allowed transition works and every other one is refused, from the TRANSITIONS table."""

import pytest

from petitions import services
from petitions.models import Petition, PetitionEvent
from petitions.states import TRANSITIONS, Action, Status, TransitionRefused, target_of

pytestmark = pytest.mark.django_db

PAIRS = [(action, status) for action in TRANSITIONS for status in Status.values]


def put_in(petition, status, other):
    extra = {}
    if status == Status.DECLINED:
        extra["decline_reason"] = "不属于受理范围"
    if status == Status.MERGED:
        extra["merged_into"] = other
    if status == Status.WAITING:
        extra["paused_at"] = petition.created_at
    Petition.objects.filter(pk=petition.pk).update(status=status, **extra)
    petition.refresh_from_db()
    return petition


def perform(action, petition, *, staff, user_a, department, other):
    common = {"petition": petition, "expected_version": petition.version}
    calls = {
        Action.ACCEPT: lambda: services.accept_petition(actor=staff, **common),
        Action.DECLINE: lambda: services.decline_petition(actor=staff, reason="重复", **common),
        Action.MERGE: lambda: services.merge_petition(actor=staff, into=other, **common),
        Action.DISPATCH: lambda: services.dispatch_petition(actor=staff, handler=staff, **common),
        Action.FORWARD: lambda: services.forward_petition(
            actor=staff, department=department, reference="SW-1", **common
        ),
        Action.START: lambda: services.start_progress(actor=staff, **common),
        Action.REQUEST_INFO: lambda: services.request_information(
            actor=staff, question="请补充合同", **common
        ),
        Action.PROVIDE_INFO: lambda: services.provide_information(
            actor=user_a, text="合同已上传", **common
        ),
        Action.UPDATE: lambda: services.post_update(actor=staff, note="已联系银行", **common),
        Action.REPLY: lambda: services.reply_petition(actor=staff, text="已协调续贷", **common),
        Action.RATE: lambda: services.rate_petition(actor=user_a, rating="satisfied", **common),
        Action.REOPEN: lambda: services.rate_petition(
            actor=user_a, rating="unsatisfied", comment="未解决", **common
        ),
        Action.CLOSE: lambda: services.close_petition(actor=staff, **common),
        Action.EXTEND: lambda: services.extend_deadline(
            actor=staff, working_days=5, reason="需部门会商", **common
        ),
        Action.ESCALATE: lambda: services.escalate_petition(actor=staff, note="逾期", **common),
    }
    return calls[action]()


@pytest.fixture
def other(file_for):
    return file_for(title="同类问题")


@pytest.mark.parametrize(("action", "status"), PAIRS)
def test_transition(action, status, petition, other, staff, user_a, department):
    petition = put_in(petition, status, other)
    events = PetitionEvent.objects.filter(petition=petition).count()
    transition = TRANSITIONS[action]
    kwargs = {"staff": staff, "user_a": user_a, "department": department, "other": other}
    if status in transition.sources:
        result = perform(action, petition, **kwargs)
        assert result.status == (transition.target or status)
        petition.refresh_from_db()
        assert petition.status == (transition.target or status)
        assert petition.version == 2
        last = petition.events.last()
        assert (last.action, last.from_status, last.to_status) == (
            action,
            status,
            petition.status,
        )
    else:
        with pytest.raises(TransitionRefused) as refused:
            perform(action, petition, **kwargs)
        assert str(Status(status).label) in str(refused.value)
        petition.refresh_from_db()
        assert petition.status == status
        assert petition.version == 1
        assert PetitionEvent.objects.filter(petition=petition).count() == events


def test_refusal_message_names_the_status_and_the_action():
    with pytest.raises(TransitionRefused, match="Closed"):
        target_of(Action.REPLY, Status.CLOSED)


def test_every_status_is_reachable_from_submitted():
    reached, frontier = {Status.SUBMITTED}, [Status.SUBMITTED]
    while frontier:
        status = frontier.pop()
        for t in TRANSITIONS.values():
            target = t.target or status
            if status in t.sources and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(Status.values)

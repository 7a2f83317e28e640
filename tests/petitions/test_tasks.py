"""Scheduled petition notices: sent once, never twice, and late rather than never."""

import pytest
from django.core import mail

from chambers.models import Post
from notices.models import Notice
from petitions import services
from petitions.tasks import petition_scan, run_petition_scan
from tests.conftest import at, make_leader
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sent(kind):
    return list(Notice.objects.filter(kind=kind).values_list("recipient__real_name", "key"))


@pytest.fixture
def handled(file_for, staff):
    """Filed Monday 2026-03-02 09:00; accepted and given to staff: reply due 03-11 23:59:59."""
    petition = file_for(now=at(2026, 3, 2, 9))
    p = services.accept_petition(
        petition=petition, actor=staff, expected_version=1, now=at(2026, 3, 2, 10)
    )
    return services.dispatch_petition(
        petition=p, actor=staff, expected_version=2, handler=staff, now=at(2026, 3, 2, 11)
    )


def test_first_response_reminder_before_and_alert_after(file_for, staff):
    file_for(now=at(2026, 3, 2, 9))  # first response due 03-03 09:00
    run_petition_scan(at(2026, 3, 3, 4))
    assert sent("petition_due_soon") == []  # five hours ahead: not yet
    run_petition_scan(at(2026, 3, 3, 6))
    run_petition_scan(at(2026, 3, 3, 7))
    assert len(sent("petition_due_soon")) == 1
    run_petition_scan(at(2026, 3, 3, 10))
    run_petition_scan(at(2026, 3, 3, 11))
    assert [name for name, _ in sent("petition_overdue")] == [staff.real_name]


def test_reply_reminder_once_per_deadline(handled, staff):
    run_petition_scan(at(2026, 3, 11, 9))
    run_petition_scan(at(2026, 3, 11, 10))
    assert len(sent("petition_due_soon")) == 1
    p = services.extend_deadline(
        petition=handled, actor=staff, expected_version=3, working_days=2, reason="会商"
    )
    run_petition_scan(at(2026, 3, 13, 9))
    assert len(sent("petition_due_soon")) == 2  # the new deadline has its own reminder
    assert p.reply_due == at(2026, 3, 13, 23, 59, 59)


def test_overdue_alert_to_handler_and_lead_once_even_if_the_scan_ran_late(handled, staff):
    from django.contrib.auth.models import Group

    lead = UserFactory(real_name="秘书长", is_staff=True)
    lead.groups.add(Group.objects.create(name="petition_leads"))
    run_petition_scan(at(2026, 3, 20, 9))  # the scan did not run for a week
    run_petition_scan(at(2026, 3, 20, 10))
    names = sorted(name for name, key in sent("petition_overdue") if ":reply:" in key)
    assert names == sorted([staff.real_name, lead.real_name])


def test_no_alert_while_waiting_for_the_enterprise(handled, staff):
    services.request_information(
        petition=handled,
        actor=staff,
        expected_version=3,
        question="补充材料",
        now=at(2026, 3, 3, 9),
    )
    run_petition_scan(at(2026, 3, 20, 9))
    assert not [k for _, k in sent("petition_overdue") if ":reply:" in k]


def test_rating_request_then_one_reminder_three_working_days_later(handled, staff, user_a):
    services.reply_petition(
        petition=handled, actor=staff, expected_version=3, text="已协调", now=at(2026, 3, 5, 15)
    )  # a Thursday
    assert [n for n, _ in sent("petition_rate_request")] == [user_a.real_name]
    run_petition_scan(at(2026, 3, 10, 14))  # Fri, Mon, Tue 15:00 is the third working day
    assert sent("petition_rate_reminder") == []
    run_petition_scan(at(2026, 3, 10, 16))
    run_petition_scan(at(2026, 3, 12, 16))
    assert [n for n, _ in sent("petition_rate_reminder")] == [user_a.real_name]


def test_no_rating_reminder_once_rated(handled, staff, user_a):
    p = services.reply_petition(
        petition=handled, actor=staff, expected_version=3, text="已办", now=at(2026, 3, 5, 15)
    )
    services.rate_petition(petition=p, actor=user_a, expected_version=4, rating="satisfied")
    run_petition_scan(at(2026, 3, 20, 9))
    assert sent("petition_rate_reminder") == []


@pytest.fixture
def leadership(term):
    """The chair and a vice-chair get the digest; a standing-committee member does not."""
    make_leader(term, "常委", Post.Position.STANDING_COMMITTEE)
    return make_leader(term, "赵主席", Post.Position.CHAIR), make_leader(term, "钱副主席")


def test_weekly_digest_to_leadership_once_per_week(handled, leadership):
    run_petition_scan(at(2026, 3, 16, 8))  # Monday of week 12, the petition overdue
    run_petition_scan(at(2026, 3, 18, 8))
    digests = sent("petition_overdue_digest")
    assert sorted(n for n, _ in digests) == ["赵主席", "钱副主席"]
    assert all("2026-W12" in key for _, key in digests)
    assert "1" in Notice.objects.filter(kind="petition_overdue_digest").first().subject
    run_petition_scan(at(2026, 3, 23, 8))  # next week
    assert len(sent("petition_overdue_digest")) == 4


def test_the_beat_task_runs_and_emails_go_once(
    handled, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(at(2026, 3, 20, 9))
    with django_capture_on_commit_callbacks(execute=True):
        petition_scan.delay()
        petition_scan.delay()
    overdue = [m for m in mail.outbox if handled.tracking_number in m.subject]
    assert len(overdue) == 1

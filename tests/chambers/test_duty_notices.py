"""Each scheduled roster notice: sent once, never twice, and late rather than never."""

import datetime

import pytest
from django.core import mail

from chambers.models import DutyMonth, Secondment
from chambers.roster.tasks import duty_scan, run_duty_scan
from notices.models import Notice

pytestmark = pytest.mark.django_db
D = datetime.date


def kinds(kind):
    return list(Notice.objects.filter(kind=kind).values_list("recipient__real_name", flat=True))


@pytest.fixture
def december(leaders, month_of, user_a):
    dm = month_of(2026, 12, chair=leaders[1])
    Secondment.objects.create(duty_month=dm, person_name=user_a.real_name, user=user_a,
                              starts_on=D(2026, 12, 1), ends_on=D(2026, 12, 31))  # fmt: skip
    return dm


def test_reminder_a_week_ahead_once(december, user_a, settings):
    settings.DUTY_REMINDER_DAYS = 7
    run_duty_scan(D(2026, 11, 23))
    assert kinds("duty_reminder") == []  # eight days ahead: too early
    run_duty_scan(D(2026, 11, 24))
    assert sorted(kinds("duty_reminder")) == sorted(["钱副主席", user_a.real_name])
    run_duty_scan(D(2026, 11, 24))
    run_duty_scan(D(2026, 11, 25))
    assert len(kinds("duty_reminder")) == 2


def test_reminder_sent_late_when_the_scan_missed_its_day(december):
    run_duty_scan(D(2026, 11, 29))  # the scan did not run between the 24th and the 28th
    assert "钱副主席" in kinds("duty_reminder")


def test_lead_time_is_configurable(december, settings):
    settings.DUTY_REMINDER_DAYS = 14
    run_duty_scan(D(2026, 11, 17))
    assert "钱副主席" in kinds("duty_reminder")


def test_handover_on_the_first_day_with_the_previous_summary(leaders, month_of, december):
    month_of(2026, 11, chair=leaders[0], status="serving", summary="走访企业20家，新发展会员3家。")
    run_duty_scan(D(2026, 12, 1))
    notice = Notice.objects.get(kind="duty_handover")
    assert notice.recipient == leaders[1]
    assert "走访企业20家" in notice.body
    run_duty_scan(D(2026, 12, 1))
    run_duty_scan(D(2026, 12, 2))
    assert kinds("duty_handover") == ["钱副主席"]


def test_handover_sent_late_within_the_month(december):
    run_duty_scan(D(2026, 12, 4))
    assert kinds("duty_handover") == ["钱副主席"]


def test_staff_alerted_of_a_month_without_chair(staff, leaders, month_of):
    month_of(2026, 12, chair=leaders[0])
    run_duty_scan(D(2026, 11, 22))  # January 2027 has no duty month at all
    gaps = Notice.objects.filter(kind="duty_gap")
    assert [n.recipient for n in gaps] == [staff]
    assert "2027" in gaps.get().subject
    run_duty_scan(D(2026, 11, 23))
    assert Notice.objects.filter(kind="duty_gap").count() == 1


def test_no_gap_alert_when_both_coming_months_have_a_chair(staff, leaders, month_of):
    month_of(2026, 12, chair=leaders[0])
    month_of(2027, 1, chair=leaders[1])
    run_duty_scan(D(2026, 11, 22))
    assert not Notice.objects.filter(kind="duty_gap").exists()


def test_summary_reminder_near_the_end_once(leaders, month_of):
    month_of(2026, 11, chair=leaders[0], status="serving")
    run_duty_scan(D(2026, 11, 26))
    assert kinds("duty_summary_due") == []
    run_duty_scan(D(2026, 11, 27))
    run_duty_scan(D(2026, 11, 30))
    assert kinds("duty_summary_due") == ["赵主席"]


def test_summary_reminder_late_after_the_month_ended(leaders, month_of):
    month_of(2026, 11, chair=leaders[0], status="serving")
    run_duty_scan(D(2026, 12, 5))
    assert kinds("duty_summary_due") == ["赵主席"]


def test_no_summary_reminder_once_written(leaders, month_of):
    month_of(2026, 11, chair=leaders[0], status="serving", summary="已写")
    run_duty_scan(D(2026, 11, 29))
    assert kinds("duty_summary_due") == []


def test_months_advance_to_serving_and_completed(leaders, month_of):
    november = month_of(2026, 11, chair=leaders[0], status="confirmed")
    october = month_of(2026, 10, chair=leaders[1], status="serving")
    run_duty_scan(D(2026, 11, 1))
    november.refresh_from_db()
    october.refresh_from_db()
    assert (november.status, october.status) == ("serving", "completed")
    assert october.history.first().history_change_reason == "month ended"


def test_the_beat_task_runs_the_scan_and_emails_go_once(
    december, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        duty_scan.delay()
        duty_scan.delay()
    assert len([m for m in mail.outbox if "2026年12月" in m.subject]) == 2
    assert DutyMonth.objects.get(pk=december.pk).status == "planned"

"""Filing, deadlines, the timeline, and two people acting on the same petition at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from notices.models import Notice
from petitions import services
from petitions.metrics import SUMMARY_FIELDS, summary_from_timeline
from petitions.models import DeadlineRule, Holiday, Petition, PetitionEvent
from tests.conftest import at, client_for
from tests.petitions.conftest import state_of
from tests.uploads import PDF, workbook

pytestmark = pytest.mark.django_db


def test_filing_gives_a_tracking_number_and_acknowledges_at_once(file_for, user_a, staff):
    petition = file_for(now=at(2026, 3, 2, 10))
    assert petition.tracking_number == "YQ-2026-000001"
    assert file_for(now=at(2026, 3, 2, 11)).tracking_number == "YQ-2026-000002"
    received = Notice.objects.get(kind="petition_received", key__contains=f":{petition.pk}:")
    assert received.recipient == user_a
    assert petition.tracking_number in received.subject
    assert Notice.objects.filter(kind="petition_new", recipient=staff).count() == 2
    assert petition.events.get().action == "file"


def test_default_deadlines_24_hours_and_7_working_days(file_for):
    petition = file_for(now=at(2025, 9, 30, 10))
    assert petition.first_response_due == at(2025, 10, 1, 10)
    # Oct 9, 10, 11 (make-up Saturday), 13, 14, 15, 16.
    assert petition.reply_due == at(2025, 10, 16, 23, 59, 59)


def test_emergency_and_utilities_limits(file_for):
    emergency = file_for(now=at(2026, 3, 2, 10), urgency="emergency")
    assert emergency.first_response_due == at(2026, 3, 2, 12)
    utilities = file_for(now=at(2026, 3, 6, 18), category="utilities")
    assert utilities.reply_due == at(2026, 3, 7, 18)  # clock hours, weekend or not


def test_rules_are_configurable(file_for):
    DeadlineRule.objects.create(
        category="tax",
        urgency="",
        first_response_hours=8,
        reply_working_days=3,
        complex_reply_working_days=10,
    )
    petition = file_for(now=at(2026, 3, 2, 10), category="tax")
    assert petition.first_response_due == at(2026, 3, 2, 18)
    assert petition.reply_due == at(2026, 3, 5, 23, 59, 59)


def test_holiday_table_applies_to_deadlines(file_for):
    Holiday.objects.create(day=datetime.date(2027, 1, 1), name="元旦")
    petition = file_for(now=at(2026, 12, 31, 10), category="tax")
    # Jan 1 (table: off), Jan 2-3 weekend (fallback), then Jan 4..12 → seventh is Jan 12.
    assert petition.reply_due.date() == datetime.date(2027, 1, 12)


def test_complex_case_gets_15_working_days(petition, staff):
    accepted = services.accept_petition(
        petition=petition, actor=staff, expected_version=1, is_complex=True
    )
    assert accepted.is_complex
    assert accepted.reply_due > petition.reply_due


def test_waiting_for_the_enterprise_stops_the_clock(file_for, staff, user_a):
    petition = file_for(now=at(2026, 3, 2, 10))  # Monday; reply due Wednesday the 11th
    due = petition.reply_due
    p = services.accept_petition(
        petition=petition, actor=staff, expected_version=1, now=at(2026, 3, 2, 11)
    )
    p = services.request_information(
        petition=p, actor=staff, expected_version=2, question="请补充材料", now=at(2026, 3, 3, 12)
    )
    assert p.status == "waiting" and p.paused_at == at(2026, 3, 3, 12)
    assert not p.is_overdue(now=at(2026, 3, 20))
    # Answered the next Tuesday at noon: five working days lost.
    p = services.provide_information(
        petition=p, actor=user_a, expected_version=3, text="已补充", now=at(2026, 3, 10, 12)
    )
    assert p.status == "in_progress" and p.paused_at is None
    assert p.reply_due == due + datetime.timedelta(days=7)  # five working days, a weekend


def test_extension_moves_the_deadline_by_working_days(petition, staff):
    p = services.accept_petition(petition=petition, actor=staff, expected_version=1)
    p = services.extend_deadline(
        petition=p, actor=staff, expected_version=2, working_days=5, reason="需多部门会商"
    )
    assert p.reply_due > petition.reply_due
    assert p.extensions == 1
    assert p.events.last().visible_to_enterprise


def test_decline_needs_a_reason(petition, staff):
    filed = state_of(petition)
    with pytest.raises(services.TransitionRefused):
        services.decline_petition(petition=petition, actor=staff, expected_version=1, reason=" ")
    assert state_of(petition) == filed


def test_enterprise_cannot_take_staff_actions(petition, user_a):
    from django.core.exceptions import PermissionDenied

    filed = state_of(petition)
    with pytest.raises(PermissionDenied):
        services.accept_petition(petition=petition, actor=user_a, expected_version=1)
    assert state_of(petition) == filed


def test_another_enterprise_cannot_rate(petition, staff, user_b):
    from django.core.exceptions import PermissionDenied

    p = services.accept_petition(petition=petition, actor=staff, expected_version=1)
    p = services.forward_petition(
        petition=p, actor=staff, expected_version=2, department=None or _department()
    )
    p = services.reply_petition(petition=p, actor=staff, expected_version=3, text="答复")
    replied = state_of(p)
    with pytest.raises(PermissionDenied):
        services.rate_petition(petition=p, actor=user_b, expected_version=4, rating="satisfied")
    assert state_of(p) == replied


def _department():
    from petitions.models import Department

    return Department.objects.get_or_create(name="区金融办", code="finance")[0]


# --- Two people at once -------------------------------------------------------------------------


def test_second_staff_acting_on_the_same_version_gets_a_conflict(petition, staff, staff2):
    services.accept_petition(petition=petition, actor=staff, expected_version=1, note="已受理")
    with pytest.raises(services.ConflictError, match="changed by someone else"):
        services.decline_petition(
            petition=petition, actor=staff2, expected_version=1, reason="不属于受理范围"
        )
    petition.refresh_from_db()
    assert petition.status == "accepted" and petition.version == 2
    assert petition.decline_reason == ""
    assert list(petition.events.values_list("action", flat=True)) == ["file", "accept"]


def test_conflict_through_the_pages(petition, staff, staff2):
    first, second = client_for(staff), client_for(staff2)
    url = f"/petitions/{petition.public_id}/act/"
    response = first.post(url + "accept/", {"accept-version": 1, "accept-note": "受理"})
    assert response.status_code == 302
    response = second.post(
        url + "decline/", {"decline-version": 1, "decline-reason": "重复"}, follow=True
    )
    assert "changed by someone else" in response.content.decode()
    petition.refresh_from_db()
    assert (petition.status, petition.decline_reason) == ("accepted", "")


def test_refused_transition_through_the_pages_says_why(petition, staff):
    response = client_for(staff).post(
        f"/petitions/{petition.public_id}/act/reply/",
        {"reply-version": 1, "reply-text": "答复"},
        follow=True,
    )
    assert "cannot be" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == "submitted"


# --- The timeline ---------------------------------------------------------------------------------


def test_timeline_entries_cannot_be_changed_or_deleted(petition):
    event = petition.events.get()
    event.note = "改写"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        PetitionEvent.objects.filter(pk=event.pk).update(note="改写")
    with pytest.raises(ValidationError):
        PetitionEvent.objects.filter(pk=event.pk).delete()
    assert PetitionEvent.objects.get(pk=event.pk).note == ""


def test_internal_notes_stay_internal(petition, staff, client_a):
    p = services.accept_petition(petition=petition, actor=staff, expected_version=1)
    services.post_update(petition=p, actor=staff, expected_version=2, note="内部：银行态度消极")
    html = client_a.get(f"/petitions/{petition.public_id}/").content.decode()
    assert "银行态度消极" not in html
    staff_html = client_for(staff).get(f"/petitions/{petition.public_id}/").content.decode()
    assert "银行态度消极" in staff_html


def test_summary_matches_the_timeline_through_a_reopening(petition, staff, user_a, department):
    p = services.accept_petition(petition=petition, actor=staff, expected_version=1)
    p = services.forward_petition(
        petition=p, actor=staff, expected_version=2, department=department, reference="SW-2026-17"
    )
    p = services.reply_petition(petition=p, actor=staff, expected_version=3, text="第一次答复")
    p = services.rate_petition(petition=p, actor=user_a, expected_version=4, rating="unsatisfied")
    assert p.status == "reopened" and p.reopen_count == 1
    p = services.reply_petition(petition=p, actor=staff, expected_version=5, text="第二次答复")
    p = services.rate_petition(petition=p, actor=user_a, expected_version=6, rating="satisfied")
    p = services.close_petition(petition=p, actor=staff, expected_version=7)
    p.refresh_from_db()
    assert p.status == "closed"
    expected = summary_from_timeline(p)
    assert {name: getattr(p, name) for name in SUMMARY_FIELDS} == expected


def test_merge_into_itself_refused(petition, staff):
    filed = state_of(petition)
    with pytest.raises(services.TransitionRefused):
        services.merge_petition(petition=petition, actor=staff, expected_version=1, into=petition)
    assert state_of(petition) == filed
    assert petition.merged_into is None


# --- Uploads ------------------------------------------------------------------------------------


def upload(name, data):
    return SimpleUploadedFile(name, data)


def file_with_attachment(client, attachment):
    data = {"category": "legal", "urgency": "normal", "title": "合同纠纷", "description": "说明"}
    return client.post("/petitions/new/", {**data, "attachments": [attachment]})


def test_enterprise_files_with_attachments(client_a, user_a):
    response = client_a.post(
        "/petitions/new/",
        {
            "category": "arrears",
            "urgency": "normal",
            "title": "工程款被拖欠",
            "description": "区内某单位拖欠工程款120万元。",
            "attachments": [upload("合同.pdf", PDF), upload("欠款.xlsx", workbook())],
        },
    )
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.enterprise == user_a.enterprise and petition.channel == "online"
    assert sorted(a.original_name for a in petition.attachments.all()) == ["合同.pdf", "欠款.xlsx"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("run.exe", b"MZ\x90\x00", "attach PDF"),
        ("fake.pdf", b"<html>", "does not match"),
        ("fake.docx", PDF, "does not match"),
    ],
)
def test_uploads_are_checked(client_a, name, data, message):
    response = file_with_attachment(client_a, upload(name, data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Petition.objects.exists()


def test_uploads_are_size_limited(client_a, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    response = file_with_attachment(client_a, upload("big.pdf", PDF + b"0" * 2048))
    assert "too large" in response.content.decode()
    assert not Petition.objects.exists()


def test_staff_record_a_petition_from_a_phone_call(staff, enterprise_a, user_a):
    response = client_for(staff).post(
        "/petitions/record/",
        {
            "enterprise": enterprise_a.credit_code,
            "channel": "phone",
            "category": "talent",
            "urgency": "normal",
            "title": "招工难",
            "description": "缺少熟练技工。",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    petition = Petition.objects.get()
    assert (petition.channel, petition.filed_by, petition.enterprise) == (
        "phone",
        staff,
        enterprise_a,
    )
    assert Notice.objects.filter(kind="petition_received", recipient=user_a).exists()


def test_a_meeting_channel_needs_its_event(staff, enterprise_a):
    response = client_for(staff).post(
        "/petitions/record/",
        {
            "enterprise": enterprise_a.credit_code,
            "channel": "breakfast",
            "category": "talent",
            "urgency": "normal",
            "title": "招工难",
            "description": "缺少熟练技工。",
        },
    )
    assert response.status_code == 200
    assert not Petition.objects.exists()

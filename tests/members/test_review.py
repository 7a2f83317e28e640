import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members import services
from members.models import Application, Enterprise
from notices.models import Notice
from tests.factories import ApplicationFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def approve_url(application):
    return reverse("members:application_approve", args=[application.public_id])


def reject_url(application):
    return reverse("members:application_reject", args=[application.public_id])


def test_staff_approval_makes_a_member(
    staff_client, staff, pending_application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(approve_url(pending_application))
    assert response.status_code == 302
    pending_application.refresh_from_db()
    assert pending_application.status == Application.Status.APPROVED
    assert pending_application.decided_by == staff
    enterprise = pending_application.enterprise
    assert enterprise.status == Enterprise.Status.MEMBER
    assert enterprise.credit_code == pending_application.credit_code
    assert enterprise.joined_on == timezone.localdate()
    assert enterprise.member_number == f"{timezone.localdate().year}-0001"
    applicant = pending_application.applicant
    applicant.refresh_from_db()
    assert applicant.enterprise == enterprise
    notice = Notice.objects.get(recipient=applicant, kind="application_approved")
    assert enterprise.member_number in notice.body
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    record = enterprise.history.get()
    assert record.history_user == staff
    assert record.history_change_reason == "approved application"


def test_member_numbers_count_up_within_a_year(staff):
    first = services.approve_application(application=ApplicationFactory(), actor=staff)
    second = services.approve_application(application=ApplicationFactory(), actor=staff)
    year = timezone.localdate().year
    assert (first.member_number, second.member_number) == (f"{year}-0001", f"{year}-0002")


def test_an_application_is_decided_once(staff_client, staff, pending_application):
    services.approve_application(application=pending_application, actor=staff)
    response = staff_client.post(approve_url(pending_application), follow=True)
    assert _("This application has already been decided.") in response.content.decode()
    assert Enterprise.objects.count() == 1
    response = staff_client.post(reject_url(pending_application), {"reason": "x"}, follow=True)
    pending_application.refresh_from_db()
    assert pending_application.status == Application.Status.APPROVED


def test_rejection_needs_a_reason(staff_client, pending_application):
    response = staff_client.post(reject_url(pending_application), {"reason": "  "})
    assert response.status_code == 400
    pending_application.refresh_from_db()
    assert pending_application.status == Application.Status.PENDING


def test_rejection_is_kept_and_the_applicant_told(
    staff_client, staff, pending_application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reject_url(pending_application), {"reason": "营业执照扫描件不清晰"})
    pending_application.refresh_from_db()
    assert pending_application.status == Application.Status.REJECTED
    assert pending_application.rejection_reason == "营业执照扫描件不清晰"
    assert pending_application.decided_by == staff
    assert not Enterprise.objects.exists()
    notice = Notice.objects.get(kind="application_rejected")
    assert "营业执照扫描件不清晰" in notice.body
    assert mail.outbox[0].to == [pending_application.applicant.email]


def test_after_rejection_the_code_may_apply_again(staff, pending_application):
    services.reject_application(application=pending_application, actor=staff, reason="资料不全")
    assert services.credit_code_taken(pending_application.credit_code) is None


def test_non_staff_cannot_decide(client_a, pending_application):
    assert client_a.post(approve_url(pending_application)).status_code == 403
    assert client_a.post(reject_url(pending_application), {"reason": "x"}).status_code == 403
    pending_application.refresh_from_db()
    assert pending_application.status == Application.Status.PENDING


def test_applicant_cannot_approve_own_application(pending_application):
    from tests.conftest import client_for

    client = client_for(pending_application.applicant)
    assert client.post(approve_url(pending_application)).status_code == 403
    pending_application.refresh_from_db()
    assert pending_application.status == Application.Status.PENDING
    assert not Enterprise.objects.exists()


def test_queue_lists_pending_applications(staff_client, pending_application):
    ApplicationFactory(status=Application.Status.REJECTED, rejection_reason="x")
    response = staff_client.get(reverse("members:application_list"))
    assert list(response.context["page"].object_list) == [pending_application]


def test_queue_query_count_does_not_grow(staff_client, django_assert_max_num_queries):
    ApplicationFactory.create_batch(3)
    with django_assert_max_num_queries(8) as small:
        staff_client.get(reverse("members:application_list"))
    queries = len(small.captured_queries)
    ApplicationFactory.create_batch(30)
    with django_assert_max_num_queries(queries):
        staff_client.get(reverse("members:application_list"))


def test_licence_is_served_to_staff_and_applicant_only(staff_client, client_a, pending_application):
    url = reverse("members:application_licence", args=[pending_application.public_id])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_a.get(url).status_code == 404


def test_suspend_withdraw_and_reinstate(staff_client, staff, enterprise_a, user_a):
    url = reverse("members:enterprise_status", args=[enterprise_a.public_id])
    staff_client.post(url, {"status": "suspended", "reason": "连续两年未缴会费"})
    enterprise_a.refresh_from_db()
    assert enterprise_a.status == Enterprise.Status.SUSPENDED
    assert enterprise_a.status_reason == "连续两年未缴会费"
    assert Notice.objects.filter(recipient=user_a, kind="membership_changed").count() == 1
    staff_client.post(url, {"status": "member", "reason": "已补缴会费"})
    staff_client.post(url, {"status": "withdrawn", "reason": "企业注销"})
    enterprise_a.refresh_from_db()
    assert enterprise_a.status == Enterprise.Status.WITHDRAWN
    assert Enterprise.objects.filter(pk=enterprise_a.pk).exists()  # nothing is deleted
    reasons = [h.history_change_reason for h in enterprise_a.history.all()]
    assert reasons[:3] == ["企业注销", "已补缴会费", "连续两年未缴会费"]
    assert all(h.history_user == staff for h in enterprise_a.history.all()[:3])


def test_refused_status_change_keeps_the_record(staff_client, enterprise_a):
    url = reverse("members:enterprise_status", args=[enterprise_a.public_id])
    response = staff_client.post(url, {"status": "member", "reason": "x"}, follow=True)
    assert "alert-danger" in response.content.decode()
    response = staff_client.post(url, {"status": "suspended", "reason": ""}, follow=True)
    assert _("Choose a status and give a reason.") in response.content.decode()
    enterprise_a.refresh_from_db()
    assert enterprise_a.status == Enterprise.Status.MEMBER


def test_suspended_member_loses_the_directory(client_a, enterprise_a, staff):
    services.change_membership_status(
        enterprise=enterprise_a, actor=staff, status="suspended", reason="x"
    )
    assert client_a.get(reverse("members:directory")).status_code == 403
    response = client_a.get(reverse("members:profile"))
    assert response.status_code == 200  # still sees its own record, read-only
    record = Enterprise.objects.values().get(pk=enterprise_a.pk)
    assert client_a.post(reverse("members:profile"), {}).status_code == 403
    assert Enterprise.objects.values().get(pk=enterprise_a.pk) == record


def test_approval_refused_when_code_became_a_member(staff, pending_application):
    EnterpriseFactory(credit_code=pending_application.credit_code)
    with pytest.raises(services.TransitionError):
        services.approve_application(application=pending_application, actor=staff)
    pending_application.refresh_from_db()
    assert pending_application.status == Application.Status.PENDING
    assert Enterprise.objects.count() == 1


def test_an_applications_history_reads_only_what_it_shows(
    settings, staff_client, staff, pending_application, django_assert_max_num_queries
):
    """Each version's date, who made it and its status: not each version's contact numbers."""
    settings.KEPT_PAGE_SECONDS = 0  # the page rendered again, its parts cached
    url = reverse("members:application_detail", args=[pending_application.public_id])
    staff_client.get(url)
    with django_assert_max_num_queries(10) as few:
        staff_client.get(url)
    queries = len(few.captured_queries)  # read now: each request empties the log
    services.reject_application(application=pending_application, actor=staff, reason="材料不全")
    pending_application.refresh_from_db()
    for n in range(3):
        pending_application.address = f"新地址{n}"
        pending_application._history_user = staff
        pending_application.save()
    staff_client.get(url)
    with django_assert_max_num_queries(queries) as many:
        response = staff_client.get(url)
    history = [q["sql"] for q in many.captured_queries if "historicalapplication" in q["sql"]]
    assert len(history) == 1
    assert "contact_mobile" not in history[0] and '"members_user"."mobile"' not in history[0]
    html = response.content.decode()
    assert html.count(str(staff)) >= 4
    assert html.count(str(Application.Status.REJECTED.label)) >= 4

"""Qualifications: an enterprise declares them on its pages, staff verify or reject them (the
enterprise is told why), and a change of a verified one's certificate or dates waits for
staff again."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import EnterpriseQualification
from notices.models import Notice
from tests.test_submissions import rendered_token, send_same_form

from .factories import QualificationFactory

pytestmark = pytest.mark.django_db

DECLARATION = {"kind": "high_tech", "certificate_number": "GR202511000123",
               "valid_until": "2028-12-01"}  # fmt: skip


def seen(qualification) -> dict:
    """What the review page posts back: the declaration's version as staff saw it."""
    return {"declared": qualification.declared_at.isoformat()}


def test_an_enterprise_declares_a_qualification_for_staff_to_verify(client_a, enterprise_a, user_a):
    response = client_a.post(reverse("members:qualifications"), DECLARATION)

    assert response.status_code == 302
    declared = EnterpriseQualification.objects.get(enterprise=enterprise_a)
    assert declared.kind == "high_tech"
    assert declared.certificate_number == "GR202511000123"
    assert declared.valid_until == datetime.date(2028, 12, 1)
    assert declared.declared_by == user_a
    assert declared.verified_at is None
    assert not EnterpriseQualification.objects.valid().exists()


def test_the_same_kind_twice_is_refused_on_the_form(client_a, enterprise_a):
    client_a.post(reverse("members:qualifications"), DECLARATION)

    response = client_a.post(
        reverse("members:qualifications"), {**DECLARATION, "certificate_number": "X"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == ["贵企业已申报过该资质。"]
    assert EnterpriseQualification.objects.get().certificate_number == "GR202511000123"


def test_a_bad_date_is_a_message_on_the_form(client_a):
    response = client_a.post(
        reverse("members:qualifications"), {**DECLARATION, "valid_until": "1800-01-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["valid_until"]
    assert not EnterpriseQualification.objects.exists()


def test_staff_verify_a_declaration(staff_client, staff, enterprise_a):
    declared = QualificationFactory(enterprise=enterprise_a, verified_at=None)
    queue = staff_client.get(reverse("members:qualification_review"))
    assert enterprise_a.name in queue.content.decode()

    staff_client.post(reverse("members:qualification_verify", args=[declared.pk]), seen(declared))

    declared.refresh_from_db()
    assert declared.verified_by == staff
    assert declared.is_valid()
    queue = staff_client.get(reverse("members:qualification_review"))
    assert enterprise_a.name not in queue.content.decode()


def test_staff_reject_with_a_reason_and_the_enterprise_is_told(
    staff_client, client_a, enterprise_a, user_a, django_capture_on_commit_callbacks
):
    declared = QualificationFactory(enterprise=enterprise_a, verified_at=None)
    url = reverse("members:qualification_reject", args=[declared.pk])

    staff_client.post(url, {"reason": "", **seen(declared)})
    declared.refresh_from_db()
    assert declared.rejected_at is None

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"reason": "证书编号无法核实", **seen(declared)})

    declared.refresh_from_db()
    assert declared.rejected_at is not None
    assert declared.rejection_reason == "证书编号无法核实"
    assert not declared.is_valid()
    notice = Notice.objects.get(recipient=user_a, kind="qualification_rejected")
    assert "证书编号无法核实" in notice.body
    assert "高新技术企业" in notice.subject
    page = client_a.get(reverse("members:qualifications")).content.decode()
    assert "未通过核验" in page


def test_a_reviewed_declaration_is_not_reviewed_twice(staff_client, enterprise_a):
    declared = QualificationFactory(enterprise=enterprise_a)  # verified
    verified_at = declared.verified_at

    staff_client.post(
        reverse("members:qualification_reject", args=[declared.pk]),
        {"reason": "重复", **seen(declared)},
    )

    declared.refresh_from_db()
    assert declared.rejected_at is None
    assert declared.verified_at == verified_at


def test_changing_a_verified_ones_dates_makes_it_unverified(client_a, enterprise_a):
    declared = QualificationFactory(
        enterprise=enterprise_a, certificate_number="GR1", valid_until=datetime.date(2027, 1, 1)
    )

    client_a.post(
        reverse("members:qualification_edit", args=[declared.pk]),
        {"certificate_number": "GR1", "valid_until": "2029-01-01"},
    )

    declared.refresh_from_db()
    assert declared.valid_until == datetime.date(2029, 1, 1)
    assert declared.verified_at is None
    assert not declared.is_valid()


def test_saving_a_verified_one_unchanged_keeps_it_verified(client_a, enterprise_a):
    declared = QualificationFactory(
        enterprise=enterprise_a, certificate_number="GR1", valid_until=datetime.date(2027, 1, 1)
    )

    client_a.post(
        reverse("members:qualification_edit", args=[declared.pk]),
        {"certificate_number": "GR1", "valid_until": "2027-01-01", "kind": "tech_sme"},
    )

    declared.refresh_from_db()
    assert declared.kind == "high_tech"  # the kind is fixed once declared
    assert declared.is_valid()


def test_correcting_a_rejected_one_sends_it_back_for_review(client_a, enterprise_a):
    declared = QualificationFactory(
        enterprise=enterprise_a, verified_at=None, rejected_at=timezone.now(),
        rejection_reason="过期", certificate_number="GR1",
    )  # fmt: skip

    client_a.post(
        reverse("members:qualification_edit", args=[declared.pk]),
        {"certificate_number": "GR2", "valid_until": "2029-01-01"},
    )

    declared.refresh_from_db()
    assert declared.rejected_at is None
    assert EnterpriseQualification.objects.awaiting_review().filter(pk=declared.pk).exists()


def test_another_enterprises_qualification_is_not_found(client_b, enterprise_a):
    declared = QualificationFactory(enterprise=enterprise_a)
    edit = reverse("members:qualification_edit", args=[declared.pk])

    assert client_b.get(edit).status_code == 404
    assert (
        client_b.post(reverse("members:qualification_withdraw", args=[declared.pk])).status_code
        == 404
    )
    assert EnterpriseQualification.objects.filter(pk=declared.pk).exists()


def test_an_enterprise_removes_its_declaration(client_a, enterprise_a):
    declared = QualificationFactory(enterprise=enterprise_a)

    client_a.post(reverse("members:qualification_withdraw", args=[declared.pk]))

    assert not EnterpriseQualification.objects.filter(pk=declared.pk).exists()
    assert declared.history.filter(history_type="-").exists()


def test_the_review_queue_costs_a_constant_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    from tests.factories import EnterpriseFactory

    for _ in range(20):
        QualificationFactory(enterprise=EnterpriseFactory(), verified_at=None)
    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse("members:qualification_review"))
    assert response.context["qualifications"].paginator.count == 20


def test_a_declaration_sent_four_times_is_declared_once(client_a, enterprise_a):
    url = reverse("members:qualifications")

    send_same_form(client_a, url, {**DECLARATION, **rendered_token(client_a, url)})

    assert EnterpriseQualification.objects.filter(enterprise=enterprise_a).count() == 1


def test_the_profile_shows_the_qualifications_and_their_review(client_a, enterprise_a):
    QualificationFactory(enterprise=enterprise_a)
    QualificationFactory(enterprise=enterprise_a, kind="tech_sme", verified_at=None)

    page = client_a.get(reverse("members:profile")).content.decode()

    assert "高新技术企业 (已核验)" in page
    assert "科技型中小企业 (待核验)" in page
    assert reverse("members:qualifications") in page


def test_a_certificate_corrected_after_the_page_was_opened_is_not_verified_unseen(
    staff_client, client_a, enterprise_a
):
    declared = QualificationFactory(
        enterprise=enterprise_a, certificate_number="GR1", verified_at=None
    )
    staff_saw = seen(declared)
    client_a.post(
        reverse("members:qualification_edit", args=[declared.pk]),
        {"certificate_number": "GR2-FORGED", "valid_until": "2029-01-01"},
    )

    for action, data in (("verify", {}), ("reject", {"reason": "证书编号无法核实"})):
        response = staff_client.post(
            reverse(f"members:qualification_{action}", args=[declared.pk]),
            {**staff_saw, **data},
            follow=True,
        )
        assert "企业在页面打开后修改了这项申报" in response.content.decode()
        declared.refresh_from_db()
        assert declared.verified_at is None and declared.rejected_at is None


def test_a_review_without_the_declarations_version_is_refused(staff_client, enterprise_a):
    declared = QualificationFactory(enterprise=enterprise_a, verified_at=None)

    response = staff_client.post(
        reverse("members:qualification_verify", args=[declared.pk]), follow=True
    )

    assert "页面已过期" in response.content.decode()
    declared.refresh_from_db()
    assert declared.verified_at is None


def test_reviewing_a_withdrawn_declaration_is_a_message(staff, enterprise_a):
    declared = QualificationFactory(enterprise=enterprise_a, verified_at=None)
    version = declared.declared_at
    EnterpriseQualification.objects.filter(pk=declared.pk).delete()

    with pytest.raises(services.TransitionError, match="撤回"):
        services.verify_qualification(qualification=declared, actor=staff, seen=version)


def test_two_tabs_declaring_the_same_kind_get_a_message(user_a, enterprise_a):
    with mock.patch.object(EnterpriseQualification.objects, "filter") as looked_up:
        looked_up.return_value.exists.return_value = False  # the other tab not committed yet
        services.declare_qualification(
            enterprise=enterprise_a, actor=user_a, kind="high_tech",
            certificate_number="GR1", valid_until=None,
        )  # fmt: skip
        with pytest.raises(ValidationError) as refusal:
            services.declare_qualification(
                enterprise=enterprise_a, actor=user_a, kind="high_tech",
                certificate_number="GR2", valid_until=None,
            )  # fmt: skip
    assert refusal.value.message_dict["kind"] == ["贵企业已申报过该资质。"]
    assert EnterpriseQualification.objects.get().certificate_number == "GR1"


def test_the_rejection_notice_says_what_staff_rejected(
    staff, user_a, enterprise_a, django_capture_on_commit_callbacks
):
    declared = QualificationFactory(enterprise=enterprise_a, certificate_number="GR1")
    declared.verified_at = None
    declared.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.reject_qualification(
            qualification=declared, actor=staff, seen=declared.declared_at, reason="无法核实"
        )
        # Corrected before the notice is written: the notice still names what was rejected.
        EnterpriseQualification.objects.filter(pk=declared.pk).update(certificate_number="GR9")

    notice = Notice.objects.get(recipient=user_a, kind="qualification_rejected")
    assert "GR1" in notice.body and "GR9" not in notice.body
    assert "高新技术企业" in notice.subject

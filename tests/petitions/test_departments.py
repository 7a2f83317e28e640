"""The departments petitions are forwarded to: added and changed through petitions.services, by
the admin's pages too; a refusal is a message on the form and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from petitions import services
from petitions.models import Department

pytestmark = pytest.mark.django_db


def form_errors(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(m) for messages in form.errors.values() for m in messages)


def test_add_and_change_a_department_record_who_did_it(staff, staff2):
    department = services.add_department(actor=staff, name=" 区发展改革委 ", code="fgw")
    department.refresh_from_db()
    assert (department.name, department.is_active) == ("区发展改革委", True)
    assert department.history.get().history_user == staff
    services.change_department(department=department, actor=staff2, is_active=False)
    department.refresh_from_db()
    assert not department.is_active
    assert department.history.latest().history_user == staff2


def test_a_departments_name_and_code_are_its_own(staff):
    services.add_department(actor=staff, name="区发展改革委", code="fgw")
    with pytest.raises(ValidationError) as refusal:
        services.add_department(actor=staff, name="区发展改革委", code="fgw2")
    assert "name" in refusal.value.message_dict
    with pytest.raises(ValidationError) as refusal:
        services.add_department(actor=staff, name="区财政局", code="fgw")
    assert "code" in refusal.value.message_dict
    with pytest.raises(ValidationError) as refusal:
        services.add_department(actor=staff, name="区财政局", code="财政")
    assert "code" in refusal.value.message_dict
    assert Department.objects.count() == 1


def department_data(**fields):
    return {"name": "区财政局", "code": "czj", "contact_name": "", "contact_phone": "",
            "is_active": "on", **fields}  # fmt: skip


def test_admin_adds_and_changes_a_department_through_the_service(
    admin_client, superuser, monkeypatch
):
    calls = []
    for service in ("add_department", "change_department"):
        real = getattr(services, service)
        monkeypatch.setattr(
            services, service, lambda _r=real, _s=service, **kw: calls.append(_s) or _r(**kw)
        )
    response = admin_client.post(reverse("admin:petitions_department_add"), department_data())
    assert response.status_code == 302, form_errors(response)
    department = Department.objects.get()
    assert department.history.get().history_user == superuser
    change = reverse("admin:petitions_department_change", args=[department.pk])
    response = admin_client.post(change, department_data(contact_name="王科长"))
    assert response.status_code == 302, form_errors(response)
    department.refresh_from_db()
    assert department.contact_name == "王科长"
    assert department.history.latest().history_user == superuser
    assert calls == ["add_department", "change_department"]


def test_admin_shows_a_departments_refusal_on_the_form(admin_client, staff):
    services.add_department(actor=staff, name="区财政局", code="czj")
    response = admin_client.post(
        reverse("admin:petitions_department_add"), department_data(code="other")
    )
    assert response.status_code == 200
    # (The petitions' tests read English: tests/petitions/conftest.py.)
    assert "Department with this Name already exists." in form_errors(response)
    assert Department.objects.count() == 1


def test_a_name_or_code_taken_at_the_same_moment_is_refused_with_the_forms_message(
    staff, monkeypatch
):
    taken = services.add_department(actor=staff, name="区财政局", code="czj")
    other = services.add_department(actor=staff, name="区发展改革委", code="fgw")
    # As if another tab saved them between the check and the write.
    monkeypatch.setattr(services, "check_department", lambda department: None)
    with pytest.raises(ValidationError) as refusal:
        services.add_department(actor=staff, name="区财政局", code="czj2")
    assert list(refusal.value.message_dict) == ["name"]
    with pytest.raises(ValidationError) as refusal:
        services.change_department(department=other, actor=staff, code="czj")
    assert list(refusal.value.message_dict) == ["code"]
    other.refresh_from_db()
    assert (other.code, other.history.count()) == ("fgw", 1)
    assert list(Department.objects.order_by("pk")) == [taken, other]


def test_a_department_is_never_deleted_in_the_admin(admin_client, staff):
    department = services.add_department(actor=staff, name="区财政局", code="czj")
    delete = reverse("admin:petitions_department_delete", args=[department.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Department.objects.get() == department

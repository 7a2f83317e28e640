"""Staff write policies: a draft with its eligibility in friendly widgets, edits kept in
history, files served only while published (or to staff), withdrawal with a reason."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members.models import Township
from petitions.models import Department
from policies import services
from policies.models import Policy, PolicyAttachment
from tests.conftest import client_for
from tests.test_submissions import rendered_token, send_same_form
from tests.uploads import PDF

from .factories import PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(db):
    return Department.objects.create(name="区经济和信息化局", code="jxj")


def draft_data(**changes):
    yanqing = Township.objects.get(name="延庆镇")
    data = {
        "title": "延庆区促进制造业高质量发展若干措施",
        "departments": ["jxj"],
        "topics": ["industry", "technology"],
        "document_number": "延政发〔2026〕12号",
        "issued_on": "2026-03-01",
        "valid_until": "2027-12-31",
        "window_opens": "2026-04-01",
        "window_closes": "2026-06-30",
        "summary": "支持制造业企业技术改造。",
        "body": "第一条 为促进制造业高质量发展，制定本措施。",
        "sections": ["C"],
        "divisions": "i65, I64",
        "sizes": ["small", "micro"],
        "townships": [str(yanqing.pk)],
        "qualifications": ["high_tech"],
        "unchecked_conditions": "近三年无重大安全事故",
    }
    data.update(changes)
    return data


def test_staff_write_a_draft_with_its_eligibility(staff_client, staff, department):
    response = staff_client.post(reverse("policies:new"), draft_data())

    policy = Policy.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("policies:detail", args=[policy.public_id])
    assert policy.status == Policy.Status.DRAFT
    assert policy.created_by == staff
    assert policy.industries == ["C", "I65", "I64"]
    assert policy.sizes == ["small", "micro"]
    assert policy.qualifications == ["high_tech"]
    assert [t.name for t in policy.townships.all()] == ["延庆镇"]
    assert sorted(t.code for t in policy.topics.all()) == ["industry", "technology"]
    assert list(policy.departments.all()) == [department]
    assert policy.title_initials.startswith("yqqcjzzy")


def test_a_draft_is_not_found_by_anyone_but_staff(staff_client, client_a, staff):
    policy = PolicyFactory(status=Policy.Status.DRAFT, published_at=None, created_by=staff)
    url = reverse("policies:detail", args=[policy.public_id])

    assert staff_client.get(url).status_code == 200
    assert client_a.get(url).status_code == 404
    assert client_for(None).get(url).status_code == 404
    assert policy.title not in client_for(None).get(reverse("policies:list")).content.decode()


def test_the_models_rules_show_on_their_fields_in_chinese(staff_client, department):
    response = staff_client.post(
        reverse("policies:new"),
        draft_data(window_opens="2026-07-01", divisions="C99", min_years_founded="5",
                   max_years_founded="2"),
    )  # fmt: skip

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["window_closes"] == ["申报截止不能早于申报开始。"]
    assert "C99" in errors["divisions"][0]
    assert errors["max_years_founded"] == ["成立年限上限不能小于下限。"]
    assert not Policy.objects.exists()


def test_one_window_date_alone_is_refused(staff_client, department):
    response = staff_client.post(reverse("policies:new"), draft_data(window_closes=""))

    assert response.status_code == 200
    assert "window_closes" in response.context["form"].errors
    assert not Policy.objects.exists()


def test_an_edit_of_a_published_policy_is_kept_in_history(staff_client, staff, department):
    policy = PolicyFactory(title="旧标题", created_by=staff, departments=[department])

    response = staff_client.post(
        reverse("policies:edit", args=[policy.public_id]), draft_data(title="新标题")
    )

    policy.refresh_from_db()
    assert response.status_code == 302
    assert policy.title == "新标题"
    assert policy.status == Policy.Status.PUBLISHED
    assert policy.history.earliest().title == "旧标题"
    assert policy.history.latest().history_user == staff


def test_the_edit_form_shows_the_policys_eligibility(staff_client, staff):
    policy = PolicyFactory(industries=["C", "C13"], sizes=["small"], created_by=staff)

    form = staff_client.get(reverse("policies:edit", args=[policy.public_id])).context["form"]

    assert form.initial["sections"] == ["C"]
    assert form.initial["divisions"] == "C13"
    assert form.initial["sizes"] == ["small"]


def test_withdrawing_needs_a_reason_and_keeps_the_page_readable(staff_client, staff):
    policy = PolicyFactory(created_by=staff)
    url = reverse("policies:withdraw", args=[policy.public_id])

    staff_client.post(url, {"reason": "  "})
    policy.refresh_from_db()
    assert policy.status == Policy.Status.PUBLISHED

    staff_client.post(url, {"reason": "已被新政策替代"})
    policy.refresh_from_db()
    assert policy.status == Policy.Status.WITHDRAWN
    assert policy.withdrawn_by == staff
    assert policy.withdrawal_reason == "已被新政策替代"
    page = client_for(None).get(reverse("policies:detail", args=[policy.public_id]))
    assert page.status_code == 200
    assert "已被新政策替代" in page.content.decode()


def test_a_draft_cannot_be_withdrawn_nor_a_withdrawn_one_changed(staff):
    draft = PolicyFactory(status=Policy.Status.DRAFT, created_by=staff)
    with pytest.raises(Exception, match="只有已发布"):
        services.withdraw_policy(policy=draft, actor=staff, reason="x")
    withdrawn = PolicyFactory(status=Policy.Status.WITHDRAWN, created_by=staff)
    with pytest.raises(Exception, match="已撤回"):
        services.change_policy(policy=withdrawn, actor=staff, departments=[], topics=[], title="改")
    withdrawn.refresh_from_db()
    assert withdrawn.title != "改"


def test_attachments_are_checked_and_served_while_published(staff_client, staff):
    policy = PolicyFactory(created_by=staff)
    add = reverse("policies:attachment_add", args=[policy.public_id])

    staff_client.post(add, {"files": SimpleUploadedFile("fake.pdf", b"not a pdf")})
    assert not PolicyAttachment.objects.exists()

    staff_client.post(add, {"files": SimpleUploadedFile("申报表.pdf", PDF)})
    attachment = PolicyAttachment.objects.get()
    assert attachment.original_name == "申报表.pdf"
    url = reverse("policies:attachment", args=[policy.public_id, attachment.public_id])
    response = client_for(None).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    Policy.objects.filter(pk=policy.pk).update(status=Policy.Status.DRAFT)
    assert client_for(None).get(url).status_code == 404
    assert staff_client.get(url).status_code == 200


def test_staff_remove_an_attachment(staff_client, staff):
    policy = PolicyFactory(created_by=staff)
    attachment = services.add_attachment(
        policy=policy, actor=staff, upload=SimpleUploadedFile("a.pdf", PDF)
    )

    staff_client.post(
        reverse("policies:attachment_remove", args=[policy.public_id, attachment.public_id])
    )

    assert not PolicyAttachment.objects.exists()


def test_staff_list_filters_by_status(staff_client, staff):
    today = timezone.localdate()
    draft = PolicyFactory(title="草稿政策", status=Policy.Status.DRAFT, created_by=staff)
    expired = PolicyFactory(
        title="过期政策",
        valid_until=today - datetime.timedelta(days=1),
        window_opens=None,
        window_closes=None,
        created_by=staff,
    )
    current = PolicyFactory(title="现行政策", created_by=staff)

    def titles(status):
        response = staff_client.get(reverse("policies:manage"), {"status": status})
        return {p.title for p in response.context["policies"]}

    assert titles("") == {draft.title, expired.title, current.title}
    assert titles("draft") == {draft.title}
    assert titles("expired") == {expired.title}
    assert titles("published") == {current.title}
    assert "已失效" in staff_client.get(reverse("policies:manage")).content.decode()


def test_staff_list_costs_a_constant_number_of_queries(
    staff_client, staff, department, django_assert_max_num_queries
):
    for _ in range(25):
        PolicyFactory(created_by=staff, departments=[department], topics=[])
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("policies:manage"))
    assert response.status_code == 200


def test_a_draft_sent_four_times_is_one_draft(staff_client, department):
    url = reverse("policies:new")
    data = {**draft_data(), **rendered_token(staff_client, url)}

    response = send_same_form(staff_client, url, data)

    policy = Policy.objects.get()
    assert response["Location"] == reverse("policies:detail", args=[policy.public_id])


def test_files_sent_four_times_are_attached_once(staff_client, staff):
    policy = PolicyFactory(created_by=staff)
    page = reverse("policies:detail", args=[policy.public_id])
    token = rendered_token(staff_client, page)

    send_same_form(
        staff_client,
        reverse("policies:attachment_add", args=[policy.public_id]),
        token,
        files=lambda: {"files": SimpleUploadedFile("a.pdf", PDF)},
    )

    assert policy.attachments.count() == 1

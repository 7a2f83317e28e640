"""The admin's actions call the services: what they do, who is recorded, what they refuse
(with the service's own message, and nothing changed)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from core import jobs
from core.models import Job
from members.models import Application, Enterprise
from members.services import (
    TransitionError,
    approve_application,
    change_membership_status,
    reject_application,
    send_message,
)
from notices.models import Notice
from tests.conftest import client_for
from tests.factories import ApplicationFactory, EnterpriseFactory, UserFactory
from tests.test_languages import foreign_words, stored_texts

APPLICATIONS = reverse("admin:members_application_changelist")
ENTERPRISES = reverse("admin:members_enterprise_changelist")


def act(client, url, action, objects, **data):
    post = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **data}
    return client.post(url, post, follow=True)


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def refusal(service, **kwargs) -> str:
    """The message with which the service itself refuses, in Chinese."""
    with translation.override("zh-hans"), pytest.raises(TransitionError) as refused:
        service(actor=None, **kwargs)
    with translation.override("zh-hans"):
        return str(refused.value)


@pytest.mark.django_db
def test_staff_approve_two_applications_with_one_action(admin_client, superuser):
    first, second = ApplicationFactory(), ApplicationFactory()
    response = act(admin_client, APPLICATIONS, "approve", [first, second])
    assert response.status_code == 200
    for application in (first, second):
        application.refresh_from_db()
        assert application.status == Application.Status.APPROVED
        assert application.decided_by == superuser
        assert application.enterprise.status == Enterprise.Status.MEMBER
        assert application.enterprise.history.first().history_user == superuser
        assert Notice.objects.filter(
            recipient=application.applicant, kind="application_approved"
        ).exists()


@pytest.mark.django_db
def test_approving_a_decided_application_is_refused_with_the_services_message(admin_client, staff2):
    application = reject_application(
        application=ApplicationFactory(), actor=staff2, reason="材料不全"
    )
    response = act(admin_client, APPLICATIONS, "approve", [application])
    assert f"{application}：{refusal(approve_application, application=application)}" in (
        shown_messages(response)
    )
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.decided_by == staff2
    assert application.enterprise is None


@pytest.mark.django_db
def test_reject_asks_for_the_reason_first(admin_client, superuser):
    application = ApplicationFactory()
    page = act(admin_client, APPLICATIONS, "reject", [application])
    assert page.templates[0].name == "admin/ask_then_act.html"
    assert 'name="reason"' in page.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING

    act(admin_client, APPLICATIONS, "reject", [application], confirm="yes", reason="非本区企业")
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.rejection_reason == "非本区企业"
    assert application.history.first().history_user == superuser
    assert Notice.objects.filter(
        recipient=application.applicant, kind="application_rejected"
    ).exists()


@pytest.mark.django_db
def test_reject_without_a_reason_is_refused_with_the_services_message(admin_client):
    application = ApplicationFactory()
    response = act(admin_client, APPLICATIONS, "reject", [application], confirm="yes", reason="  ")
    refused = refusal(reject_application, application=application, reason="  ")
    assert shown_messages(response) == [f"{application}：{refused}"]
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING
    assert not Notice.objects.filter(kind="application_rejected").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("make_suspended", Enterprise.Status.MEMBER, Enterprise.Status.SUSPENDED),
        ("make_withdrawn", Enterprise.Status.SUSPENDED, Enterprise.Status.WITHDRAWN),
        ("make_member", Enterprise.Status.WITHDRAWN, Enterprise.Status.MEMBER),
    ],
)
def test_suspend_withdraw_and_reinstate_go_through_the_service(
    admin_client, superuser, action, before, after
):
    enterprise = EnterpriseFactory(status=before)
    user = UserFactory(enterprise=enterprise)
    act(admin_client, ENTERPRISES, action, [enterprise], confirm="yes", reason="理事会决定")
    enterprise.refresh_from_db()
    assert enterprise.status == after
    assert enterprise.status_reason == "理事会决定"
    latest = enterprise.history.first()
    assert latest.history_user == superuser
    assert latest.history_change_reason == "理事会决定"
    assert Notice.objects.filter(recipient=user, kind="membership_changed").count() == 1


@pytest.mark.django_db
def test_a_status_change_the_service_refuses_changes_nothing(admin_client):
    member = EnterpriseFactory(status=Enterprise.Status.MEMBER)
    withdrawn = EnterpriseFactory(status=Enterprise.Status.WITHDRAWN)
    response = act(
        admin_client, ENTERPRISES, "make_member", [member, withdrawn], confirm="yes", reason="复会"
    )
    refused = refusal(
        change_membership_status, enterprise=member, status=Enterprise.Status.MEMBER, reason="复会"
    )
    assert f"{member}：{refused}" in shown_messages(response)
    member.refresh_from_db()
    withdrawn.refresh_from_db()
    assert member.history.count() == 1  # created, nothing since
    assert withdrawn.status == Enterprise.Status.MEMBER  # the other one went through


@pytest.mark.django_db
def test_send_a_notice_reaches_each_active_user_once(
    admin_client, enterprise_a, user_a, colleague_a, django_capture_on_commit_callbacks
):
    UserFactory(enterprise=enterprise_a, is_active=False)
    page = act(admin_client, ENTERPRISES, "send_notice", [enterprise_a])
    sending = page.context["form"]["sending"].value()
    data = {
        "confirm": "yes",
        "subject": "年检通知",
        "text": "请于月底前提交年报。",
        "sending": sending,
    }
    for _twice in range(2):  # sent twice; the notices are written by the fan-out's task
        with django_capture_on_commit_callbacks(execute=True):
            act(admin_client, ENTERPRISES, "send_notice", [enterprise_a], **data)
    notices = Notice.objects.filter(kind="federation_message")
    assert sorted(n.recipient_id for n in notices) == sorted([user_a.pk, colleague_a.pk])
    assert {n.subject for n in notices} == {"年检通知"}
    assert {n.body for n in notices} == {"请于月底前提交年报。"}


@pytest.mark.django_db
def test_a_notice_without_text_is_refused_with_the_services_message(
    admin_client, enterprise_a, user_a
):
    response = act(
        admin_client, ENTERPRISES, "send_notice", [enterprise_a],
        confirm="yes", subject="年检通知", text="", sending="x",
    )  # fmt: skip
    refused = refusal(
        send_message, enterprises=[enterprise_a], subject="年检通知", text="", sending="x"
    )
    assert shown_messages(response) == [refused]
    assert not Notice.objects.filter(kind="federation_message").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("url", "action", "factory"),
    [
        (APPLICATIONS, "reject", ApplicationFactory),
        (ENTERPRISES, "make_suspended", EnterpriseFactory),
        (ENTERPRISES, "send_notice", EnterpriseFactory),
    ],
)
def test_the_intermediate_pages_are_in_the_pages_language(
    admin_client, language, url, action, factory
):
    admin_client.cookies["django_language"] = language
    page = act(admin_client, url, action, [factory()])
    assert page.templates[0].name == "admin/ask_then_act.html"
    assert not foreign_words(page.content.decode(), language, stored_texts())


@pytest.mark.django_db
def test_a_notice_to_an_enterprise_without_active_users_is_not_counted_as_done(
    admin_client, enterprise_a, user_a
):
    nobody = EnterpriseFactory(name="无人企业有限公司")
    UserFactory(enterprise=nobody, is_active=False)
    response = act(
        admin_client, ENTERPRISES, "send_notice", [enterprise_a, nobody],
        confirm="yes", subject="年检通知", text="请于月底前提交年报。", sending="once",
    )  # fmt: skip
    assert shown_messages(response) == [
        "发送通知：已完成1条。",
        "没有在用账号、未收到通知的企业（1家）：无人企业有限公司",
    ]
    assert [n.recipient for n in Notice.objects.filter(kind="federation_message")] == [user_a]
    logged = LogEntry.objects.filter(content_type__model="enterprise")
    assert [entry.object_id for entry in logged] == [str(enterprise_a.pk)]
    assert logged.get().change_message == "已发送通知：年检通知"


@pytest.mark.django_db
def test_select_all_asks_with_the_count_and_no_row_per_id_then_acts_on_every_row(
    admin_client, django_capture_on_commit_callbacks
):
    member_a, member_b, member_c = EnterpriseFactory.create_batch(3)
    for enterprise in (member_a, member_b, member_c):
        UserFactory(enterprise=enterprise)
    shown = [member_a]  # the list page posts the ids of the rows ticked on it
    page = act(admin_client, ENTERPRISES, "send_notice", shown, select_across="1")
    html = page.content.decode()
    assert page.context["count"] == 3
    assert "已选3项：" in html
    assert html.count(f'name="{ACTION_CHECKBOX_NAME}"') == 1
    with django_capture_on_commit_callbacks(execute=True):  # the fan-out's task writes them
        act(
            admin_client, ENTERPRISES, "send_notice", shown, select_across="1",
            confirm="yes", subject="年检通知", text="请于月底前提交年报。", sending="all",
        )  # fmt: skip
    reached = Notice.objects.filter(kind="federation_message").values_list(
        "recipient__enterprise", flat=True
    )
    assert sorted(reached) == sorted(e.pk for e in (member_a, member_b, member_c))


@pytest.mark.django_db
def test_send_a_notice_needs_the_change_permission(staff2, enterprise_a, user_a):
    staff2.user_permissions.add(Permission.objects.get(codename="view_enterprise"))
    client = client_for(staff2)
    listed = client.get(ENTERPRISES).context["action_form"].fields["action"].choices
    assert "send_notice" not in [name for name, _label in listed]
    assert "export_to_excel" in [name for name, _label in listed]
    act(
        client, ENTERPRISES, "send_notice", [enterprise_a],
        confirm="yes", subject="年检通知", text="请于月底前提交年报。", sending="x",
    )  # fmt: skip
    assert not Notice.objects.filter(kind="federation_message").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff", "view_only_staff", "user_a"])
@pytest.mark.parametrize(
    ("url", "action", "data"),
    [
        (APPLICATIONS, "approve", {}),
        (ENTERPRISES, "make_suspended", {"confirm": "yes", "reason": "理事会决定"}),
        (
            ENTERPRISES,
            "send_notice",
            {"confirm": "yes", "subject": "年检通知", "text": "请提交年报。", "sending": "x"},
        ),
    ],
)
def test_a_refused_admin_action_changes_nothing(request, who, url, action, data, enterprise_a):
    if who == "view_only_staff":
        user = request.getfixturevalue("staff2")
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_enterprise", "view_application"])
        )
    else:
        user = request.getfixturevalue(who)
    UserFactory(enterprise=enterprise_a)
    application = ApplicationFactory()
    target = application if url == APPLICATIONS else enterprise_a
    history = target.history.count()
    response = client_for(user).post(
        url, {"action": action, ACTION_CHECKBOX_NAME: [target.pk], **data}
    )
    assert response.status_code in (200, 302, 403)
    application.refresh_from_db()
    enterprise_a.refresh_from_db()
    assert application.status == Application.Status.PENDING
    assert application.enterprise is None
    assert enterprise_a.status == Enterprise.Status.MEMBER
    assert enterprise_a.status_reason == ""
    assert target.history.count() == history
    assert not Notice.objects.filter(
        kind__in=["application_approved", "membership_changed", "federation_message"]
    ).exists()
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
def test_the_change_form_shows_the_status_but_leaves_it_to_the_actions(admin_client, enterprise_a):
    url = reverse("admin:members_enterprise_change", args=[enterprise_a.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "status" not in form.fields and "status_reason" not in form.fields
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else value
    data.update(name="改名后的企业有限公司", status="withdrawn", status_reason="私自退会")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "改名后的企业有限公司"  # the form was saved
    assert enterprise_a.status == Enterprise.Status.MEMBER
    assert enterprise_a.status_reason == ""


NOTICE = {"confirm": "yes", "subject": "年检通知", "text": "请于月底前提交年报。"}


@pytest.mark.django_db
@pytest.mark.parametrize("select_across", ["0", "1"])
def test_a_notice_to_a_selection_over_the_line_is_sent_by_a_job_once_per_enterprise(
    secretary, staff2, settings, select_across, django_capture_on_commit_callbacks
):
    """Over EXPORT_IMMEDIATE_ROWS (the one line between the request and a job) the request
    records a job and sends nothing; the job sends to each enterprise once, even run again,
    names those without an active user, and tells its owner, the only one who sees it."""
    settings.EXPORT_IMMEDIATE_ROWS = 2
    chosen = EnterpriseFactory.create_batch(3, industry="C")
    users = [UserFactory(enterprise=enterprise) for enterprise in chosen]
    nobody = EnterpriseFactory(industry="C", name="无人企业有限公司")  # ticked or all
    EnterpriseFactory(industry="A", name="不在筛选中的企业")  # filtered out
    client = client_for(secretary)
    url = ENTERPRISES + "?industry__exact=C"
    # Every row ticked, or one ticked and "select all" chosen: the same four.
    ticked = [*chosen, nobody] if select_across == "0" else chosen[:1]
    post = {
        "action": "send_notice",
        ACTION_CHECKBOX_NAME: [e.pk for e in ticked],
        "select_across": select_across,
    }
    response = client.post(url, {**post, **NOTICE, "sending": "many"})

    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.kind == "members_admin_notice" and job.owner == secretary
    assert job.state == Job.State.QUEUED
    assert not Notice.objects.filter(kind="federation_message").exists()  # nothing in the request

    with django_capture_on_commit_callbacks(execute=True):  # the fan-out's task, once
        jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    sent = Notice.objects.filter(kind="federation_message")
    assert sorted(n.recipient_id for n in sent) == sorted(u.pk for u in users)
    assert {(n.subject, n.body) for n in sent} == {("年检通知", "请于月底前提交年报。")}
    assert job.result["figures"] == {"reached": 3, "missed": 1}
    assert job.result["problems"] == [["无人企业有限公司", "没有在用账号，未发送。"]]
    logged = LogEntry.objects.filter(content_type__model="enterprise", user=secretary)
    assert sorted(int(entry.object_id) for entry in logged) == sorted(e.pk for e in chosen)

    # Run again (a task delivered twice, or the runner called anew): nothing more is sent.
    assert jobs.run(job.pk) is None
    jobs.kind(job.kind).run(job, lambda *args, **kwargs: None)
    assert Notice.objects.filter(kind="federation_message").count() == len(users)

    told = Notice.objects.get(recipient=secretary, kind="job_finished")
    assert told.link == job.get_absolute_url()
    page = client.get(job.get_absolute_url())
    assert "无人企业有限公司" in page.content.decode()  # named on the job's page
    for name in ("detail", "progress"):
        page = reverse(f"jobs:{name}", args=[job.public_id])
        assert client.get(page).status_code == 200
        assert client_for(staff2).get(page).status_code == 404


@pytest.mark.django_db
def test_a_notice_without_text_to_a_large_selection_is_refused_and_starts_no_job(
    secretary, settings
):
    settings.EXPORT_IMMEDIATE_ROWS = 1
    chosen = EnterpriseFactory.create_batch(2)
    response = act(
        client_for(secretary), ENTERPRISES, "send_notice", chosen,
        confirm="yes", subject="年检通知", text=" ", sending="x",
    )  # fmt: skip
    refused = refusal(send_message, enterprises=chosen, subject="年检通知", text="", sending="x")
    assert shown_messages(response) == [refused]
    assert not Job.objects.exists()
    assert not Notice.objects.filter(kind="federation_message").exists()

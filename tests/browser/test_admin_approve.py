"""Staff approve two applications from the admin list with one action; both enterprises
become members and both applicants get their notice."""

import pytest

from members.models import Application, Enterprise
from notices.models import Notice
from tests.conftest import PASSWORD
from tests.factories import ApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_approve_two_applications_with_one_admin_action(new_page, settings, superuser):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    staff = superuser
    first = ApplicationFactory(name="延庆冰雪装备有限公司")
    second = ApplicationFactory(name="延庆长城葡萄酒有限公司")
    waiting = ApplicationFactory(name="未选中的申请企业有限公司")

    page = new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto("/admin/members/application/")
    for application in (first, second):
        page.check(f"input.action-select[value='{application.pk}']")
    page.select_option("select[name=action]", "approve")
    page.click("button[name=index]")
    page.wait_for_selector("ul.messagelist")
    assert "审核通过：已完成2条。" in page.inner_text("ul.messagelist")

    for application in (first, second):
        application.refresh_from_db()
        assert application.status == Application.Status.APPROVED
        assert application.decided_by == staff
        assert application.enterprise.status == Enterprise.Status.MEMBER
        notice = Notice.objects.get(recipient=application.applicant, kind="application_approved")
        assert application.name in notice.subject
    waiting.refresh_from_db()
    assert waiting.status == Application.Status.PENDING
    assert not Notice.objects.filter(recipient=waiting.applicant, kind="application_approved")

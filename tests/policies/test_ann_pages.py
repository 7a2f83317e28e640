"""The public side: the news list, an announcement's page and the anonymous home page (latest
public announcements, policies open now, coming public events); and the staff's lists, each
at a constant number of queries."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from events.models import Event
from petitions.models import Department
from policies.announcements import services
from policies.announcements.models import Announcement
from tests.conftest import client_for
from tests.events.factories import EventFactory
from tests.factories import EnterpriseFactory, UserFactory
from tests.policies.factories import PolicyFactory
from tests.uploads import PDF

pytestmark = pytest.mark.django_db


def sent(staff, title, *, public=True, files=(), capture=None):
    announcement = services.save_draft(
        actor=staff, criteria={"all_members": True}, kind="briefing", title=title,
        body=f"<p>{title}的正文</p>", is_public=public, files=files,
    )  # fmt: skip
    services.schedule(actor=staff, announcement=announcement)
    services.deliver(announcement.pk)
    announcement.refresh_from_db()
    return announcement


@pytest.fixture
def member(db):
    return UserFactory(enterprise=EnterpriseFactory())


def test_anyone_reads_the_public_announcements_newest_first(client, staff, member):
    older = sent(staff, "春节放假通知")
    Announcement.objects.filter(pk=older.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=3)
    )
    sent(staff, "政策宣讲会通知")
    sent(staff, "内部会议通知", public=False)
    services.save_draft(
        actor=staff, criteria={"all_members": True}, kind="other", title="草稿",
        body="<p>x</p>", is_public=True,
    )  # fmt: skip

    page = client.get(reverse("policies:announcements")).content.decode()

    assert page.index("政策宣讲会通知") < page.index("春节放假通知")
    assert "内部会议通知" not in page
    assert "草稿" not in page


def test_a_public_announcement_and_its_attachment_are_open_to_anyone(client, staff, member):
    public = sent(staff, "政策宣讲会通知", files=[SimpleUploadedFile("议程.pdf", PDF)])
    private = sent(staff, "内部会议通知", public=False)
    attachment = public.attachments.get()

    assert client.get(reverse("policies:announcement", args=[public.public_id])).status_code == 200
    download = client.get(
        reverse("policies:announcement_attachment", args=[public.public_id, attachment.public_id])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert client.get(reverse("policies:announcement", args=[private.public_id])).status_code == 404
    assert (
        client_for(member)
        .get(reverse("policies:announcement", args=[private.public_id]))
        .status_code
        == 200
    )  # a recipient


def test_the_news_list_costs_the_same_queries_however_long(
    client, staff, member, settings, django_assert_max_num_queries
):
    settings.KEPT_PAGE_SECONDS = 0
    for n in range(25):
        sent(staff, f"通知{n}")
    client.get(reverse("policies:announcements"))
    with django_assert_max_num_queries(3):  # the count and the page (and the session's none)
        client.get(reverse("policies:announcements"))


def test_the_anonymous_home_page_shows_announcements_open_policies_and_public_events(
    client, staff, member
):
    sent(staff, "政策宣讲会通知")
    sent(staff, "内部会议通知", public=False)
    today = timezone.localdate()
    department = Department.objects.create(name="区科委", code="kw")
    open_policy = PolicyFactory(
        title="科技型中小企业研发补贴",
        departments=[department],
        window_opens=today - datetime.timedelta(days=5),
        window_closes=today + datetime.timedelta(days=20),
    )
    PolicyFactory(
        title="已截止的补贴",
        window_opens=today - datetime.timedelta(days=40),
        window_closes=today - datetime.timedelta(days=1),
    )
    lecture = EventFactory(title="民企学堂公开课", audience=Event.Audience.PUBLIC)
    EventFactory(title="会员专场", audience=Event.Audience.MEMBERS)
    EventFactory(
        title="已取消的公开课", audience=Event.Audience.PUBLIC, status=Event.Status.CANCELLED
    )

    page = client.get("/").content.decode()

    assert "政策宣讲会通知" in page and "内部会议通知" not in page
    assert "科技型中小企业研发补贴" in page and "区科委" in page
    assert "已截止的补贴" not in page
    assert f"{today + datetime.timedelta(days=20):%Y}" in page  # the closing date
    try:  # the policy's own page, where the policies' pages exist
        policy_url = reverse("policies:detail", kwargs={"public_id": open_policy.public_id})
    except NoReverseMatch:
        policy_url = None
    if policy_url:
        assert f'href="{policy_url}"' in page
    assert "民企学堂公开课" in page
    assert reverse("events:detail", args=[lecture.public_id]) + "#register-form" in page
    assert "会员专场" not in page and "已取消的公开课" not in page


def test_the_anonymous_home_page_costs_the_same_queries_however_much_there_is(
    client, staff, member, settings, django_assert_max_num_queries
):
    settings.KEPT_PAGE_SECONDS = 0
    today = timezone.localdate()
    departments = [Department.objects.create(name=f"部门{n}", code=f"d{n}") for n in range(3)]
    for n in range(12):
        sent(staff, f"通知{n}")
        PolicyFactory(
            departments=departments,
            window_opens=today,
            window_closes=today + datetime.timedelta(days=n + 1),
        )
        EventFactory(audience=Event.Audience.PUBLIC)
    client.get("/")
    # Announcements, policies, their departments, events.
    with django_assert_max_num_queries(4):
        client.get("/")


def test_the_staffs_lists_cost_the_same_queries_however_long(
    staff, settings, django_assert_max_num_queries
):
    settings.KEPT_PAGE_SECONDS = 0
    members = [UserFactory(enterprise=EnterpriseFactory()) for _ in range(30)]
    announcement = sent(staff, "通知")
    for n in range(25):
        sent(staff, f"通知{n}")
    for reader in members[:10]:
        services.mark_read(announcement=announcement, user=reader)
    client = client_for(staff)
    pages = [
        reverse("policies:announcement_manage"),
        reverse("policies:announcement_receipts", args=[announcement.public_id]),
        reverse("policies:announcement_receipts", args=[announcement.public_id]) + "?show=unread",
        reverse("policies:announcement_review", args=[announcement.public_id]),
    ]
    for url in pages:
        client.get(url)
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200

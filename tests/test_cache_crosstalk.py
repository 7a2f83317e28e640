"""No viewer ever sees a page part cached for another: every page with a cached part
(core/pagecache.py, core/counts.py) is the same, cached or not, for every viewer.

The cast has two of every kind of viewer (two staff, two users of one enterprise, a user of
another, a leader, an applicant, an outsider, an anonymous visitor). Each page is first
rendered with the page cache off, for each viewer in both languages; then, with the cache on
and emptied, in one order and again in the reverse order and the other language first: each
rendering must equal the uncached one (but for the per-request CSRF token and create-form
token).
"""

import os
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chambers.models import Affiliation, Organization
from core import pagecache
from events import services as event_services
from events.models import Event
from petitions import services as petition_services
from petitions.models import Department, Suggestion
from policies import follow
from policies.announcements import services as announcements
from policies.models import Announcement, Policy
from reports import services as report_services
from reports.ledgers.registry import LEDGERS
from tests.conftest import client_for, empty_caches
from tests.events.factories import EventFactory
from tests.factories import EnterpriseFactory
from tests.notices.factories import NoticeFactory
from tests.policies.factories import PolicyFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")
VIEWERS = (
    "staff", "staff2", "user_a", "colleague_a", "user_b", "leader", "applicant", "outsider",
    "anonymous",
)  # fmt: skip


@pytest.fixture
def cast(
    request, page_cache, staff, staff2, user_a, colleague_a, user_b, leader, applicant, outsider
):
    """{name: user} of every viewer, each with unread notices of their own (the navigation
    shows how many) and the enterprises to fill two pages of the directory."""
    for n, user in enumerate([staff, staff2, user_a, colleague_a, user_b, leader, applicant]):
        NoticeFactory.create_batch(n + 1, recipient=user)
    EnterpriseFactory.create_batch(3, name="延庆冰雪装备有限公司")
    chamber = Organization.objects.create(slug="ice", name="冰雪产业商会", kind="industry")
    Affiliation.objects.create(organization=chamber, enterprise=user_a.enterprise)
    Affiliation.objects.create(organization=chamber, enterprise=user_b.enterprise)
    event = EventFactory(audience=Event.Audience.MEMBERS)
    event_services.register_for_event(event=event, actor=user_a)
    petition_services.file_petition(
        actor=user_a,
        enterprise=user_a.enterprise,
        category="financing",
        title="贷款续贷困难",
        description="银行要求追加抵押。",
    )
    Suggestion.objects.create(kind="suggestion", title="建议", text="内容", author=user_a)
    report_services.keep_report_figures(year=timezone.localdate().year)
    users = {name: request.getfixturevalue(name) for name in VIEWERS if name != "anonymous"}
    # A published policy the ice chamber's firms match, and a public announcement to them,
    # each read already by every enterprise user: a first reading writes, so it would change
    # what the next rendering shows.
    department = Department.objects.create(name="区经济和信息化局", code="jxj")
    policy = PolicyFactory(created_by=staff, departments=[department])
    PolicyFactory(created_by=staff, departments=[department], status="draft", published_at=None)
    news = announcements.save_draft(
        actor=staff, criteria={"chambers": [chamber.pk]}, kind="meeting",
        title="冰雪商会年会通知", body="<p>年会</p>", is_public=True,
    )  # fmt: skip
    announcements.schedule(actor=staff, announcement=news)
    announcements.deliver(news.pk)
    for user in users.values():
        follow.record_read(policy=policy, user=user)
        announcements.mark_read(announcement=news, user=user)
    return {**users, "anonymous": None}


def pages(enterprise_a, enterprise_b) -> list[str]:
    """Every page that shows a cached part or count; the navigation and the language menu
    are on all of them."""
    directory = reverse("members:directory")
    return [
        reverse("home"),
        directory,
        f"{directory}?q=%E5%86%B0%E9%9B%AA",  # 冰雪: a search
        f"{directory}?page=2",
        reverse("members:enterprise_detail", args=[enterprise_a.public_id]),
        reverse("members:enterprise_detail", args=[enterprise_b.public_id]),
        reverse("chambers:list"),
        reverse("chambers:structure"),
        reverse("ledgers:index"),
        reverse("ledgers:members"),
        reverse("petitions:metrics"),
        reverse("notices:inbox"),
        reverse("events:list"),
        reverse("chambers:detail", args=["ice"]),
        reverse("chambers:members", args=["ice"]),
        reverse("petitions:suggestions"),
        reverse("petitions:duty"),
        reverse("dashboard:report"),
        reverse("dashboard:report_print"),
        *(reverse(f"ledgers:{name}") for name in LEDGERS),
        reverse("petitions:ledger"),
        reverse("policies:list"),
        f"{reverse('policies:list')}?department=jxj",
        reverse("policies:detail", args=[Policy.objects.published().get().public_id]),
        reverse("policies:for_you"),
        reverse("policies:announcements"),
        reverse("policies:announcement", args=[Announcement.objects.public().get().public_id]),
        # The admin's long lists, each kept whole for its user (core.admin.LongList).
        "/admin/members/enterprise/",
        "/admin/members/user/",
        "/admin/petitions/petition/",
        "/admin/notices/notice/",
        "/admin/events/registration/",
    ]


CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
# A create form's token (core/submissions.py), drawn afresh for every page shown.
ONCE_TOKEN = re.compile(r'(name="(?:[\w-]+-)?submission" value=")[^"]*(")')
# When the printed report was printed: the minute may turn between two renderings.
PRINTED_AT = re.compile(r'(<span id="printed-at">)[^<]*(</span>)')


# When an iCalendar feed was made (DTSTAMP, to the second).
MADE_AT = re.compile(r"(DTSTAMP:)\d{8}T\d{6}Z()")


def rendering(client: Client, url: str, language: str) -> tuple[int, str, str]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    body = response.content.decode()
    for per_request in (CSRF_TOKEN, ONCE_TOKEN, PRINTED_AT, MADE_AT):
        body = per_request.sub(r"\1\2", body)
    return response.status_code, response.get("Location", ""), body


def render_all(settings, cast, urls, order, languages) -> dict:
    clients = {name: client_for(cast[name]) for name in order}
    return {
        (name, language, url): rendering(clients[name], url, language)
        for language in languages
        for name in order
        for url in urls
    }


def uncached(settings, cast, urls) -> dict:
    settings.PAGE_CACHE_SECONDS = 0
    try:
        return render_all(settings, cast, urls, VIEWERS, LANGUAGES)
    finally:
        settings.PAGE_CACHE_SECONDS = 300


def assert_same(expected: dict, found: dict):
    for key, (status, location, body) in found.items():
        assert (status, location) == expected[key][:2], key
        assert body == expected[key][2], f"{key}: the cached page differs from the uncached one"


@pytest.mark.parametrize(
    ("order", "languages"),
    [(VIEWERS, LANGUAGES), (VIEWERS[::-1], LANGUAGES[::-1])],
    ids=["in-order", "reversed"],
)
def test_every_cached_page_is_the_same_cached_or_not_for_every_viewer(
    settings, cast, enterprise_a, enterprise_b, order, languages
):
    settings.DIRECTORY_PAGE_SIZE = 2
    urls = pages(enterprise_a, enterprise_b)
    expected = uncached(settings, cast, urls)
    # The cast sees different pages: a mix-up between any two of them would show.
    assert len({body for _, _, body in expected.values()}) > len(urls) * len(LANGUAGES)

    empty_caches()
    assert pagecache.enabled()
    assert_same(expected, render_all(settings, cast, urls, order, languages))
    # Again, every part now from the cache (the shared one and this process's copies).
    assert_same(expected, render_all(settings, cast, urls, order[::-1], languages))


def test_colleagues_each_see_their_own_name_on_a_page_cached_for_their_enterprise(
    cast, enterprise_a, user_a, colleague_a
):
    url = reverse("members:enterprise_detail", args=[enterprise_a.public_id])
    first = client_for(user_a).get(url).content.decode()
    second = client_for(colleague_a).get(url).content.decode()
    assert user_a.real_name in first and colleague_a.real_name not in first
    assert colleague_a.real_name in second and user_a.real_name not in second


def test_an_enterprise_page_shows_each_kind_of_viewer_what_is_theirs(
    cast, enterprise_a, staff, user_a, user_b
):
    """The part is rendered without the request: whether the viewer is staff is passed."""
    url = reverse("members:enterprise_detail", args=[enterprise_a.public_id])
    edit = reverse("members:enterprise_edit", args=[enterprise_a.public_id])
    for_staff = client_for(staff).get(url).content.decode()
    for_member = client_for(user_a).get(url).content.decode()
    assert enterprise_a.contact_mobile in for_staff and edit in for_staff
    assert enterprise_a.masked_contact_mobile in for_member
    assert enterprise_a.contact_mobile not in for_member and edit not in for_member
    assert client_for(user_b).get(url).status_code == 200


@pytest.fixture
def planted_leak(settings):
    """The enterprise page's cached part as if someone added the viewer's e-mail to it."""
    name = "members/_enterprise_detail_body.html"
    source = (settings.BASE_DIR / "templates" / name).read_text()
    leak = "{{ user.email }}{{ request.user.email }}{% for p in perms %}{{ p }}{% endfor %}"
    (engine,) = settings.TEMPLATES
    options = {k: v for k, v in engine["OPTIONS"].items() if k != "loaders"}
    settings.TEMPLATES = [{
        **{k: v for k, v in engine.items() if k != "APP_DIRS"},
        "OPTIONS": {**options, "loaders": [
            ("django.template.loaders.locmem.Loader", {name: source + leak}),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ]},
    }]  # fmt: skip


@pytest.mark.usefixtures("planted_leak", "page_cache")
def test_a_cached_part_that_reaches_for_the_viewer_shows_nothing_of_them(
    cast, enterprise_a, staff, staff2, user_a, colleague_a
):
    url = reverse("members:enterprise_detail", args=[enterprise_a.public_id])
    for first, second in [(staff, staff2), (user_a, colleague_a)]:
        for viewer in (first, second):
            page = client_for(viewer).get(url).content.decode()
            assert enterprise_a.name in page
            assert first.email not in page and second.email not in page


def test_with_redis_as_the_cache_the_suite_runs_with_the_page_cache_on(settings):
    """No test fixture here: the settings every test starts from. CI's cache is Redis."""
    redis = settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert pagecache.enabled() == redis
    if os.environ.get("CI"):
        assert redis and settings.PAGE_CACHE_SECONDS == 3600

"""Kept pages (core.pagecache.kept_page): a list or detail page asked for again by the same
viewer is sent as it was rendered, while the minute, and every table it showed, are the same.

The cross-talk test renders every kept page of the permission matrix as two of every kind of
viewer, cached and not, in both orders and languages; the rest checks what keeps a page
current: a change through a service, a part's table, the minute, the access checks, and what
is never kept.
"""

import re
import uuid
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from core import pagecache
from members.models import Township
from notices.models import Notice
from petitions import services as petition_services
from tests.conftest import client_for, empty_caches
from tests.test_cache_crosstalk import CSRF_TOKEN, assert_same, rendering
from tests.test_permissions import MATRIX

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

LANGUAGES = ("zh-hans", "en")


def kept_names() -> set[str]:
    """Every URL name whose view is kept."""
    found = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "kept", False):
                found.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return found


def test_the_lists_and_records_people_read_all_day_are_kept():
    assert {
        "home", "members:application_list", "members:application_detail", "chambers:list",
        "chambers:structure", "chambers:detail", "chambers:members", "roster:index",
        "roster:mine", "roster:month", "roster:swaps", "roster:calendar", "events:list",
        "events:month", "events:mine", "events:manage", "events:detail", "events:dashboard",
        "events:checkin", "events:checkin_scan", "events:record", "events:invitation",
        "events:invitation_card", "events:invitation_qr", "events:registration_qr", "roster:ical",
        "petitions:list", "petitions:detail", "petitions:timeline", "petitions:record",
        "petitions:ledger", "petitions:metrics", "petitions:duty", "petitions:suggestions",
        "petitions:suggestion_detail", "ledgers:index", "ledgers:members", "ledgers:attendance",
        "members:enterprise_timeline", "policies:list", "policies:detail", "policies:for_you",
        "policies:manage", "members:qualification_review",
    } <= kept_names()  # fmt: skip


@pytest.fixture
def world(cast, staff2, colleague_a):
    """The permission matrix's world, with a second viewer of each kind that has one."""
    url_args, viewers = cast
    viewers = {**viewers, "staff2": staff2, "colleague_a": colleague_a, "anonymous": None}
    return url_args, viewers


# The matrix's role each second viewer stands for.
SECOND = {"staff2": "staff", "colleague_a": "enterprise_a"}


def kept_urls(url_args) -> list[tuple[str, str]]:
    """(url name, url) of every kept page of the matrix."""
    return [(name, reverse(name, args=url_args.get(name, []))) for name in sorted(kept_names())]


def allowed(name: str, viewer: str) -> bool:
    return MATRIX[name][SECOND.get(viewer, viewer)] == 200


def render_all(viewers, urls, order, languages) -> dict:
    clients = {name: client_for(viewers[name]) for name in order}
    return {
        (viewer, language, url): rendering(clients[viewer], url, language)
        for language in languages
        for viewer in order
        for name, url in urls
        if allowed(name, viewer)
    }


@pytest.mark.parametrize("reverse_order", [False, True], ids=["in-order", "reversed"])
def test_every_kept_page_is_the_same_kept_or_not_for_every_viewer(settings, world, reverse_order):
    url_args, viewers = world
    urls = kept_urls(url_args)
    assert {name for name, _ in urls} == kept_names() and all(name in MATRIX for name, _ in urls)
    order = list(viewers)[::-1] if reverse_order else list(viewers)
    languages = LANGUAGES[::-1] if reverse_order else LANGUAGES

    settings.PAGE_CACHE_SECONDS = 0
    expected = render_all(viewers, urls, order, languages)
    # Each page answers its viewers (a colleague may not read another's suggestion: 404).
    assert {url for (_, _, url), (status, _, _) in expected.items() if status == 200} == {
        url for _, url in urls
    }
    settings.PAGE_CACHE_SECONDS = 300
    empty_caches()
    assert_same(expected, render_all(viewers, urls, order, languages))
    # Again: every page now kept (for each viewer: the first round rendered and kept it).
    assert_same(expected, render_all(viewers, urls, order[::-1], languages))


def at_second(moment: float):
    """The kept pages' clock (core.pagecache's own import of time) held at `moment`."""
    return mock.patch.object(pagecache, "time", SimpleNamespace(time=lambda: moment))


START = 1_800_000_000.0  # a minute's first second


def test_a_kept_page_is_sent_again_without_a_query(user_a):
    client = client_for(user_a)
    url = reverse("petitions:list")
    with at_second(START):
        first = rendering(client, url, "zh-hans")
    with at_second(START + 59), CaptureQueriesContext(connection) as queries:
        again = rendering(client, url, "zh-hans")
    assert again == first
    assert len(queries) == 0


def test_a_change_through_a_service_shows_on_the_next_request(user_a, enterprise_a):
    client = client_for(user_a)
    url = reverse("petitions:list")
    assert "厂房租金补贴" not in client.get(url).content.decode()
    petition_services.file_petition(
        actor=user_a,
        enterprise=enterprise_a,
        category="financing",
        title="厂房租金补贴",
        description="申请厂房租金补贴。",
    )
    assert "厂房租金补贴" in client.get(url).content.decode()


UNREAD = 'id="unread-count">1<'


def test_a_table_only_a_cached_part_showed_renews_the_page_too(user_a):
    """The navigation's unread count comes from its own cached part (no query of the page):
    its tables are the page's too, whether the part was rendered or found cached."""
    client = client_for(user_a)
    url = reverse("petitions:list")
    client.get(reverse("home"))  # the navigation part is now cached
    assert UNREAD not in client.get(url).content.decode()
    Notice.objects.create(recipient=user_a, kind="application_received", key="k1", subject="新")
    assert UNREAD in client.get(url).content.decode()


def test_a_kept_page_is_rendered_again_when_the_minute_turns(user_a):
    client = client_for(user_a)
    url = reverse("petitions:list")
    with at_second(START):
        client.get(url)
    with at_second(START + 30), CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == 0
    with at_second(START + 60), CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) > 0


def test_the_access_checks_run_for_every_request(staff):
    client = client_for(staff)
    url = reverse("ledgers:members")
    assert client.get(url).status_code == 200
    staff.is_staff = False
    staff.save()
    assert client.get(url).status_code == 403


def test_a_kept_page_is_never_sent_to_another_user_of_the_same_enterprise(user_a, colleague_a):
    url = reverse("home")
    mine = client_for(user_a).get(url).content.decode()
    theirs = client_for(colleague_a).get(url).content.decode()
    assert user_a.real_name in mine and user_a.real_name not in theirs
    assert colleague_a.real_name in theirs


def test_each_sending_carries_a_csrf_token_valid_for_its_session(user_a):
    client = client_for(user_a)
    client.handler.enforce_csrf_checks = True
    url = reverse("petitions:list")
    pages = [client.get(url).content.decode() for _ in range(2)]
    tokens = [CSRF_TOKEN.search(page).group(0) for page in pages]
    assert tokens[0] != tokens[1]  # masked anew each time
    assert pagecache.CSRF_PLACEHOLDER not in pages[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pages[1]).group(1)
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_each_sending_of_a_create_form_draws_a_new_token(cast, staff):
    url_args, _ = cast
    client = client_for(staff)
    url = reverse("chambers:members", args=url_args["chambers:members"])
    pages = [client.get(url).content.decode() for _ in range(2)]
    tokens = [re.search(r'name="submission" value="([^"]+)"', page).group(1) for page in pages]
    assert tokens[0] != tokens[1]
    assert all(uuid.UUID(token) for token in tokens)
    assert pagecache.FORM_TOKEN_PLACEHOLDER not in pages[1]


def test_a_page_with_a_message_to_show_is_rendered_and_shows_it_once(user_a, enterprise_a):
    client = client_for(user_a)
    url = reverse("petitions:list")
    client.get(url)
    response = client.post(
        reverse("petitions:new"),
        {"category": "financing", "urgency": "normal", "title": "融资难", "description": "说明"},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown
    page = client.get(url).content.decode()
    assert not any(message in page for message in shown)


# --- What is never kept: the decorator on views of its own ---------------------------------


def call_twice(view) -> int:
    """How many times `view` ran for two identical requests of an anonymous visitor."""
    calls = []

    @pagecache.kept_page
    def counted(request):
        calls.append(1)
        return view(request)

    for _ in range(2):
        request = RequestFactory().get("/kept/")
        request.user = AnonymousUser()
        request.session = {}
        request._messages = FallbackStorage(request)
        with translation.override("zh-hans"), at_second(START):
            counted(request)
    return len(calls)


def test_a_page_that_only_reads_is_kept():
    assert call_twice(lambda request: HttpResponse(Township.objects.count())) == 1


def test_an_image_drawn_for_a_page_is_kept_as_it_is():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>csrf</text></svg>'
    assert call_twice(lambda request: HttpResponse(svg, content_type="image/svg+xml")) == 1


@pytest.mark.parametrize(
    "view",
    [
        pytest.param(lambda r: HttpResponse(Township.objects.update(name="x")), id="writes"),
        pytest.param(lambda r: HttpResponse(Session.objects.count()), id="reads-sessions"),
        pytest.param(lambda r: HttpResponse("gone", status=404), id="not-200"),
        pytest.param(lambda r: StreamingHttpResponse(iter(["a,b"])), id="streamed"),
        pytest.param(lambda r: set_cookie(HttpResponse("ok")), id="sets-a-cookie"),
        pytest.param(lambda r: add_message(r, HttpResponse("ok")), id="adds-a-message"),
    ],
)
def test_a_page_is_not_kept_when(view):
    assert call_twice(view) == 2


def set_cookie(response):
    response.set_cookie("seen", "1")
    return response


def add_message(request, response):
    from django.contrib import messages

    messages.info(request, "已保存")
    return response


def test_without_a_shared_cache_nothing_is_kept(settings):
    settings.CACHE_IS_SHARED = False
    assert call_twice(lambda request: HttpResponse("ok")) == 2


def test_a_head_or_post_is_never_answered_from_a_kept_page(user_a):
    client: Client = client_for(user_a)
    url = reverse("petitions:list")
    client.get(url)
    assert client.head(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.head(url)
    assert len(queries) > 0


def test_kept_page_seconds_zero_keeps_no_page(settings):
    settings.KEPT_PAGE_SECONDS = 0
    assert call_twice(lambda request: HttpResponse("ok")) == 2


def test_a_chamber_renamed_shows_at_once_on_its_keepers_page(cast, staff):
    """The keeper's page shows the chamber its access check read before the page rendered."""
    from chambers.models import Organization

    url_args, _ = cast
    client = client_for(staff)
    url = reverse("chambers:members", args=url_args["chambers:members"])
    assert "冰雪产业商会" in client.get(url).content.decode()
    chamber = Organization.objects.get(slug=url_args["chambers:members"][0])
    chamber.name = "冰雪运动产业商会"
    chamber.save()
    assert "冰雪运动产业商会" in client.get(url).content.decode()

"""Cached page parts: rendered once, shown until the data changes, never to the wrong viewer.

core/pagecache.py keeps the navigation, the directory and an enterprise's page under the
stamps of the tables they show (core/stamps.py). Every change
below is made the way a shell, an import or a bulk action would make it (QuerySet.update,
which sends no signal) as well as through the ORM's save.
"""

import re
import time
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import pagecache, stamps
from core.counts import cached_count
from members.models import Enterprise, Township, User
from notices.models import Notice
from tests.conftest import PASSWORD, client_for
from tests.factories import EnterpriseFactory, UserFactory
from tests.notices.factories import NoticeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]
DIRECTORY = reverse("members:directory")


def detail_url(enterprise):
    return reverse("members:enterprise_detail", args=[enterprise.public_id])


def text(response):
    return response.content.decode()


def part(models, vary, render):
    return pagecache.cached_fragment("x", depends_on=models, vary_on=vary, render=render)


def test_off_without_a_shared_cache(settings):
    settings.CACHE_IS_SHARED = False
    assert not pagecache.enabled()
    calls = []
    assert part((Enterprise,), (), lambda: calls.append(1) or "v") == "v"
    assert part((Enterprise,), (), lambda: calls.append(1) or "v") == "v"
    assert len(calls) == 2


def test_a_part_is_computed_once_until_its_tables_change(enterprise_a):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert part((Enterprise,), ("a",), compute) == 1
    assert part((Enterprise,), ("a",), compute) == 1
    assert part((Enterprise,), ("b",), compute) == 2
    Enterprise.objects.filter(pk=enterprise_a.pk).update(name="改名企业有限公司")
    assert part((Enterprise,), ("a",), compute) == 3
    # A change to another table leaves the part alone.
    Notice.objects.all().delete()
    NoticeFactory()
    assert part((Enterprise,), ("a",), compute) == 3


# --- The directory --------------------------------------------------------------------------


def test_directory_is_served_from_the_cache_until_an_enterprise_changes(
    staff_client, enterprise_a, django_assert_max_num_queries
):
    assert "延庆冰雪文旅有限公司" in text(staff_client.get(DIRECTORY))
    # The session (at most), nothing else: the user, navigation and rows are cached.
    with django_assert_max_num_queries(1):
        response = staff_client.get(DIRECTORY)
    assert "延庆冰雪文旅有限公司" in text(response)

    Enterprise.objects.filter(pk=enterprise_a.pk).update(name="延庆冰雪运动有限公司")
    response = staff_client.get(DIRECTORY)
    assert "延庆冰雪运动有限公司" in text(response)
    assert "延庆冰雪文旅有限公司" not in text(response)

    EnterpriseFactory(name="新入会企业有限公司")
    response = staff_client.get(DIRECTORY)
    assert "新入会企业有限公司" in text(response)
    assert "共2家企业" in text(response)


def test_staff_and_members_each_get_their_own_directory(
    staff_client, client_a, enterprise_a, enterprise_b
):
    Enterprise.objects.filter(pk=enterprise_b.pk).update(status=Enterprise.Status.SUSPENDED)
    for _ in range(2):  # rendered, then cached
        as_staff = text(staff_client.get(DIRECTORY))
        as_member = text(client_a.get(DIRECTORY))
        assert "康庄农业科技有限公司" in as_staff
        assert "康庄农业科技有限公司" not in as_member
        assert 'id="export-link"' in as_staff
        assert 'id="export-link"' not in as_member


def test_each_query_and_language_has_its_own_page(staff_client, enterprise_a, enterprise_b):
    for _ in range(2):
        assert "康庄农业" not in text(staff_client.get(DIRECTORY, {"q": "冰雪"}))
        assert "康庄农业" in text(staff_client.get(DIRECTORY, {"q": "kz"}))
    english = staff_client.get(DIRECTORY, headers={"accept-language": "en"})
    assert "Member directory" in text(english)
    assert "会员名录" in text(staff_client.get(DIRECTORY))


def test_made_up_parameters_are_rendered_but_not_cached(staff_client, enterprise_a):
    from members import views

    with mock.patch.object(views, "directory_context", wraps=views.directory_context) as built:
        for _ in range(2):
            response = staff_client.get(DIRECTORY, {"utm_source": "mail"})
            assert "延庆冰雪文旅有限公司" in text(response)
        assert built.call_count == 2
        for _ in range(2):
            staff_client.get(DIRECTORY, {"q": "冰雪"})
        assert built.call_count == 3


def test_a_suspended_members_user_is_refused_a_cached_directory(client_a, user_a, enterprise_a):
    assert client_a.get(DIRECTORY).status_code == 200
    Enterprise.objects.filter(pk=enterprise_a.pk).update(status=Enterprise.Status.SUSPENDED)
    assert client_a.get(DIRECTORY).status_code == 403


def test_counts_follow_bulk_changes(enterprise_a, enterprise_b):
    members = Enterprise.objects.members()
    assert cached_count(members) == 2
    Enterprise.objects.filter(pk=enterprise_b.pk).update(status=Enterprise.Status.WITHDRAWN)
    assert cached_count(members) == 1
    assert cached_count(Enterprise.objects.all()) == 2


# --- An enterprise's page -------------------------------------------------------------------


def test_private_fields_stay_with_their_enterprise(client_a, client_b, staff_client, enterprise_a):
    Enterprise.objects.filter(pk=enterprise_a.pk).update(address="延庆区妫水北街9号")
    for _ in range(2):
        assert "妫水北街9号" in text(client_a.get(detail_url(enterprise_a)))
        assert "妫水北街9号" not in text(client_b.get(detail_url(enterprise_a)))
        staff_page = text(staff_client.get(detail_url(enterprise_a)))
        assert "妫水北街9号" in staff_page
        assert "13800138000" in staff_page  # staff see the whole mobile number
    assert "13800138000" not in text(client_a.get(detail_url(enterprise_a)))


def test_an_enterprise_that_leaves_is_no_longer_shown_to_members(client_b, enterprise_a):
    assert client_b.get(detail_url(enterprise_a)).status_code == 200
    Enterprise.objects.filter(pk=enterprise_a.pk).update(status=Enterprise.Status.WITHDRAWN)
    assert client_b.get(detail_url(enterprise_a)).status_code == 404
    assert client_b.get(detail_url(enterprise_a)).status_code == 404  # the cached answer


def test_a_cached_page_carries_a_valid_csrf_token_for_each_browser(staff, enterprise_a):
    """The status form on a cached page posts: each browser gets its own token."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (first, second):
        browser.force_login(staff, backend="core.auth.CachedModelBackend")
    first.get(detail_url(enterprise_a))  # renders and caches the page
    page = text(second.get(detail_url(enterprise_a)))  # served from the cache
    assert pagecache.CSRF_PLACEHOLDER not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = second.post(
        reverse("members:enterprise_status", args=[enterprise_a.public_id]),
        {"status": "suspended", "reason": "欠缴会费", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.status == Enterprise.Status.SUSPENDED
    # The page shows the change and its history at once, with its message.
    page = text(second.get(detail_url(enterprise_a), follow=True))
    assert "欠缴会费" in page
    assert "会籍状态已变更" in page


# --- The navigation and the signed-in user --------------------------------------------------


def test_the_unread_count_follows_new_and_read_notices(client_a, user_a):
    home = reverse("home")
    assert 'id="unread-count"' not in text(client_a.get(home))
    notice = NoticeFactory(recipient=user_a)
    assert re.search(r'id="unread-count">1<', text(client_a.get(home)))
    Notice.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    assert 'id="unread-count"' not in text(client_a.get(home))


def test_the_navigation_is_each_users_own(client_a, client_b):
    for _ in range(2):
        assert "企业甲联络员" in text(client_a.get(reverse("home")))
        assert "企业乙联络员" in text(client_b.get(reverse("home")))
        assert "企业甲联络员" not in text(client_b.get(reverse("home")))


def test_a_deactivated_user_is_signed_out_at_once(client_a, user_a):
    assert client_a.get(DIRECTORY).status_code == 200
    User.objects.filter(pk=user_a.pk).update(is_active=False)
    response = client_a.get(DIRECTORY)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_new_password_signs_out_other_sessions(user_a):
    other = client_for(user_a)
    assert other.get(DIRECTORY).status_code == 200
    user_a.set_password("a brand new passphrase 2026")
    user_a.save()
    assert other.get(DIRECTORY).status_code == 302
    fresh = Client()
    login = {"username": user_a.email, "password": "a brand new passphrase 2026"}
    assert fresh.post(reverse("login"), login).status_code == 302
    assert fresh.get(DIRECTORY).status_code == 200
    stale = Client()
    stale.post(reverse("login"), {"username": user_a.email, "password": PASSWORD})
    assert stale.get(DIRECTORY).status_code == 302


def test_the_cached_user_is_the_sessions_user(client_a, user_a, user_b):
    client_a.get(DIRECTORY)
    assert int(client_a.session[SESSION_KEY]) == user_a.pk
    UserFactory()  # another account changes: user_a is read again, still user_a
    assert "企业甲联络员" in text(client_a.get(reverse("home")))


def cached_bytes() -> bytes:
    """Everything the shared cache holds (Redis in CI, local memory otherwise), as stored."""
    from django.core.cache import cache

    if hasattr(cache, "client"):  # django-redis
        client = cache.client.get_client()
        return b"".join(client.get(key) or b"" for key in client.keys("*"))
    return b"".join(cache._cache.values())  # LocMemCache: pickled values


def signed_in(user) -> Client:
    """A browser that signed in through the login form, as a person does."""
    browser = Client()
    login = {"username": user.email, "password": PASSWORD}
    assert browser.post(reverse("login"), login).status_code == 302
    return browser


def test_no_phone_number_of_the_signed_in_user_is_kept_in_the_cache(user_a, enterprise_a):
    """The cached user (core/auth.py) is kept without their encrypted fields, nor their
    enterprise's: no decrypted phone number is pickled into the cache."""
    from core.auth import CachedModelBackend

    User.objects.filter(pk=user_a.pk).update(mobile="13912345678")
    Enterprise.objects.filter(pk=enterprise_a.pk).update(contact_mobile="13811112222")
    browser = signed_in(user_a)
    for url in (reverse("home"), DIRECTORY, detail_url(enterprise_a), reverse("members:profile")):
        assert browser.get(url).status_code == 200
    assert "企业甲联络员" in text(browser.get(reverse("home")))  # the cache was in use
    held = cached_bytes()
    assert held  # sessions, parts and stamps are there
    assert b"13912345678" not in held and b"13811112222" not in held
    # Read from the database when a page asks for them.
    user = CachedModelBackend().get_user(user_a.pk)
    assert user.mobile == "13912345678" and user.enterprise.contact_mobile == "13811112222"


def test_a_session_survives_the_cache_being_emptied(user_a):
    """Sessions are Django's cached_db: written through to the database, so a Redis restart
    signs nobody out."""
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    browser = signed_in(user_a)
    assert browser.get(DIRECTORY).status_code == 200
    assert Session.objects.filter(session_key=browser.session.session_key).exists()
    cache.clear()
    pagecache.clear_local()
    response = browser.get(DIRECTORY)
    assert response.status_code == 200
    assert "企业甲联络员" in text(response)


def test_a_table_never_written_since_the_cache_emptied_is_stamped_now():
    from django.core.cache import cache

    cache.clear()
    before = time.time()
    (first,) = stamps.stamp(Township)
    assert first >= before
    assert stamps.stamp(Township) == (first,)  # kept, not renewed on every read


@pytest.mark.django_db(transaction=True)
def test_a_request_reads_its_stamps_once():
    """Outside a transaction (as in production) a request reads the stamps of every part it
    shows in one round trip, and each request sees the changes made before it."""
    staff = UserFactory(is_staff=True)
    enterprise = EnterpriseFactory(name="延庆长城葡萄酒有限公司")
    client = client_for(staff)
    assert "延庆长城葡萄酒有限公司" in text(client.get(DIRECTORY))
    with mock.patch.object(stamps, "_read_stamps", wraps=stamps._read_stamps) as reads:
        assert "延庆长城葡萄酒有限公司" in text(client.get(DIRECTORY))
    assert reads.call_count == 1
    Enterprise.objects.filter(pk=enterprise.pk).update(name="延庆妫水葡萄酒有限公司")
    assert "延庆妫水葡萄酒有限公司" in text(client.get(DIRECTORY))


def test_the_search_box_shows_each_search_escaped(staff_client, enterprise_a):
    """The filter form is rendered once for all searches; each search is put in escaped."""
    assert 'value="冰雪"' in text(staff_client.get(DIRECTORY, {"q": "冰雪"}))
    page = text(staff_client.get(DIRECTORY, {"q": '"><script>alert(1)</script>'}))
    assert "<script>alert(1)</script>" not in page
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert 'name="industry"' in page and 'name="status"' in page
    # The other filters keep their choice.
    page = text(staff_client.get(DIRECTORY, {"q": "冰雪", "industry": "C"}))
    assert '<option value="C" selected>' in page


def test_the_csrf_placeholder_cannot_be_guessed(settings):
    """A visitor who typed the placeholder into a search or a URL would see it replaced by
    their token in links, and the token would leak into history and Referer headers."""
    first = pagecache.placeholder("csrf")
    settings.SECRET_KEY = "another-secret-key-for-this-test-0123456789-abcdefghijkl"
    assert pagecache.placeholder("csrf") != first


def test_a_write_stamped_behind_another_tables_stamp_still_changes_the_key(enterprise_a):
    """Stamps come from the clock of the process that wrote: each table's counts."""
    from django.core.cache import cache

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    cache.set(stamps.stamp_key(Township._meta.db_table), time.time() + 3600, None)
    assert part((Enterprise, Township), (), compute) == 1
    Enterprise.objects.filter(pk=enterprise_a.pk).update(name="改名企业有限公司")
    assert part((Enterprise, Township), (), compute) == 2


@pytest.mark.django_db(transaction=True)
def test_a_write_outside_a_transaction_is_stamped_again_once_done():
    """django-cachalot stamps a write just before it runs: a part rendered in between would
    show the old rows under the new stamp. The stamp is renewed once the write is done."""
    enterprise = EnterpriseFactory()
    with mock.patch.object(stamps, "invalidate", wraps=stamps.invalidate) as renewed:
        Enterprise.objects.filter(pk=enterprise.pk).update(name="改名企业有限公司")
    assert renewed.call_args.args == (Enterprise._meta.db_table,)


@pytest.mark.django_db(transaction=True)
def test_an_email_marked_sent_renews_the_notices_stamp():
    """The delivery marks each e-mail sent with one raw UPDATE (notices.services.record_sent):
    a page that lists notices (the admin's, kept whole) must not keep showing it unsent."""
    from notices.services import record_sent

    notice = NoticeFactory(email="a@example.cn", email_state=Notice.EmailState.PENDING)
    (before,) = stamps.stamp(Notice)
    time.sleep(0.01)
    record_sent(notice)
    (after,) = stamps.stamp(Notice)
    assert after > before
    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT


def without_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_framed_page_is_the_page_rendered_in_full(settings, staff_client, enterprise_a):
    staff_client.get(DIRECTORY)  # the frame is made
    response = staff_client.get(DIRECTORY)
    assert "base.html" not in [t.name for t in response.templates]  # and used
    assert any(key[0] == "members/directory.html" for key in pagecache._frames)
    framed = [text(staff_client.get(url)) for url in (DIRECTORY, detail_url(enterprise_a))]
    settings.PAGE_CACHE_SECONDS = 0  # rendered in full, through base.html
    full = [text(staff_client.get(url)) for url in (DIRECTORY, detail_url(enterprise_a))]
    assert [without_tokens(page) for page in framed] == [without_tokens(page) for page in full]
    assert "frame-" not in "".join(framed)


def test_a_framed_page_escapes_its_title_and_fills_slots_per_viewer(staff, enterprise_a):
    Enterprise.objects.filter(pk=enterprise_a.pk).update(name="<b>鑫源</b>有限公司")
    page = text(client_for(staff).get(detail_url(enterprise_a)))
    assert "<title>&lt;b&gt;鑫源&lt;/b&gt;有限公司" in page
    assert staff.real_name in page  # the navigation is this viewer's
    other = UserFactory(is_staff=True, real_name="另一位秘书")
    page = text(client_for(other).get(detail_url(enterprise_a)))
    assert "另一位秘书" in page and staff.real_name not in page


def test_a_framed_page_in_each_language(staff_client):
    assert '<html lang="zh-hans">' in text(staff_client.get(DIRECTORY))
    staff_client.cookies["django_language"] = "en"
    page = text(staff_client.get(DIRECTORY))
    assert '<html lang="en">' in page and "Member directory" in page


def test_a_search_holding_a_placeholder_is_shown_as_typed(staff_client):
    for marker in (
        pagecache.placeholder("frame-part-body"),
        pagecache.placeholder("frame-slot-navbar"),
    ):
        page = text(staff_client.get(DIRECTORY, {"q": marker}))
        assert f'value="{marker}"' in page  # in the search box
        assert f'name="next" type="hidden" value="{DIRECTORY}?q={marker}"' in page
        assert page.count("</footer>") == 1 and page.count('<nav class="navbar') == 1


def test_messages_are_shown_once_on_a_framed_page(staff_client, enterprise_a):
    response = staff_client.post(
        reverse("members:enterprise_status", args=[enterprise_a.public_id]),
        {"status": "suspended", "reason": "欠缴会费"},
        follow=True,
    )
    assert 'role="alert"' in text(response)  # rendered in full, with the message
    assert 'role="alert"' not in text(staff_client.get(detail_url(enterprise_a)))


@pytest.mark.parametrize(
    "query",
    [{}, {"q": "延庆"}, {"q": "无此企业"}, {"page": "2"}, {"q": "有限公司", "page": "2"}],
    ids=["plain", "search", "no-match", "page-2", "search-page-2"],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_cached_directory_body_is_the_body_rendered_in_full(
    settings, staff_client, client_a, enterprise_b, query, language
):
    settings.DIRECTORY_PAGE_SIZE = 1  # two enterprises, two pages
    pages = {}
    for cache_seconds in (300, 0):  # cached, then rendered in full
        settings.PAGE_CACHE_SECONDS = cache_seconds
        pagecache.clear_local()
        for name, client in (("staff", staff_client), ("member", client_a)):
            client.cookies["django_language"] = language
            pages[name, cache_seconds] = without_tokens(text(client.get(DIRECTORY, query)))
    for name in ("staff", "member"):
        assert pages[name, 300] == pages[name, 0]
    assert "frame-" not in pages["staff", 300]
    assert "export-link" in pages["staff", 300] and "export-link" not in pages["member", 300]
    if query.get("q") == "无此企业":
        empty = "No enterprise matches." if language == "en" else "没有符合条件的企业。"
        assert empty in pages["staff", 300]
    if query.get("page") == "2":
        assert 'rel="prev"' in pages["staff", 300]


def test_a_cached_directory_body_escapes_names_and_searches(staff_client):
    EnterpriseFactory(name="<b>鑫源</b>&商贸有限公司")
    for search in ("", "鑫源", '<script>alert(1)</script>&"', pagecache.CSRF_PLACEHOLDER):
        for _ in range(2):  # rendered, then cached
            page = text(staff_client.get(DIRECTORY, {"q": search} if search else {}))
            assert "<b>鑫源</b>" not in page and "<script>alert(1)" not in page
            assert page.count("</tbody>") == 1
            if search in ("", "鑫源"):
                assert "&lt;b&gt;鑫源&lt;/b&gt;&amp;商贸有限公司" in page

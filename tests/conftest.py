"""The named cast every test can use: two of every kind of viewer (two staff, two users of
one enterprise and a user of another, a leader of the federation), an applicant, an outsider,
a superuser for the admin; anonymous visitors need no fixture. Also the federation's current
term with its leaders (the roster's pool), and the shared helpers: clients, English pages,
an empty cache around every test."""

import importlib
import os
import re
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from chambers.models import DutyMonth, Organization, Post, Term
from tests.factories import ApplicationFactory, EnterpriseFactory, UserFactory

PASSWORD = "correct horse battery"
TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    """A moment in the portal's local time (Beijing): at(2026, 3, 2, 10)."""
    return datetime(*args, tzinfo=TZ)


# Playwright's sync API runs an event loop in the test thread; the ORM calls the browser tests
# make between page actions are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@ylqgsl.test", real_name="秘书处小王", is_staff=True)


@pytest.fixture
def staff2(db):
    return UserFactory(email="staff2@ylqgsl.test", real_name="秘书处小李", is_staff=True)


@pytest.fixture
def enterprise_a(db):
    return EnterpriseFactory(name="延庆冰雪文旅有限公司")


@pytest.fixture
def enterprise_b(db):
    return EnterpriseFactory(name="康庄农业科技有限公司")


@pytest.fixture
def user_a(enterprise_a):
    return UserFactory(email="a@ylqgsl.test", real_name="企业甲联络员", enterprise=enterprise_a)


@pytest.fixture
def user_b(enterprise_b):
    return UserFactory(email="b@ylqgsl.test", real_name="企业乙联络员", enterprise=enterprise_b)


@pytest.fixture
def colleague_a(enterprise_a):
    """user_a's colleague: a second account acting for the same enterprise."""
    return UserFactory(email="a2@ylqgsl.test", real_name="企业甲财务", enterprise=enterprise_a)


@pytest.fixture
def federation(db):
    return Organization.objects.create(
        slug="ylqgsl", name="延庆区工商联（总商会）", kind=Organization.Kind.FEDERATION
    )


@pytest.fixture
def term(federation):
    return Term.objects.create(organization=federation, number=3, starts_on=date(2024, 1, 1))


def make_leader(term, name, position=Post.Position.VICE_CHAIR, **post_fields):
    user = UserFactory(real_name=name, email=f"{name}@leaders.test")
    Post.objects.create(
        term=term,
        holder=user,
        position=position,
        started_on=term.starts_on,
        **post_fields,
    )
    return user


@pytest.fixture
def leaders(term):
    """Chair 赵主席 and vice-chairs 钱, 孙, 李 — the roster's pool, in precedence order."""
    return [
        make_leader(term, "赵主席", Post.Position.CHAIR),
        make_leader(term, "钱副主席"),
        make_leader(term, "孙副主席"),
        make_leader(term, "李副主席"),
    ]


@pytest.fixture
def month_of(db):
    def make(year, month, chair=None, status=DutyMonth.Status.PLANNED, **fields):
        return DutyMonth.objects.create(
            month=date(year, month, 1), chair=chair, status=status, **fields
        )

    return make


@pytest.fixture
def leader(term):
    """A vice-chair of the federation in the current term (takes turns as executive chair)."""
    return make_leader(term, "副主席")


@pytest.fixture
def applicant(db):
    """Registered, application pending, no enterprise yet."""
    return UserFactory(email="applicant@ylqgsl.test", real_name="申请人")


@pytest.fixture
def outsider(db):
    """Logged in but neither staff nor acting for any enterprise."""
    return UserFactory(email="outsider@ylqgsl.test", real_name="路人")


@pytest.fixture
def viewers(applicant, user_a, user_b, leader, staff):
    """One user in each role of the permission matrix, by its name there."""
    return {
        "anonymous": None,
        "applicant": applicant,
        "enterprise_a": user_a,
        "enterprise_b": user_b,
        "leader": leader,
        "staff": staff,
    }


@pytest.fixture
def superuser(db):
    """Staff with every permission: the one who uses the Django admin."""
    return UserFactory(
        email="admin@ylqgsl.test", real_name="系统管理员", is_staff=True, is_superuser=True
    )


@pytest.fixture
def english(settings):
    """Pages and messages in English: assertions read the English source strings, whatever
    the catalogue holds."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def pending_application(applicant):
    return ApplicationFactory(applicant=applicant)


def directory_names(response) -> list[str]:
    """The enterprise names a directory page shows, in order."""
    html = response.content.decode()
    return [unescape(name) for name in re.findall(r'<td class="name"><a [^>]*>(.*?)</a>', html)]


def directory_count(response) -> int:
    """The number of enterprises a directory page says it found."""
    return int(re.search(r'id="result-count">\D*(\d+)', response.content.decode()).group(1))


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="core.auth.CachedModelBackend")
    return client


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


@pytest.fixture
def admin_client(superuser):
    return client_for(superuser)


@pytest.fixture
def client_a(user_a):
    return client_for(user_a)


@pytest.fixture
def client_b(user_b):
    return client_for(user_b)


@pytest.fixture(autouse=True)
def _townships_after_flush(request):
    """Townships come from a data migration; a transactional test's flush deletes them.

    Every transactional test (browser stories, concurrency tests) gets them back first.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    importlib.import_module("members.migrations.0002_townships").load(apps, None)


def empty_caches():
    """The shared cache and this process's copies of cached parts: the next page is rendered
    in full."""
    from django.core.cache import cache

    from core import pagecache

    cache.clear()
    pagecache.clear_local()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts from an empty cache and leaves one: with a shared cache (CI's Redis)
    the page cache is on, as in production, and a part or count cached by one test (under
    stamps its rolled-back transaction made) is never shown to the next."""
    empty_caches()
    yield
    empty_caches()


@pytest.fixture
def page_cache(settings, _fresh_cache):
    """Cached page parts, users and counts, as in production with a shared cache, even when
    the suite runs without one.

    A local-memory cache stands in for Redis: the test and the live server's thread share
    this process, so every write's stamp is seen (settings.CACHE_IS_SHARED).
    """
    settings.CACHE_IS_SHARED = True
    settings.PAGE_CACHE_SECONDS = 300

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
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chambers.models import (
    Affiliation,
    CalendarToken,
    DutyMonth,
    Organization,
    Post,
    SwapRequest,
    Term,
)
from core import secretariat
from core.models import Job
from events import services as event_services
from events.models import Event
from notices.models import Notice
from petitions import services as petition_services
from petitions.models import Department, Suggestion
from policies import follow
from policies import services as policy_services
from policies.announcements import services as announcements
from services import services as service_records
from services.models import ServiceField
from tests.events.factories import EventFactory
from tests.factories import ApplicationFactory, EnterpriseFactory, UserFactory
from tests.policies.factories import PolicyFactory, QualificationFactory
from tests.uploads import PDF
from visits import services as visit_services

PASSWORD = "correct horse battery"
TZ = ZoneInfo("Asia/Shanghai")
# When the cast's qualification awaiting review was declared: the version a review posts.
QUALIFICATION_DECLARED = datetime(2026, 3, 2, 9, 30, tzinfo=TZ)


def at(*args) -> datetime:
    """A moment in the portal's local time (Beijing): at(2026, 3, 2, 10)."""
    return datetime(*args, tzinfo=TZ)


# Playwright's sync API runs an event loop in the test thread; the ORM calls the browser tests
# make between page actions are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def _stamps_renewed_under_a_stopped_clock():
    """A table's stamp is the time of its last write (core/stamps.py): under a clock stopped
    by time_machine (tick=False) two writes would get the same stamp and a cached page would
    outlive the second. Production's clock moves; here each stamp is at least a microsecond
    after the last one given."""
    import cachalot.utils

    clock = cachalot.utils.time
    last = [0.0]

    def moving():
        now = clock()
        last[0] = now if now > last[0] else last[0] + 1e-6
        return last[0]

    cachalot.utils.time = moving
    yield
    cachalot.utils.time = clock


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@ylqgsl.test", real_name="秘书处小王", is_staff=True)


@pytest.fixture
def secretary(db):
    """Staff in the secretariat group, as ticking "staff status" in the admin makes them."""
    user = UserFactory(email="secretary@ylqgsl.test", real_name="秘书处小张", is_staff=True)
    secretariat.join(user)
    return user


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
    """Townships, the fields of service and the policy topics come from data migrations; a
    transactional test's flush deletes them.

    Every transactional test (browser stories, concurrency tests) gets them back first.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    importlib.import_module("members.migrations.0002_townships").load(apps, None)
    importlib.import_module("services.migrations.0002_fields_of_service").load(apps, None)
    importlib.import_module("policies.migrations.0002_topics").load(apps, None)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the portal's default language: a page requested in English
    leaves English active in the test's thread (LocaleMiddleware activates it and nothing
    deactivates it), and a later test reading a message would read it in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


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


@pytest.fixture
def cast(viewers, pending_application, user_a, leader, staff, enterprise_a):
    """The permission matrix's world: a row behind every URL that names one. Returns the
    URL arguments by URL name and the viewers by role."""
    notice = Notice.objects.create(
        recipient=user_a, kind="application_received", key="matrix", subject="s", body="b"
    )
    duty_month = DutyMonth.objects.create(month=date(2030, 1, 1), chair=leader)
    swap = SwapRequest.objects.create(
        month=duty_month, requested_by=leader, counterpart=staff, reason="x"
    )
    chamber = Organization.objects.create(slug="ice", name="冰雪产业商会", kind="industry")
    affiliation = Affiliation.objects.create(organization=chamber, enterprise=enterprise_a)
    leader_token = CalendarToken.objects.create(user=leader)
    event = EventFactory(audience=Event.Audience.MEMBERS)
    registration = event_services.register_for_event(event=event, actor=user_a)
    meeting = EventFactory(audience=Event.Audience.INVITATION, kind=Event.Kind.BREAKFAST)
    invitation = event_services.invite(event=meeting, actor=staff, enterprises=[enterprise_a])[0]
    event_services.respond_to_invitation(invitation=invitation, accept=True, attendees=2)
    problem = event_services.record_problem(
        event=meeting, actor=staff, text="用地审批慢。", enterprise=enterprise_a
    )
    petition = petition_services.file_petition(
        actor=user_a,
        enterprise=enterprise_a,
        category="financing",
        title="贷款续贷困难",
        description="银行要求追加抵押。",
        files=[SimpleUploadedFile("a.pdf", PDF)],
    )
    suggestion = Suggestion.objects.create(
        kind="suggestion", title="建议", text="内容", author=user_a
    )
    on_event = [event.public_id]
    on_petition = [petition.public_id]
    by_token = [meeting.public_id, invitation.token]
    staff_token = CalendarToken.objects.create(user=staff)
    service = service_records.record_service(
        actor=staff,
        enterprises=[enterprise_a],
        field=ServiceField.objects.get(code="legal"),
        what="合同纠纷法律咨询",
        given_on=date(2025, 5, 20),
        staff_member=staff,
        legal_hours=2,
    )
    job = Job.objects.create(owner=user_a, kind="members_export", state=Job.State.DONE)
    job.file.save("matrix.xlsx", ContentFile(b"PK"))
    visit = visit_services.plan_visit(
        actor=staff, planned_on=date(2025, 6, 1), enterprises=[enterprise_a],
        organizations=[chamber], visitors=[staff],
    )  # fmt: skip
    visit_services.record_visit(actor=staff, visit=visit, done_on=date(2025, 6, 1), met="总经理")
    finding = visit_services.add_finding(
        actor=staff, visit=visit, enterprise=enterprise_a, text="厂区道路年久失修。"
    )
    planned = visit_services.plan_visit(
        actor=staff, planned_on=date(2030, 3, 1), enterprises=[enterprise_a]
    )
    notice_to_chamber = announcements.save_draft(
        actor=staff, criteria={"chambers": [chamber.pk]}, kind="meeting", title="冰雪商会年会通知",
        body="年会", is_public=False, files=[SimpleUploadedFile("议程.pdf", PDF)],
    )  # fmt: skip
    announcements.schedule(actor=staff, announcement=notice_to_chamber)
    announcements.deliver(notice_to_chamber.pk)
    # Read already: the pages' walks open it, and a first reading would change what others see.
    announcements.mark_read(announcement=notice_to_chamber, user=user_a)
    to_leaders = announcements.save_draft(
        actor=staff, criteria={"leaders": True}, kind="other", title="轮值工作提示",
        body="请查收", is_public=False,
    )  # fmt: skip
    announcements.schedule(actor=staff, announcement=to_leaders)
    announcements.deliver(to_leaders.pk)
    announcement_draft = announcements.save_draft(
        actor=staff, criteria={"all_members": True}, kind="other", title="草稿", body="<p>草稿</p>",
        is_public=False,
    )  # fmt: skip
    announcement_later = announcements.save_draft(
        actor=staff, criteria={"all_members": True}, kind="holiday", title="节假日通知",
        body="<p>放假</p>", is_public=True,
    )  # fmt: skip
    announcements.schedule(
        actor=staff,
        announcement=announcement_later,
        send_at=datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC")),
    )
    department = Department.objects.create(name="区经济和信息化局", code="jxj")
    policy = PolicyFactory(created_by=staff, departments=[department])
    policy_file = policy_services.add_attachment(
        policy=policy, actor=staff, upload=SimpleUploadedFile("指南.pdf", PDF)
    )
    on_policy = [policy.public_id]
    qualification = QualificationFactory(
        enterprise=enterprise_a, verified_at=None, declared_at=QUALIFICATION_DECLARED
    )
    draft_policy = PolicyFactory(created_by=staff, status="draft", published_at=None)
    # Read already: opening the policy writes its first reading, and the matrix's pages are
    # compared as if reading wrote nothing (test_cache_crosstalk.py).
    for reader in (user_a, viewers["enterprise_b"]):
        follow.record_read(policy=policy, user=reader)
    args = {
        **{f"jobs:{name}": [job.public_id] for name in ("detail", "progress", "download")},
        **{
            f"policies:{name}": [notice_to_chamber.public_id]
            for name in (
                "announcement",
                "announcement_review",
                "announcement_receipts",
                "announcement_export",
            )
        },
        "policies:announcement_attachment": [
            notice_to_chamber.public_id,
            notice_to_chamber.attachments.get().public_id,
        ],
        "policies:announcement_remind": [to_leaders.public_id],  # the leader has not read it
        "policies:announcement_edit": [announcement_draft.public_id],
        "policies:announcement_send": [announcement_draft.public_id],
        "policies:announcement_unschedule": [announcement_later.public_id],
        **{f"policies:{name}": on_policy for name in ("detail", "edit", "withdraw")},
        "policies:attachment_add": on_policy,
        "policies:attachment": [policy.public_id, policy_file.public_id],
        "policies:attachment_remove": [policy.public_id, policy_file.public_id],
        **{
            f"members:qualification_{name}": [qualification.pk]
            for name in ("edit", "withdraw", "verify", "reject")
        },
        "members:application_detail": [pending_application.public_id],
        "members:application_approve": [pending_application.public_id],
        "members:application_reject": [pending_application.public_id],
        "members:application_licence": [pending_application.public_id],
        "members:enterprise_detail": [enterprise_a.public_id],
        "members:enterprise_edit": [enterprise_a.public_id],
        "members:enterprise_status": [enterprise_a.public_id],
        "members:enterprise_timeline": [enterprise_a.public_id],
        "notices:open": [notice.public_id],
        "chambers:detail": [chamber.slug],
        "chambers:members": [chamber.slug],
        "chambers:member_end": [chamber.slug, affiliation.pk],
        "events:month": [2030, 1],
        "events:checkin_scan": [registration.checkin_token],
        "events:registration_cancel": [registration.public_id],
        "events:registration_decide": [registration.public_id],
        "events:registration_qr": [registration.public_id],
        "events:check_in": [registration.public_id],
        "events:invitation": by_token,
        "events:invitation_card": by_token,
        "events:invitation_qr": by_token,
        **{
            f"events:{name}": on_event
            for name in (
                "detail",
                "register",
                "edit",
                "publish",
                "cancel",
                "dashboard",
                "invite",
                "send_invitations",
                "remind",
                "export",
                "checkin",
                "walk_in",
                "record",
            )
        },
        "petitions:suggestion_detail": [suggestion.public_id],
        **{
            f"petitions:{name}": on_petition
            for name in ("detail", "timeline", "record", "provide_info", "rate")
        },
        "petitions:act": [petition.public_id, "accept"],
        "petitions:from_problem": [meeting.public_id, problem.pk],
        "petitions:attachment": [petition.public_id, petition.attachments.get().public_id],
        **{f"visits:{name}": [visit.public_id] for name in ("detail", "record", "finding_add")},
        "visits:cancel": [planned.public_id],
        "visits:finding_petition": [visit.public_id, finding.pk],
        "roster:ical": [leader_token.token],
        "roster:ical_all": [staff_token.token],
        "roster:swap_answer": [swap.public_id],
        "roster:swap_withdraw": [swap.public_id],
        "roster:swap_decide": [swap.public_id],
        "roster:month": ["2030-01"],
        "roster:month_edit": ["2030-01"],
        "roster:log_add": ["2030-01"],
        "roster:summary": ["2030-01"],
        "services:detail": [service.public_id],
        "services:rate": [service.public_id],
        "services:edit": [service.public_id],
        "services:chamber": [chamber.slug],
        "password_reset_confirm": ["MQ", "set-password"],
        **{
            f"policies:{name}": [policy.public_id]
            for name in ("detail", "mark", "ask", "funnel_policy")
        },
        "policies:publish": [draft_policy.public_id],
    }
    return args, viewers

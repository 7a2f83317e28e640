"""Every named URL, every role, the expected status of a GET, and of a POST where refused.

`test_every_url_is_in_the_matrix` walks the URLconf: a new URL without a row here fails.
Actions (POST-only views) answer GET with 405 to those allowed to use them; their POST
behaviour is tested in each app's own tests. Whoever is refused a page is refused its POST
too, with the same answer, and the database is as it was: `test_refused_posts_change_nothing`
sends what a permitted user would send, and `test_the_refused_posts_would_change_something`
shows that the same POST, sent by a permitted user, does change the database.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import QUALIFICATION_DECLARED, client_for

ROLES = ["anonymous", "applicant", "enterprise_a", "enterprise_b", "leader", "staff"]
# The admin's URLs are many per model: ADMIN_MATRIX below gives each kind its row.
SKIPPED_NAMESPACES = {"admin"}


def row(anonymous, applicant, enterprise_a, enterprise_b, leader, staff):
    values = (anonymous, applicant, enterprise_a, enterprise_b, leader, staff)
    return dict(zip(ROLES, values, strict=True))


EVERYONE = row(200, 200, 200, 200, 200, 200)
LOGGED_IN = row(302, 200, 200, 200, 200, 200)
STAFF_ONLY = row(302, 403, 403, 403, 403, 200)
STAFF_ACTION = row(302, 403, 403, 403, 403, 405)
ROSTER = row(302, 403, 403, 403, 200, 200)
LOGGED_IN_ACTION = row(302, 405, 405, 405, 405, 405)
OWN = row(302, 404, 200, 404, 404, 200)  # enterprise A's own
INVITEE_LINK = row(200, 404, 200, 404, 404, 200)
ROSTER_ACTION = row(302, 403, 403, 403, 405, 405)
# A background job of enterprise A's user: its owner's alone, staff included get 404.
JOB_OF_A = row(302, 404, 200, 404, 404, 404)

MATRIX = {
    "home": EVERYONE,
    "jobs:detail": JOB_OF_A,
    "jobs:progress": JOB_OF_A,
    "jobs:download": JOB_OF_A,
    "healthz": EVERYONE,
    "login": EVERYONE,
    "logout": row(405, 405, 405, 405, 405, 405),
    "password_change": LOGGED_IN,
    "password_change_done": LOGGED_IN,
    "password_reset": EVERYONE,
    "password_reset_done": EVERYONE,
    "password_reset_confirm": EVERYONE,
    "password_reset_complete": EVERYONE,
    "set_language": row(302, 302, 302, 302, 302, 302),
    "members:register": row(200, 302, 302, 302, 200, 200),
    "members:register_done": EVERYONE,
    "members:directory": row(302, 403, 200, 200, 403, 200),
    "members:export": STAFF_ONLY,
    "members:import": STAFF_ONLY,
    "members:profile": row(302, 404, 200, 200, 404, 404),
    "members:application_list": STAFF_ONLY,
    "members:application_detail": row(302, 200, 404, 404, 404, 200),
    "members:application_approve": STAFF_ACTION,
    "members:application_reject": STAFF_ACTION,
    "members:application_licence": row(302, 200, 404, 404, 404, 200),
    "members:enterprise_detail": row(302, 404, 200, 200, 404, 200),
    "members:enterprise_edit": row(302, 404, 403, 403, 404, 200),
    "members:enterprise_status": STAFF_ACTION,
    "members:enterprise_timeline": STAFF_ONLY,
    "notices:inbox": LOGGED_IN,
    "notices:mark_all_read": row(302, 405, 405, 405, 405, 405),
    "notices:preferences": LOGGED_IN,
    "notices:open": row(302, 404, 200, 404, 404, 404),
    "chambers:list": row(302, 403, 200, 200, 200, 200),
    "chambers:structure": row(302, 403, 200, 200, 200, 200),
    "chambers:detail": row(302, 403, 200, 200, 200, 200),
    "chambers:members": STAFF_ONLY,  # and the chamber's own president or secretary-general
    "chambers:member_end": STAFF_ACTION,
    "events:list": EVERYONE,
    "events:calendar": row(302, 302, 302, 302, 302, 302),  # to this month's page
    "events:month": EVERYONE,
    "events:ical": EVERYONE,
    "events:mine": LOGGED_IN,
    "events:manage": STAFF_ONLY,
    "events:create": STAFF_ONLY,
    "events:checkin_scan": STAFF_ONLY,
    "events:registration_cancel": LOGGED_IN_ACTION,
    "events:registration_decide": STAFF_ACTION,
    "events:registration_qr": OWN,
    "events:check_in": STAFF_ACTION,
    "events:detail": row(404, 404, 200, 200, 200, 200),  # an event open to members
    "events:register": LOGGED_IN_ACTION,
    "events:edit": STAFF_ONLY,
    "events:publish": STAFF_ACTION,
    "events:cancel": STAFF_ONLY,
    "events:dashboard": STAFF_ONLY,
    "events:invite": STAFF_ONLY,
    "events:send_invitations": STAFF_ACTION,
    "events:remind": STAFF_ACTION,
    "events:export": STAFF_ONLY,
    "events:checkin": STAFF_ONLY,
    "events:walk_in": STAFF_ACTION,
    "events:record": STAFF_ONLY,
    # Enterprise A's personal link: the token is the key when signed out; signed in, only
    # the invitee's own users (and staff) may use it.
    "events:invitation": INVITEE_LINK,
    "events:invitation_card": INVITEE_LINK,
    "events:invitation_qr": INVITEE_LINK,
    "petitions:list": row(302, 403, 200, 200, 403, 200),
    "petitions:new": row(302, 403, 200, 200, 403, 302),  # staff go to record_new
    "petitions:record_new": STAFF_ONLY,
    "petitions:from_problem": STAFF_ACTION,
    "dashboard:index": STAFF_ONLY,
    "dashboard:report": STAFF_ONLY,
    "dashboard:report_recompute": STAFF_ACTION,
    "dashboard:report_print": STAFF_ONLY,
    "dashboard:report_export": STAFF_ONLY,
    "petitions:ledger": STAFF_ONLY,
    "petitions:ledger_export": STAFF_ONLY,
    "petitions:metrics": STAFF_ONLY,
    "petitions:duty": STAFF_ONLY,  # and the month's executive chair
    "petitions:suggestions": row(302, 403, 200, 200, 403, 200),
    "petitions:suggestion_new": row(302, 403, 200, 200, 403, 200),
    "petitions:suggestion_detail": OWN,
    "petitions:detail": OWN,
    "petitions:timeline": OWN,
    "petitions:record": STAFF_ONLY,
    "petitions:act": STAFF_ACTION,
    "petitions:provide_info": LOGGED_IN_ACTION,
    "petitions:rate": LOGGED_IN_ACTION,
    "petitions:attachment": OWN,
    "ledgers:index": STAFF_ONLY,
    "ledgers:members": STAFF_ONLY,
    "ledgers:members_export": STAFF_ONLY,
    "ledgers:party": STAFF_ONLY,
    "ledgers:party_export": STAFF_ONLY,
    "ledgers:representatives": STAFF_ONLY,
    "ledgers:representatives_export": STAFF_ONLY,
    "ledgers:chambers": STAFF_ONLY,
    "ledgers:chambers_export": STAFF_ONLY,
    "ledgers:evaluations": STAFF_ONLY,
    "ledgers:evaluations_export": STAFF_ONLY,
    "ledgers:events": STAFF_ONLY,
    "ledgers:events_export": STAFF_ONLY,
    "ledgers:attendance": STAFF_ONLY,
    "ledgers:attendance_export": STAFF_ONLY,
    "ledgers:donations": STAFF_ONLY,
    "ledgers:donations_export": STAFF_ONLY,
    "ledgers:suggestions": STAFF_ONLY,
    "ledgers:suggestions_export": STAFF_ONLY,
    "ledgers:duty": STAFF_ONLY,
    "ledgers:duty_export": STAFF_ONLY,
    "ledgers:visits": STAFF_ONLY,
    "ledgers:visits_export": STAFF_ONLY,
    "visits:list": STAFF_ONLY,
    "visits:plan": STAFF_ONLY,
    "visits:overdue": STAFF_ONLY,
    "visits:detail": STAFF_ONLY,
    "visits:record": STAFF_ONLY,
    "visits:cancel": STAFF_ACTION,
    "visits:finding_add": STAFF_ACTION,
    "visits:finding_petition": STAFF_ACTION,
    "ledgers:services": STAFF_ONLY,
    "ledgers:services_export": STAFF_ONLY,
    "services:list": STAFF_ONLY,
    "services:new": STAFF_ONLY,
    "services:detail": row(302, 404, 404, 404, 404, 200),  # and the giving chamber's keepers
    "services:edit": row(302, 404, 404, 404, 404, 200),  # and the giving chamber's keepers
    "services:chamber": STAFF_ONLY,  # and the chamber's own president or secretary-general
    "services:mine": row(302, 403, 200, 200, 403, 403),
    "services:rate": LOGGED_IN_ACTION,
    "policies:announcements": EVERYONE,
    # Sent to the "ice" chamber's members (enterprise A), not public.
    "policies:announcement": row(404, 404, 200, 404, 404, 200),
    "policies:announcement_attachment": row(404, 404, 200, 404, 404, 200),
    "policies:announcement_manage": STAFF_ONLY,
    "policies:announcement_new": STAFF_ONLY,
    "policies:announcement_edit": STAFF_ONLY,
    "policies:announcement_review": STAFF_ONLY,
    "policies:announcement_send": STAFF_ACTION,
    "policies:announcement_unschedule": STAFF_ACTION,
    "policies:announcement_receipts": STAFF_ONLY,
    "policies:announcement_remind": STAFF_ACTION,
    "policies:announcement_export": STAFF_ONLY,
    "policies:list": EVERYONE,
    "policies:detail": EVERYONE,  # a published policy (a draft: staff only, others 404)
    "policies:attachment": EVERYONE,  # of a published policy
    "policies:for_you": row(302, 403, 200, 200, 403, 403),  # enterprises' users
    "policies:subscriptions": row(302, 403, 200, 200, 403, 403),
    "policies:manage": STAFF_ONLY,
    "policies:new": STAFF_ONLY,
    "policies:edit": STAFF_ONLY,
    "policies:withdraw": STAFF_ACTION,
    "policies:attachment_add": STAFF_ACTION,
    "policies:attachment_remove": STAFF_ACTION,
    "members:qualifications": row(302, 404, 200, 200, 404, 404),  # its enterprise's own
    "members:qualification_edit": row(302, 404, 200, 404, 404, 404),  # enterprise A's
    "members:qualification_withdraw": LOGGED_IN_ACTION,
    "members:qualification_review": STAFF_ONLY,
    "members:qualification_verify": STAFF_ACTION,
    "members:qualification_reject": STAFF_ACTION,
    "roster:index": ROSTER,
    "roster:mine": ROSTER,
    "roster:generate": STAFF_ONLY,
    "roster:export": STAFF_ONLY,
    "roster:unavailable": ROSTER_ACTION,
    "roster:calendar": ROSTER,
    "roster:calendar_reset": ROSTER_ACTION,
    "roster:ical": EVERYONE,  # the secret in the link is the key
    "roster:ical_all": EVERYONE,
    "roster:swaps": ROSTER,
    "roster:swap_new": ROSTER,
    "roster:swap_answer": ROSTER_ACTION,
    "roster:swap_withdraw": ROSTER_ACTION,
    "roster:swap_decide": STAFF_ACTION,
    "roster:month": ROSTER,
    "roster:month_edit": STAFF_ONLY,
    "roster:log_add": ROSTER_ACTION,
    "roster:summary": ROSTER_ACTION,
    "policies:publish": STAFF_ONLY,  # GET: whom it will reach; POST: publish
    "policies:mark": LOGGED_IN_ACTION,  # an enterprise's users, for their enterprise
    "policies:ask": LOGGED_IN_ACTION,
    "policies:funnel": STAFF_ONLY,
    "policies:funnel_export": STAFF_ONLY,
    "policies:funnel_enterprises": STAFF_ONLY,
    # Without a figure's query, staff are sent back to the funnel with the reason.
    "policies:funnel_enterprises_export": row(302, 403, 403, 403, 403, 302),
    "policies:funnel_policy": STAFF_ONLY,
}


EVENT = {
    "kind": "lecture",
    "title": "民企学堂：数字化转型",
    "venue": "延庆区工商联三层会议室",
    "starts_at": "2030-03-05T14:00",
    "ends_at": "2030-03-05T16:00",
    "audience": "members",
}
PETITION = {
    "category": "financing",
    "urgency": "normal",
    "title": "贷款续贷困难",
    "description": "银行要求追加抵押，企业流动资金紧张。",
}
SERVICE = {
    "enterprises": "延庆冰雪文旅有限公司",
    "field": "policy",
    "what": "惠企政策解读",
    "given_on": "2025-06-01",
}
ANNOUNCEMENT = {"kind": "other", "title": "通知", "body": "<p>通知</p>", "all_members": "on"}
POLICY = {
    "title": "延庆区促进制造业高质量发展若干措施",
    "departments": ["jxj"],
    "topics": ["industry"],
    "issued_on": "2025-06-01",
    "summary": "支持制造业企业技术改造。",
    "body": "第一条 为促进制造业高质量发展，制定本措施。",
    "sections": ["C"],
}
QUALIFICATION = {"certificate_number": "GR202511000123", "valid_until": "2028-12-01"}
# What a permitted user would send; a URL not listed here is posted empty.
POST_DATA = {
    "events:create": EVENT,
    "events:edit": EVENT,
    "petitions:new": PETITION,
    "petitions:suggestion_new": {"kind": "suggestion", "title": "建议", "text": "内容"},
    "roster:generate": {"first": "2031-01", "last": "2031-02"},
    "members:application_approve": {},
    "members:application_reject": {"reason": "材料不全"},
    "members:enterprise_status": {"status": "suspended", "reason": "欠缴会费"},
    "notices:mark_all_read": {},
    "chambers:member_end": {},
    "events:register": {},
    "events:registration_cancel": {},
    "events:registration_decide": {"decision": "reject"},
    "events:check_in": {},
    "events:cancel": {"reason": "天气原因"},
    "events:send_invitations": {},
    "events:remind": {},
    "petitions:act": {"accept-version": 1},
    "roster:unavailable": {"month": "2030-03", "reason": "出差"},
    "roster:calendar_reset": {"action": "revoke"},
    "roster:swap_answer": {"answer": "accept"},
    "roster:swap_withdraw": {},
    "roster:swap_decide": {"decision": "reject"},
    "dashboard:report_recompute": {"year": "2024"},
    "visits:plan": {"planned_on": "2030-03-01", "enterprises": "延庆冰雪文旅有限公司"},
    "visits:record": {"done_on": "2025-06-02", "met": "副总经理"},
    "visits:cancel": {"reason": "企业负责人出差"},
    "visits:finding_add": {"other_enterprise": "延庆冰雪文旅有限公司", "text": "融资难"},
    "services:new": {**SERVICE, "organization": "ice"},
    "services:chamber": SERVICE,
    "services:rate": {"rating": "satisfied"},
    "policies:announcement_new": ANNOUNCEMENT,
    "policies:announcement_edit": ANNOUNCEMENT,
    "policies:announcement_send": {"when": "now"},
    "policies:announcement_unschedule": {},
    "policies:announcement_remind": {"round": 0},
    "policies:new": POLICY,
    "policies:edit": POLICY,
    "policies:withdraw": {"reason": "已被新政策替代"},
    "policies:subscriptions": {"topics": ["finance"], "departments": ["jxj"]},
    "members:qualifications": {**QUALIFICATION, "kind": "tech_sme"},
    "members:qualification_edit": QUALIFICATION,
    "members:qualification_verify": {"declared": QUALIFICATION_DECLARED.isoformat()},
    "members:qualification_reject": {
        "reason": "证书编号无法核实",
        "declared": QUALIFICATION_DECLARED.isoformat(),
    },
    "policies:publish": {},
    "policies:mark": {"state": "will_apply"},
    "policies:ask": {"text": "申报材料需要盖章吗？"},
}
# The one allowed to send each of those, where it is not staff.
PERMITTED = {
    "petitions:new": "enterprise_a",
    "petitions:suggestion_new": "enterprise_a",
    "notices:mark_all_read": "enterprise_a",
    "events:register": "enterprise_b",
    "events:registration_cancel": "enterprise_a",
    "roster:unavailable": "leader",
    "roster:calendar_reset": "leader",
    "roster:swap_withdraw": "leader",
    "services:rate": "enterprise_a",
    "policies:subscriptions": "enterprise_a",
    "members:qualifications": "enterprise_a",
    "members:qualification_edit": "enterprise_a",
    "policies:mark": "enterprise_a",
    "policies:ask": "enterprise_a",
}
# Redirects that are not refusals: to another page of the same kind.
NOT_REFUSALS = {"set_language", "events:calendar"}


def refused(name, role):
    return MATRIX[name][role] in (302, 403, 404) and name not in NOT_REFUSALS


def database_state():
    """Every row of every model as plain values (sessions aside: signing in writes one)."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model is not Session
    }


def changed(before, after):
    return [label for label, rows in before.items() if after[label] != rows]


# The admin's URLs by kind (admin_url_kind), walked by tests/admin/test_admin_permissions.py
# with a row of every model. The admin sends whoever is not staff to its log-in page. The
# cast's staff is staff outside the secretariat group (core/secretariat.py), holding no
# model permission, so model pages answer them 403. The secretariat (staff in the group, as
# ticking "staff status" in the admin makes them) open every model page but the groups' and
# those SECRETARIAT_NO_ADD / SECRETARIAT_NO_DELETE name; a superuser opens them all, but for
# the records the admin never adds (ADMIN_NO_ADD) or deletes (ADMIN_NO_DELETE).
ADMIN_ROLES = [*ROLES, "secretariat", "superuser"]


def admin_row(outsiders, staff, others):
    """Anonymous users to the enterprises' users and leaders get `outsiders`; the cast's
    staff `staff`; the secretariat and superusers `others`."""
    return row(*[outsiders] * 5, staff) | {"secretariat": others, "superuser": others}


ADMIN_REDIRECT = admin_row(302, 403, 200)
ADMIN_MATRIX = {
    "index": admin_row(302, 200, 200),
    "login": admin_row(200, 302, 302),
    "logout": admin_row(302, 405, 405),
    "password_change": admin_row(302, 200, 200),
    "password_change_done": admin_row(302, 200, 200),
    "jsi18n": admin_row(302, 200, 200),
    "autocomplete": admin_row(302, 403, 200),
    "view_on_site": admin_row(302, 302, 302),
    "app_list": admin_row(302, 404, 200),
    "changelist": ADMIN_REDIRECT,
    "add": ADMIN_REDIRECT,
    "change": ADMIN_REDIRECT,
    "history": ADMIN_REDIRECT,
    "history_entry": ADMIN_REDIRECT,  # simple-history's view of one past version
    "delete": ADMIN_REDIRECT,
    "user_password": ADMIN_REDIRECT,  # a user's password set by staff
}
ADMIN_NO_ADD = {
    "axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog", "notices.Notice",
    "chambers.SwapRequest", "chambers.CalendarToken", "petitions.Petition",
    "petitions.PetitionEvent", "members.Application", "visits.Finding", "policies.Policy",
    "members.EnterpriseQualification",
}  # fmt: skip
ADMIN_NO_DELETE = {
    "members.Enterprise", "members.Application", "petitions.Petition", "petitions.PetitionEvent",
    "chambers.DutyMonth", "chambers.Organization", "chambers.Affiliation", "chambers.Term",
    "chambers.Post", "chambers.FourGoodEvaluation", "chambers.Secondment",
    "events.Event", "events.Registration", "events.RaisedProblem", "events.Donation",
    "notices.Notice", "petitions.Department", "visits.Visit", "visits.Finding",
    "services.ServiceRecord", "policies.Policy", "policies.Topic",
    "members.EnterpriseQualification",
}  # fmt: skip
# The secretariat: who holds which permissions is the administrators' (no page of groups);
# townships (a code list), the portal's periodic tasks and secondments (the superusers') are
# not added there; accounts, townships, the sign-in logs and the schedules are not deleted.
SECRETARIAT_NOTHING = {"auth.Group"}
SECRETARIAT_NO_ADD = ADMIN_NO_ADD | {
    "members.Township", "django_celery_beat.PeriodicTask", "chambers.Secondment",
}  # fmt: skip
SECRETARIAT_NO_DELETE = ADMIN_NO_DELETE | {
    "members.User", "members.Township", "axes.AccessFailureLog", "axes.AccessLog",
    "django_celery_beat.PeriodicTask", "django_celery_beat.IntervalSchedule",
    "django_celery_beat.CrontabSchedule", "django_celery_beat.SolarSchedule",
    "django_celery_beat.ClockedSchedule",
}  # fmt: skip


def admin_url_kind(name: str) -> str | None:
    """The kind of an admin URL name (admin:members_enterprise_change → change)."""
    short = name.removeprefix("admin:")
    if short in ADMIN_MATRIX:
        return short
    for suffix, kind in [
        ("_simple_history", "history_entry"),
        ("_password_change", "user_password"),
        ("_changelist", "changelist"),
        ("_add", "add"),
        ("_change", "change"),
        ("_history", "history"),
        ("_delete", "delete"),
    ]:
        if short.endswith(suffix):
            return kind
    return None


def named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from named_urls(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_url_is_in_the_matrix():
    missing = sorted(set(named_urls()) - set(MATRIX))
    assert not missing, f"URLs missing from the permission matrix: {missing}"


def test_every_admin_url_is_in_the_matrix():
    names = list(named_urls(namespace="admin:", resolver=admin_resolver()))
    assert "admin:members_enterprise_changelist" in names
    missing = sorted(name for name in names if admin_url_kind(name) is None)
    assert not missing, f"admin URLs missing from the permission matrix: {missing}"


def admin_resolver():
    return next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "admin")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(cast, role):
    args, users = cast
    client = client_for(users[role])
    failures = []
    for name, expected in MATRIX.items():
        url = reverse(name, args=args.get(name, []))
        status = client.get(url).status_code
        if name == "password_reset_confirm" and status == 302:
            status = 200  # Django redirects to the same page without the token in the URL
        if status != expected[role]:
            failures.append(f"{name} ({url}): expected {expected[role]}, got {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_refused_posts_change_nothing(cast, role):
    args, users = cast
    client = client_for(users[role])
    sign_in = (resolve_url(settings.LOGIN_URL), reverse("admin:login"))
    before = database_state()
    failures = []
    for name, expected in MATRIX.items():
        if not refused(name, role):
            continue
        url = reverse(name, args=args.get(name, []))
        response = client.post(url, POST_DATA.get(name, {}))
        status = response.status_code
        if status != expected[role]:
            failures.append(f"{name} ({url}): expected {expected[role]}, got {status}")
        elif role == "anonymous" and status == 302 and not response["Location"].startswith(sign_in):
            failures.append(f"{name} ({url}): sent to {response['Location']}, not to sign in")
        after = database_state()
        if changed(before, after):
            failures.append(f"{name} ({url}): a refused POST changed {changed(before, after)}")
            before = after
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POST_DATA))
def test_the_refused_posts_would_change_something(cast, name):
    args, users = cast
    role = PERMITTED.get(name, "staff")
    assert any(refused(name, other) for other in ROLES)
    before = database_state()

    response = client_for(users[role]).post(reverse(name, args=args.get(name, [])), POST_DATA[name])

    assert response.status_code == 302
    assert changed(before, database_state())

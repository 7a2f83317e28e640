"""An enterprise's timeline (/members/<id>/timeline/): everything the federation has recorded
with one enterprise, newest first, for staff; filtered by kind and year, fifty a page, at one
query per kind whatever the number of entries and however deep the page (an "older" link
carries where the next page begins)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from events import services as event_services
from events.models import Donation, Event, Registration
from members import services as member_services
from notices.models import Notice
from petitions import services as petition_services
from policies import follow
from reports.timeline import kinds
from reports.timeline.kinds import KINDS, PAGE_SIZE, Cursor
from services import services as service_records
from services.models import ServiceField
from tests.chambers.factories import AffiliationFactory, PostFactory
from tests.conftest import at, client_for, empty_caches
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import ApplicationFactory, UserFactory
from tests.notices.factories import NoticeFactory
from tests.policies.factories import PolicyFactory
from tests.uploads import PDF
from visits import services as visit_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def url(enterprise) -> str:
    return f"/members/{enterprise.public_id}/timeline/"


def entries(response):
    assert response.status_code == 200, response
    return response.context["page"].entries


def older(client, response, path):
    """The page the response's "older" link opens (None if it has none)."""
    found = re.search(rb'href="\?([^"]*)" rel="next"', response.content)
    if found is None:
        return None
    query = found.group(1).decode().replace("&amp;", "&")
    return client.get(f"{path}?{query}")


def every_page(client, path, query=None):
    """Every page of a timeline, from the newest, through the "older" links."""
    response = client.get(path, query or {})
    pages = []
    while response is not None:
        pages.append(entries(response))
        response = older(client, response, path)
    return pages


def kinds_shown(response) -> set[str]:
    return {entry.kind.code for entry in entries(response)}


def campaign():
    return EventFactory(kind=Event.Kind.CHARITY, starts_at=at(2025, 7, 1, 9))


def donate(enterprise, day, cash="1000"):
    return Donation.objects.create(
        event=campaign(), enterprise=enterprise, cash_yuan=Decimal(cash), received_on=day
    )


@pytest.fixture
def record(staff, enterprise_a, enterprise_b, user_a, user_b):
    """Enterprise A with an entry of every kind; enterprise B with some of its own."""
    member_services.change_membership_status(
        enterprise=enterprise_a, actor=staff, status="suspended", reason="欠缴会费"
    )
    ApplicationFactory(applicant=user_a, credit_code=enterprise_a.credit_code)
    AffiliationFactory(
        enterprise=enterprise_a, organization__name="延庆区旅游商会",
        joined_on=datetime.date(2024, 3, 1), left_on=datetime.date(2025, 2, 1),
    )  # fmt: skip
    PostFactory(enterprise=enterprise_a, holder=user_a, term__organization__name="延庆区青年商会")
    meeting = EventFactory(title="早餐会第12期", audience=Event.Audience.INVITATION)
    event_services.invite(event=meeting, actor=staff, enterprises=[enterprise_a, enterprise_b])
    RegistrationFactory(
        enterprise=enterprise_a, user=user_a, event__title="民企学堂第3期",
        checked_in_at=timezone.now(),
    )  # fmt: skip
    petition_services.file_petition(
        actor=user_a, enterprise=enterprise_a, category="financing", title="贷款续贷困难",
        description="银行要求追加抵押。", files=[SimpleUploadedFile("a.pdf", PDF)],
    )  # fmt: skip
    donate(enterprise_a, datetime.date(2025, 7, 21), cash="10000")
    visit = visit_services.plan_visit(
        actor=staff, planned_on=datetime.date(2025, 6, 1), enterprises=[enterprise_a],
        purpose="了解用工情况",
    )  # fmt: skip
    visit_services.record_visit(actor=staff, visit=visit, done_on=datetime.date(2025, 6, 2))
    visit_services.add_finding(actor=staff, visit=visit, enterprise=enterprise_a, text="招工难")
    service_records.record_service(
        actor=staff, enterprises=[enterprise_a], field=ServiceField.objects.get(code="legal"),
        what="合同审查", given_on=datetime.date(2025, 5, 6), staff_member=staff,
    )  # fmt: skip
    NoticeFactory(recipient=user_a, subject="您的诉求已受理")
    policy = PolicyFactory(title="延庆区制造业技改补贴办法")
    follow.mark_policy(policy=policy, actor=user_a, state="granted", amount=Decimal("50000"))
    follow.record_read(policy=PolicyFactory(title="稳岗补贴"), user=user_a)
    # Another enterprise's record, which A's timeline never shows.
    petition_services.file_petition(
        actor=user_b, enterprise=enterprise_b, category="legal", title="合同纠纷",
        description="……",
    )  # fmt: skip
    NoticeFactory(recipient=user_b, subject="乙企业的通知")
    donate(enterprise_b, datetime.date(2025, 7, 22))


def test_staff_see_an_entry_of_every_kind_with_its_link(
    staff_client, secretary, record, enterprise_a, user_a
):
    response = staff_client.get(url(enterprise_a))
    assert kinds_shown(response) == set(KINDS)
    titles = {entry.title for entry in entries(response)}
    assert "Joined the federation" in titles
    assert "Membership status: Suspended" in titles
    assert "Membership application" in titles
    assert {"Joined 延庆区旅游商会", "Left 延庆区旅游商会"} <= titles
    assert "Invited to 早餐会第12期" in titles
    assert "Registered for 民企学堂第3期" in titles
    assert "Attended 民企学堂第3期" in titles
    assert "您的诉求已受理" in titles
    assert not {"乙企业的通知"} & titles
    assert not any("合同纠纷" in title for title in titles)
    by_kind = {entry.kind.code: entry for entry in entries(response)}
    assert by_kind["petitions"].title.endswith("贷款续贷困难")
    assert by_kind["petitions"].detail == "Submitted"
    assert by_kind["donations"].detail == "10,000.00 yuan in money"  # no goods: not said
    assert (by_kind["services"].title, by_kind["services"].detail) == (
        "Legal: 合同审查",
        "Not rated yet",
    )
    assert (by_kind["visits"].title, by_kind["visits"].detail) == (
        "Visited: 了解用工情况",
        "1 problem found",
    )
    assert by_kind["posts"].title == f"{user_a.real_name}: President of 延庆区青年商会"
    policies = {e.title: e.detail for e in entries(response) if e.kind.code == "policies"}
    assert policies == {"延庆区制造业技改补贴办法": "Granted, 50,000.00 yuan", "稳岗补贴": "Read"}
    # Each row opens its own page, which answers the secretariat (a notice: in the admin).
    for entry in entries(response):
        assert entry.link, entry
        assert client_for(secretary).get(entry.link).status_code == 200, entry


def test_newest_first(staff_client, record, enterprise_a):
    moments = [entry.moment for entry in entries(staff_client.get(url(enterprise_a)))]
    assert moments == sorted(moments, reverse=True)


def test_filter_by_kind(staff_client, record, enterprise_a):
    response = staff_client.get(url(enterprise_a), {"kind": ["petitions", "donations"]})
    assert kinds_shown(response) == {"petitions", "donations"}


def test_filter_by_year(staff_client, record, enterprise_a):
    response = staff_client.get(url(enterprise_a), {"year": 2025})
    assert kinds_shown(response) == {"affiliations", "donations", "visits", "services"}
    assert all(entry.when.year == 2025 for entry in entries(response))
    assert "Left 延庆区旅游商会" in {entry.title for entry in entries(response)}
    response = staff_client.get(url(enterprise_a), {"year": 2024, "kind": "affiliations"})
    assert [entry.title for entry in entries(response)] == ["Joined 延庆区旅游商会"]


def test_a_filter_that_does_not_validate_says_why_and_lists_nothing(staff_client, enterprise_a):
    for query in ({"year": "abc"}, {"kind": "gossip"}):
        response = staff_client.get(url(enterprise_a), query)
        assert response.status_code == 200
        assert response.context["page"] is None
        assert b"filter-errors" in response.content


def test_pages_of_fifty_newest_and_older(staff_client, user_a, enterprise_a):
    for _ in range(PAGE_SIZE + 20):
        NoticeFactory(recipient=user_a)
    first = staff_client.get(url(enterprise_a), {"kind": "notices"})
    assert len(entries(first)) == PAGE_SIZE
    assert first.context["page"].has_next
    assert b'rel="first"' not in first.content
    second = older(staff_client, first, url(enterprise_a))
    assert len(entries(second)) == 20
    assert not second.context["page"].has_next
    assert b'rel="next"' not in second.content
    assert b"Page 2" in second.content
    # Back to the newest, with the same filter.
    assert b'href="?kind=notices" rel="first"' in second.content
    assert not {e.link for e in entries(first)} & {e.link for e in entries(second)}


def at_same_moments(enterprise, user):
    """Entries of three kinds, many at the very same moment: 30 notices at local midnight of
    1 March 2025 and as many donations that day (a day sorts from its midnight), 10 notices
    and 10 check-ins a minute later, and 5 donations a day before."""
    midnight = at(2025, 3, 1, 0)
    later = midnight + datetime.timedelta(minutes=1)
    for moment, count in ((midnight, 30), (later, 10)):
        notices = [NoticeFactory(recipient=user).pk for _ in range(count)]
        Notice.objects.filter(pk__in=notices).update(created_at=moment)
    for _ in range(10):
        registration = RegistrationFactory(enterprise=enterprise, user=user)
        Registration.objects.filter(pk=registration.pk).update(checked_in_at=later)
    for _ in range(30):
        donate(enterprise, datetime.date(2025, 3, 1))
    for _ in range(5):
        donate(enterprise, datetime.date(2025, 2, 28))


def test_paging_through_every_kind_shows_each_entry_once_newest_first(
    staff_client, user_a, enterprise_a, monkeypatch
):
    at_same_moments(enterprise_a, user_a)
    monkeypatch.setattr(kinds, "PAGE_SIZE", 7)  # page breaks inside every run of ties
    everything = [
        (kind.code, row["key"])
        for kind in KINDS.values()
        for row in kind.rows(enterprise_a, year=None, limit=10**6, before=None)
    ]
    assert len(everything) == 40 + 10 + 10 + 35 + 1  # registered, came; and the joining
    pages = every_page(staff_client, url(enterprise_a))
    shown = [entry for page in pages for entry in page]
    assert all(len(page) == 7 for page in pages[:-1])
    assert sorted((entry.kind.code, entry.key) for entry in shown) == sorted(everything)
    assert len({(entry.kind.code, entry.key) for entry in shown}) == len(shown)
    # Newest first; of the same moment, in the kinds' order, then the higher key first.
    order = [(entry.moment, -entry.kind.index, entry.key) for entry in shown]
    assert order == sorted(order, reverse=True)


def test_paging_keeps_the_kind_and_year_filters(staff_client, user_a, enterprise_a, monkeypatch):
    at_same_moments(enterprise_a, user_a)
    monkeypatch.setattr(kinds, "PAGE_SIZE", 7)
    query = {"kind": ["notices", "donations"], "year": 2025}
    shown = [e for page in every_page(staff_client, url(enterprise_a), query) for e in page]
    assert {entry.kind.code for entry in shown} == {"notices", "donations"}
    assert len(shown) == 40 + 35
    assert len({(entry.kind.code, entry.key) for entry in shown}) == 75
    assert all(entry.moment.year == 2025 for entry in shown)
    assert every_page(staff_client, url(enterprise_a), {"year": 2024}) == [[]]


def test_a_bad_older_link_shows_the_newest_entries_and_says_so(staff_client, user_a, enterprise_a):
    for _ in range(PAGE_SIZE + 5):
        NoticeFactory(recipient=user_a)
    newest = entries(staff_client.get(url(enterprise_a)))
    last = newest[-1]
    good = Cursor(last.moment, last.kind.code, last.key, 2, enterprise_a.pk).dumps()
    forged = good.rsplit(":", 1)[0] + ":" + "A" * 27
    salt = Cursor.salt(enterprise_a.pk)
    wrong_shape = kinds.signing.dumps(["yesterday", "gossip", "x", 1], salt=salt)
    for after in ("x", good[:-3], forged, wrong_shape, "", "%00"):
        response = staff_client.get(url(enterprise_a), {"after": after})
        assert response.status_code == 200
        assert [entry.key for entry in entries(response)] == [entry.key for entry in newest]
        assert (b"cursor-refused" in response.content) == bool(after)
    response = staff_client.get(url(enterprise_a), {"after": good})
    assert b"cursor-refused" not in response.content
    assert len(entries(response)) == 6


def test_an_older_link_from_another_enterprises_timeline_shows_the_first_page(
    staff_client, user_a, user_b, enterprise_a, enterprise_b
):
    """The cursor is signed for its enterprise: carried to another's timeline it is refused,
    never read as a place in that timeline."""
    for _ in range(PAGE_SIZE + 5):
        NoticeFactory(recipient=user_a)
        NoticeFactory(recipient=user_b)
    a_first = staff_client.get(url(enterprise_a))
    assert len(entries(a_first)) == PAGE_SIZE
    cursor = a_first.context["page"].older.dumps()
    b_first = entries(staff_client.get(url(enterprise_b)))
    response = staff_client.get(url(enterprise_b), {"after": cursor})
    assert [entry.key for entry in entries(response)] == [entry.key for entry in b_first]
    assert response.context["page"].number == 1
    assert b"cursor-refused" in response.content
    own = staff_client.get(url(enterprise_a), {"after": cursor})
    assert b"cursor-refused" not in own.content
    assert own.context["page"].number == 2 and len(entries(own)) == 6  # and the joining


def fill(enterprise, user, n):
    """n entries of most kinds for `enterprise`."""
    day = datetime.date(2025, 1, 1)
    for i in range(n):
        NoticeFactory(recipient=user)
        donate(enterprise, day + datetime.timedelta(days=i))
        registration = RegistrationFactory(enterprise=enterprise, user=user)
        Registration.objects.filter(pk=registration.pk).update(checked_in_at=timezone.now())
        AffiliationFactory(enterprise=enterprise, joined_on=day)
        PostFactory(enterprise=enterprise, holder=UserFactory())
        ApplicationFactory(enterprise=enterprise, status="approved")


def test_a_page_costs_one_query_per_kind_however_long_the_record(
    staff_client, staff, user_a, enterprise_a, django_assert_num_queries,
    django_assert_max_num_queries,
):  # fmt: skip
    fill(enterprise_a, user_a, 3)
    empty_caches()
    with django_assert_max_num_queries(len(KINDS) + 8) as few:
        assert len(entries(staff_client.get(url(enterprise_a)))) > 3 * 5
    queries = len(few.captured_queries)  # read before the next request empties the log
    fill(enterprise_a, user_a, 30)
    empty_caches()
    first = staff_client.get(url(enterprise_a))
    second = older(staff_client, first, url(enterprise_a))
    empty_caches()
    with django_assert_num_queries(queries):
        third = older(staff_client, second, url(enterprise_a))
        assert len(entries(third)) == PAGE_SIZE


def test_the_enterprise_page_links_staff_to_the_timeline(staff_client, client_a, enterprise_a):
    link = f'href="{url(enterprise_a)}"'.encode()
    assert link in staff_client.get(f"/members/{enterprise_a.public_id}/").content
    assert link not in client_a.get(f"/members/{enterprise_a.public_id}/").content


def test_an_edit_is_no_membership_entry_a_reinstatement_is(staff_client, staff, enterprise_a):
    enterprise_a.address = "北京市延庆区妫水北街1号"
    enterprise_a._history_user = staff
    enterprise_a.save()
    for status in ("suspended", "member"):
        member_services.change_membership_status(
            enterprise=enterprise_a, actor=staff, status=status, reason="会费"
        )
    response = staff_client.get(url(enterprise_a), {"kind": "membership"})
    assert [entry.title for entry in entries(response)] == [
        "Membership status: Member",
        "Membership status: Suspended",
        "Joined the federation",
    ]


def test_pages_of_several_kinds_follow_on_without_a_gap_or_a_repeat(
    staff_client, user_a, enterprise_a
):
    for i in range(40):
        NoticeFactory(recipient=user_a)
        donate(enterprise_a, datetime.date(2025, 1, 1) + datetime.timedelta(days=i * 9))
    pages = every_page(staff_client, url(enterprise_a))
    assert [len(page) for page in pages] == [PAGE_SIZE, 31]  # 40 + 40 and the joining
    shown = [(entry.kind.code, entry.link, entry.when) for entry in pages[0] + pages[1]]
    assert len(set(shown)) == 81
    moments = [entry.moment for entry in pages[0] + pages[1]]
    assert moments == sorted(moments, reverse=True)

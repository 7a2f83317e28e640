"""The federation's organisations: who sees them, who keeps a chamber's members, what is shown."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from chambers.models import Affiliation, Organization, Post, Term
from members.models import Enterprise
from tests.chambers.factories import (
    AffiliationFactory,
    FourGoodEvaluationFactory,
    OrganizationFactory,
    PostFactory,
    TermFactory,
)
from tests.conftest import client_for
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind, Position, Role = Organization.Kind, Post.Position, Affiliation.Role


def url(name, *args):
    return reverse(f"chambers:{name}", args=args)


@pytest.fixture
def chamber_x(db):
    return OrganizationFactory(slug="bingxue", name="延庆区冰雪产业商会", kind=Kind.INDUSTRY)


@pytest.fixture
def chamber_y(db):
    return OrganizationFactory(slug="kangzhuang", name="康庄镇兴隆街商会", kind=Kind.TOWNSHIP)


def leader_of(organization, position, **kwargs):
    """A person (with no enterprise of their own) holding a current post in `organization`."""
    term = organization.terms.first() or TermFactory(organization=organization)
    return PostFactory(term=term, position=position, **kwargs).holder


@pytest.fixture
def president_x(chamber_x):
    return leader_of(chamber_x, Position.PRESIDENT)


@pytest.fixture
def secretary_x(chamber_x):
    return leader_of(chamber_x, Position.SECRETARY_GENERAL)


def named(real_name):
    return UserFactory(real_name=real_name)


def errors(response, field="enterprise"):
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


def add(client, organization, enterprise_text, role=Role.MEMBER_UNIT, **extra):
    data = {"enterprise": enterprise_text, "role": role, **extra}
    return client.post(url("members", organization.slug), data)


# --- Who may see and who may keep ---------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, chamber_x, enterprise_a):
    affiliation = AffiliationFactory(organization=chamber_x, enterprise=enterprise_a)
    pages = [url("list"), url("structure"), url("detail", "bingxue"), url("members", "bingxue")]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    response = client.post(url("member_end", "bingxue", affiliation.pk))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    affiliation.refresh_from_db()
    assert affiliation.left_on is None
    assert chamber_x.affiliations.count() == 1


def test_logged_in_users_without_an_enterprise_or_post_are_refused(applicant, chamber_x):
    client = client_for(applicant)
    for page in [url("list"), url("structure"), url("detail", "bingxue")]:
        assert client.get(page).status_code == 403
    assert client.get(url("members", "bingxue")).status_code == 403


def test_a_member_user_can_view_but_not_keep(client_a, chamber_x, enterprise_b):
    affiliation = AffiliationFactory(organization=chamber_x, enterprise=enterprise_b)
    assert client_a.get(url("list")).status_code == 200
    assert client_a.get(url("structure")).status_code == 200
    response = client_a.get(url("detail", "bingxue"))
    assert response.status_code == 200
    assert not response.context["can_keep"]
    assert url("members", "bingxue") not in response.content.decode()
    assert client_a.get(url("members", "bingxue")).status_code == 403
    assert add(client_a, chamber_x, enterprise_b.credit_code).status_code == 403
    assert client_a.post(url("member_end", "bingxue", affiliation.pk)).status_code == 403
    affiliation.refresh_from_db()
    assert affiliation.left_on is None
    assert chamber_x.affiliations.count() == 1


def test_a_suspended_members_user_cannot_see_chambers(user_a, enterprise_a, chamber_x):
    Enterprise.objects.filter(pk=enterprise_a.pk).update(status=Enterprise.Status.SUSPENDED)
    assert client_for(user_a).get(url("detail", "bingxue")).status_code == 403


def test_an_unknown_chamber_is_not_found(client_a):
    assert client_a.get(url("detail", "no-such-chamber")).status_code == 404


@pytest.mark.parametrize("keeper", ["president_x", "secretary_x"])
def test_president_and_secretary_general_keep_their_own_chamber_only(
    request, keeper, chamber_x, chamber_y, enterprise_a
):
    client = client_for(request.getfixturevalue(keeper))
    response = client.get(url("detail", "bingxue"))
    assert response.context["can_keep"]
    assert url("members", "bingxue") in response.content.decode()
    assert client.get(url("members", "bingxue")).status_code == 200
    assert add(client, chamber_x, enterprise_a.credit_code).status_code == 302
    assert chamber_x.affiliations.filter(enterprise=enterprise_a).exists()

    assert client.get(url("detail", "kangzhuang")).status_code == 200  # leaders may look
    assert client.get(url("members", "kangzhuang")).status_code == 403
    assert add(client, chamber_y, enterprise_a.credit_code).status_code == 403
    other = AffiliationFactory(organization=chamber_y)
    assert client.post(url("member_end", "kangzhuang", other.pk)).status_code == 403
    assert not chamber_y.affiliations.filter(enterprise=enterprise_a).exists()
    other.refresh_from_db()
    assert other.left_on is None


def test_a_vice_president_cannot_keep_the_member_list(chamber_x):
    client = client_for(leader_of(chamber_x, Position.VICE_PRESIDENT))
    assert client.get(url("detail", "bingxue")).status_code == 200
    assert client.get(url("members", "bingxue")).status_code == 403


def test_a_president_whose_post_ended_can_no_longer_keep(chamber_x):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    former = leader_of(chamber_x, Position.PRESIDENT, ended_on=yesterday)
    assert client_for(former).get(url("members", "bingxue")).status_code == 403


def test_staff_keep_any_chamber(staff_client, chamber_x, chamber_y, enterprise_a):
    for chamber in (chamber_x, chamber_y):
        assert staff_client.get(url("members", chamber.slug)).status_code == 200
        assert add(staff_client, chamber, enterprise_a.credit_code).status_code == 302
    assert Affiliation.objects.filter(enterprise=enterprise_a).count() == 2


def test_ending_a_membership_is_post_only(staff_client, chamber_x):
    affiliation = AffiliationFactory(organization=chamber_x)
    assert staff_client.get(url("member_end", "bingxue", affiliation.pk)).status_code == 405
    affiliation.refresh_from_db()
    assert affiliation.left_on is None
    assert chamber_x.affiliations.count() == 1


# --- Keeping the member list ----------------------------------------------------------------


def test_adding_by_credit_code_records_the_role_and_who_added(president_x, chamber_x, enterprise_a):
    client = client_for(president_x)
    code = f" {enterprise_a.credit_code.lower()} "
    response = add(client, chamber_x, code, role=Role.VICE_PRESIDENT_UNIT, joined_on="2025-06-01")
    assert response.status_code == 302
    affiliation = Affiliation.objects.get(organization=chamber_x, enterprise=enterprise_a)
    assert affiliation.role == Role.VICE_PRESIDENT_UNIT
    assert affiliation.joined_on == datetime.date(2025, 6, 1)
    assert affiliation.left_on is None
    assert affiliation.history.get().history_user == president_x


def test_adding_by_exact_name_joins_today(staff_client, chamber_x, enterprise_a):
    assert add(staff_client, chamber_x, "延庆冰雪文旅有限公司").status_code == 302
    affiliation = Affiliation.objects.get(organization=chamber_x)
    assert affiliation.enterprise == enterprise_a
    assert affiliation.joined_on == timezone.localdate()


def test_adding_an_enterprise_that_is_not_a_current_member_changes_nothing(president_x, chamber_x):
    withdrawn = EnterpriseFactory(name="已退会企业有限公司", status=Enterprise.Status.WITHDRAWN)
    response = add(client_for(president_x), chamber_x, withdrawn.credit_code)
    assert response.status_code == 200
    assert errors(response) == ["not_member"]
    assert withdrawn.name in response.content.decode()
    assert not Affiliation.objects.exists()


def test_adding_an_unknown_enterprise_changes_nothing(president_x, chamber_x):
    response = add(client_for(president_x), chamber_x, "并不存在的公司")
    assert errors(response) == ["not_found"]
    assert not Affiliation.objects.exists()


def test_adding_an_enterprise_already_in_the_chamber_changes_nothing(
    president_x, chamber_x, enterprise_a
):
    AffiliationFactory(organization=chamber_x, enterprise=enterprise_a, role=Role.COUNCIL_UNIT)
    response = add(client_for(president_x), chamber_x, enterprise_a.credit_code)
    assert response.status_code == 200
    assert errors(response) == ["duplicate"]
    assert enterprise_a.name in response.content.decode()
    affiliation = Affiliation.objects.get()
    assert affiliation.role == Role.COUNCIL_UNIT


def test_an_enterprise_in_another_chamber_can_join_this_one(
    president_x, chamber_x, chamber_y, enterprise_a
):
    AffiliationFactory(organization=chamber_y, enterprise=enterprise_a)
    assert add(client_for(president_x), chamber_x, enterprise_a.credit_code).status_code == 302
    assert enterprise_a.affiliations.count() == 2


def test_a_joining_date_in_the_future_is_refused(president_x, chamber_x, enterprise_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = add(client_for(president_x), chamber_x, enterprise_a.credit_code, joined_on=tomorrow)
    assert errors(response, "joined_on") == ["date_range"]  # core/dates.py: PAST
    assert not Affiliation.objects.exists()


def test_ending_a_membership_keeps_the_record(president_x, chamber_x, enterprise_a):
    client = client_for(president_x)
    affiliation = AffiliationFactory(organization=chamber_x, enterprise=enterprise_a)
    response = client.post(url("member_end", "bingxue", affiliation.pk))
    assert response.status_code == 302
    assert response.url == url("members", "bingxue")
    affiliation.refresh_from_db()
    assert affiliation.left_on == timezone.localdate()
    assert affiliation.history.first().history_user == president_x

    page = client.get(url("members", "bingxue"))
    assert list(page.context["current"]) == []
    assert list(page.context["former"]) == [affiliation]
    assert enterprise_a.name not in client.get(url("detail", "bingxue")).content.decode()
    # and it may join again later, as a new membership
    assert add(client, chamber_x, enterprise_a.credit_code).status_code == 302
    assert chamber_x.affiliations.filter(enterprise=enterprise_a).count() == 2


def test_ending_a_membership_twice_changes_nothing(staff_client, chamber_x):
    left_on = datetime.date(2025, 1, 31)
    affiliation = AffiliationFactory(organization=chamber_x, left_on=left_on)
    response = staff_client.post(url("member_end", "bingxue", affiliation.pk))
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    affiliation.refresh_from_db()
    assert affiliation.left_on == left_on


def test_a_keeper_cannot_end_another_chambers_membership_through_their_own(president_x, chamber_y):
    other = AffiliationFactory(organization=chamber_y)
    response = client_for(president_x).post(url("member_end", "bingxue", other.pk))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.left_on is None


# --- The chamber's page ---------------------------------------------------------------------


def test_chamber_page_lists_current_members_with_links_by_role(
    client_a, chamber_x, enterprise_a, enterprise_b
):
    AffiliationFactory(organization=chamber_x, enterprise=enterprise_b, role=Role.MEMBER_UNIT)
    AffiliationFactory(organization=chamber_x, enterprise=enterprise_a, role=Role.PRESIDENT_UNIT)
    AffiliationFactory(organization=chamber_x, left_on=datetime.date(2025, 1, 1))
    suspended = EnterpriseFactory(name="停会企业有限公司", status=Enterprise.Status.SUSPENDED)
    AffiliationFactory(organization=chamber_x, enterprise=suspended)

    response = client_a.get(url("detail", "bingxue"))
    members = [a.enterprise for a in response.context["members"]]
    assert members == [enterprise_a, enterprise_b]  # president unit first; no former members
    content = response.content.decode()
    for enterprise in (enterprise_a, enterprise_b):  # each row's own link
        link = reverse("members:enterprise_detail", args=[enterprise.public_id])
        assert f'href="{link}">{enterprise.name}</a>' in content
    assert "停会企业有限公司" not in content


def test_staff_see_members_whose_federation_membership_is_suspended(staff_client, chamber_x):
    suspended = EnterpriseFactory(name="停会企业有限公司", status=Enterprise.Status.SUSPENDED)
    AffiliationFactory(organization=chamber_x, enterprise=suspended)
    assert "停会企业有限公司" in staff_client.get(url("detail", "bingxue")).content.decode()


def test_chamber_page_shows_current_leaders_and_past_terms(client_a, chamber_x):
    past = TermFactory(
        organization=chamber_x,
        number=1,
        starts_on=datetime.date(2018, 1, 1),
        ends_on=datetime.date(2022, 12, 31),
    )
    current = TermFactory(organization=chamber_x, number=2, starts_on=datetime.date(2023, 1, 1))
    PostFactory(term=past, holder=named("老会长"), position=Position.PRESIDENT)
    PostFactory(term=past, holder=named("老秘书长"), position=Position.SECRETARY_GENERAL)
    PostFactory(term=current, holder=named("新副会长"), position=Position.VICE_PRESIDENT)
    PostFactory(term=current, holder=named("新会长"), position=Position.PRESIDENT)
    PostFactory(
        term=current,
        holder=named("前任秘书长"),
        position=Position.SECRETARY_GENERAL,
        ended_on=datetime.date(2024, 6, 30),
    )

    response = client_a.get(url("detail", "bingxue"))
    assert response.context["current_term"] == current
    assert [p.holder.real_name for p in response.context["leaders"]] == ["新会长", "新副会长"]
    assert [p.holder.real_name for p in response.context["earlier_leaders"]] == ["前任秘书长"]
    assert response.context["past_terms"] == [past]
    content = response.content.decode()
    assert "老会长" in content
    assert "老秘书长" in content


def test_the_federations_page_lists_its_group_members(client_a, chamber_x, chamber_y):
    OrganizationFactory(slug="ylqgsl", name="延庆区工商联", kind=Kind.FEDERATION)
    Organization.objects.filter(pk=chamber_x.pk).update(
        group_member_since=datetime.date(2020, 5, 1)
    )
    response = client_a.get(url("detail", "ylqgsl"))
    assert list(response.context["group_members"]) == [chamber_x]
    content = response.content.decode()
    assert chamber_x.name in content
    assert chamber_y.name not in content


def test_a_working_groups_page_lists_its_member_enterprises(client_a, enterprise_b):
    group = OrganizationFactory(slug="ice-snow", name="冰雪产业工作组", kind=Kind.WORKING_GROUP)
    AffiliationFactory(organization=group, enterprise=enterprise_b)
    response = client_a.get(url("detail", "ice-snow"))
    assert [a.enterprise for a in response.context["members"]] == [enterprise_b]
    assert enterprise_b.name in response.content.decode()


def test_chamber_page_shows_four_good_evaluations(client_a, chamber_x):
    FourGoodEvaluationFactory(organization=chamber_x, year=2024, notes="")
    FourGoodEvaluationFactory(organization=chamber_x, year=2025, awarded=False)
    response = client_a.get(url("detail", "bingxue"))
    assert [e.year for e in response.context["evaluations"]] == [2025, 2024]
    assert 'id="evaluations"' in response.content.decode()


def test_chamber_page_query_count_does_not_grow_with_its_size(
    client_a, chamber_x, django_assert_num_queries, django_assert_max_num_queries
):
    def grow(n):
        year = 2010 + n
        term = TermFactory(
            organization=chamber_x,
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 31),
        )
        PostFactory.create_batch(n, term=term, position=Position.COUNCIL_MEMBER)
        AffiliationFactory.create_batch(n, organization=chamber_x)
        FourGoodEvaluationFactory(organization=chamber_x, year=year)
        OrganizationFactory(parent=chamber_x)

    current = TermFactory(organization=chamber_x, starts_on=datetime.date(2023, 1, 1))
    PostFactory(term=current)
    grow(2)
    with django_assert_max_num_queries(20) as small:
        client_a.get(url("detail", "bingxue"))
    queries = len(small.captured_queries)
    grow(8)
    PostFactory.create_batch(5, term=current, position=Position.VICE_PRESIDENT)
    with django_assert_num_queries(queries):
        client_a.get(url("detail", "bingxue"))


# --- The list and the structure -------------------------------------------------------------


def test_list_groups_organisations_by_kind_with_member_counts(client_a, chamber_x, enterprise_a):
    federation = OrganizationFactory(slug="ylqgsl", name="延庆区工商联", kind=Kind.FEDERATION)
    friendly = OrganizationFactory(
        slug="xiongan",
        name="雄安新区工商联",
        kind=Kind.FRIENDLY,
        tie_signed_on=datetime.date(2021, 9, 15),
    )
    OrganizationFactory(slug="gone", name="已撤销商会", is_active=False)
    AffiliationFactory.create_batch(3, organization=chamber_x)
    AffiliationFactory(organization=chamber_x, left_on=datetime.date(2025, 1, 1))
    AffiliationFactory(organization=chamber_x, enterprise__status=Enterprise.Status.SUSPENDED)

    response = client_a.get(url("list"))
    groups = {group["kind"]: group["organizations"] for group in response.context["groups"]}
    assert list(groups) == [Kind.FEDERATION, Kind.INDUSTRY, Kind.FRIENDLY]
    assert groups[Kind.INDUSTRY] == [chamber_x]
    # the three and the suspended member (still on the federation's roll), not the one gone
    assert groups[Kind.INDUSTRY][0].member_count == 4
    assert groups[Kind.FEDERATION] == [federation]
    # the federation's members are those on its roll: A, the three, the former one and the
    # suspended one
    assert response.context["enterprise_count"] == 6
    assert groups[Kind.FRIENDLY] == [friendly]
    content = response.content.decode()
    assert "2021年9月15日" in content
    assert "已撤销商会" not in content


def test_list_query_count_is_the_same_for_10_or_100_organisations(
    client_a, django_assert_num_queries, django_assert_max_num_queries
):
    def grow(n):
        for i in range(n):
            chamber = OrganizationFactory(kind=Kind.values[i % len(Kind.values)])
            AffiliationFactory(organization=chamber)

    grow(10)
    with django_assert_max_num_queries(12) as ten:
        response = client_a.get(url("list"))
    queries = len(ten.captured_queries)
    grow(90)
    with django_assert_num_queries(queries):
        response = client_a.get(url("list"))
    assert sum(len(g["organizations"]) for g in response.context["groups"]) == 100


def test_structure_counts_come_from_the_data(client_a, enterprise_a):
    federation = OrganizationFactory(slug="ylqgsl", name="延庆区工商联", kind=Kind.FEDERATION)
    groups = OrganizationFactory.create_batch(3, kind=Kind.WORKING_GROUP, parent=federation)
    OrganizationFactory.create_batch(2, kind=Kind.ASSOCIATION)
    OrganizationFactory(kind=Kind.ASSOCIATION, is_active=False)
    chamber = OrganizationFactory(kind=Kind.TOWNSHIP)
    AffiliationFactory.create_batch(2, organization=groups[0])
    EnterpriseFactory.create_batch(4)
    EnterpriseFactory(status=Enterprise.Status.WITHDRAWN)
    leader_of(federation, Position.CHAIR, holder=named("主席"))
    leader_of(federation, Position.VICE_CHAIR, holder=named("专职副主席"), full_time=True)
    leader_of(federation, Position.PRESIDENT, holder=named("总商会会长"))
    leader_of(chamber, Position.PRESIDENT, holder=named("镇商会会长"))
    leader_of(chamber, Position.VICE_PRESIDENT, holder=named("镇商会副会长"))

    response = client_a.get(url("structure"))
    context = response.context
    assert [p.holder.real_name for p in context["federation_team"]] == ["主席", "专职副主席"]
    assert {p.holder.real_name for p in context["chamber_team"]} == {"总商会会长", "镇商会会长"}
    assert context["team_count"] == 2
    assert len(context["working_groups"]) == 3
    assert len(context["associations"]) == 2
    assert context["enterprise_count"] == 7  # A, the four, and the two in the working group
    assert sum(group.member_count for group in context["working_groups"]) == 2
    formula = response.content.decode().split('id="formula">')[1].split("<")[0]
    assert formula == "1 + 2 + 3 + 2 + 7"


def test_structure_of_an_empty_federation_counts_zeros(staff_client):
    response = staff_client.get(url("structure"))
    formula = response.content.decode().split('id="formula">')[1].split("<")[0]
    assert formula == "0 + 0 + 0 + 0 + 0"


# --- Administration -------------------------------------------------------------------------


ADMIN_MODELS = [
    "organization", "affiliation", "term", "post", "fourgoodevaluation", "dutymonth",
    "dutylogentry", "unavailability", "swaprequest", "calendartoken",
]  # fmt: skip


def test_every_chambers_model_has_a_working_admin(admin_client, chamber_x):
    client = admin_client
    AffiliationFactory(organization=chamber_x)
    PostFactory(term=TermFactory(organization=chamber_x))
    for model in ADMIN_MODELS:
        response = client.get(reverse(f"admin:chambers_{model}_changelist"))
        assert response.status_code == 200, model
    for model in ["organization", "affiliation", "term", "post", "dutymonth"]:
        assert client.get(reverse(f"admin:chambers_{model}_add")).status_code == 200, model
    response = client.get(reverse("admin:chambers_organization_change", args=[chamber_x.pk]))
    assert response.status_code == 200


def test_history_cannot_be_deleted_in_the_admin(admin_client, chamber_x):
    client = admin_client
    affiliation = AffiliationFactory(organization=chamber_x)
    term = TermFactory(organization=chamber_x, number=1)
    empty_term = TermFactory(organization=chamber_x, number=2, starts_on=datetime.date(2028, 1, 1))
    post = PostFactory(term=term)
    for obj in [chamber_x, affiliation, term, empty_term, post]:
        delete = reverse(f"admin:chambers_{obj._meta.model_name}_delete", args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403, obj
    assert Term.objects.filter(pk__in=[term.pk, empty_term.pk]).count() == 2
    assert Organization.objects.filter(pk=chamber_x.pk).exists()
    assert Affiliation.objects.filter(pk=affiliation.pk).exists()
    assert Post.objects.filter(pk=post.pk).exists()


def test_a_large_chambers_members_come_fifty_a_page(staff_client, chamber_x):
    """A municipal chamber may have thousands of members: its pages list them by pages."""
    for enterprise in EnterpriseFactory.create_batch(55):
        Affiliation.objects.create(organization=chamber_x, enterprise=enterprise)
    for name in ("detail", "members"):
        first = staff_client.get(url(name, chamber_x.slug))
        key = "members" if name == "detail" else "current"
        assert len(first.context[key]) == 50
        assert first.context[key].paginator.count == 55
        second = staff_client.get(url(name, chamber_x.slug) + "?page=2")
        assert len(second.context[key]) == 5
        html = first.content.decode()
        assert 'rel="next"' in html and ">55</span>" in html


def test_both_member_lists_name_each_role(english, staff_client, chamber_x, enterprise_a):
    AffiliationFactory(organization=chamber_x, enterprise=enterprise_a, role=Role.PRESIDENT_UNIT)
    AffiliationFactory(
        organization=chamber_x, role=Role.COUNCIL_UNIT, left_on=datetime.date(2025, 1, 1)
    )
    page = staff_client.get(url("detail", "bingxue")).content.decode()
    assert f"<td>{Role.PRESIDENT_UNIT.label}</td>" in page
    keeper = staff_client.get(url("members", "bingxue")).content.decode()
    assert f"<td>{Role.PRESIDENT_UNIT.label}</td>" in keeper  # current
    assert f"<td>{Role.COUNCIL_UNIT.label}</td>" in keeper  # former

"""Organisations, their terms and leadership posts: made and changed through chambers.services,
by the admin's add and change pages too; each refusal is a message and changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chambers import services
from chambers.models import Organization, Post, Term
from tests.chambers.factories import OrganizationFactory, PostFactory, TermFactory
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind, Position = Organization.Kind, Post.Position
D = datetime.date


def messages_of(refusal: pytest.ExceptionInfo) -> str:
    return " ".join(refusal.value.messages)


@pytest.fixture
def chamber(db):
    return OrganizationFactory(slug="bingxue", name="延庆区冰雪产业商会")


@pytest.fixture
def second_term(chamber):
    return Term.objects.create(organization=chamber, number=2, starts_on=D(2021, 5, 1))


# --- Organisations ----------------------------------------------------------------------------


def test_create_organisation_records_who_made_it(staff, federation):
    org = services.create_organisation(
        actor=staff, slug="wenlv", name="延庆区文旅商会", kind=Kind.INDUSTRY, parent=federation
    )
    org.refresh_from_db()
    assert (org.name, org.parent) == ("延庆区文旅商会", federation)
    assert org.history.get().history_user == staff


def test_create_organisation_refuses_a_reserved_address(staff):
    with pytest.raises(ValidationError) as refusal:
        services.create_organisation(actor=staff, slug="new", name="某商会", kind=Kind.INDUSTRY)
    assert "该网址标识为系统保留" in messages_of(refusal)
    assert not Organization.objects.exists()


def test_an_organisation_cannot_be_under_one_of_its_own(staff, federation, chamber):
    services.change_organisation(organization=chamber, actor=staff, parent=federation)
    with pytest.raises(ValidationError) as refusal:
        services.change_organisation(organization=federation, actor=staff, parent=chamber)
    assert "组织不能隶属于自身或其下属组织" in messages_of(refusal)
    federation.refresh_from_db()
    assert federation.parent is None
    assert federation.history.count() == 1  # made by the fixture, never changed


def test_change_organisation_records_who_changed_it(staff, chamber):
    services.change_organisation(organization=chamber, actor=staff, short_name="冰雪商会")
    chamber.refresh_from_db()
    assert chamber.short_name == "冰雪商会"
    assert chamber.history.latest().history_user == staff


# --- Terms ------------------------------------------------------------------------------------


def test_the_first_term_is_number_one(staff, chamber):
    term = services.start_term(organization=chamber, actor=staff, starts_on=D(2020, 3, 1))
    assert (term.number, term.starts_on, term.ends_on) == (1, D(2020, 3, 1), None)
    assert term.history.get().history_user == staff


def test_a_new_term_closes_the_running_one_and_its_posts(staff, chamber, second_term):
    running = PostFactory(term=second_term, position=Position.PRESIDENT)
    ended = PostFactory(term=second_term, position=Position.VICE_PRESIDENT, ended_on=D(2022, 1, 1))
    term = services.start_term(organization=chamber, actor=staff, starts_on=D(2026, 5, 1))
    assert term.number == 3
    second_term.refresh_from_db()
    running.refresh_from_db()
    ended.refresh_from_db()
    assert second_term.ends_on == D(2026, 4, 30)
    assert running.ended_on == D(2026, 4, 30)
    assert ended.ended_on == D(2022, 1, 1)
    assert second_term.history.latest().history_user == staff
    assert running.history.latest().history_user == staff
    assert ended.history.count() == 1  # only its creation


def test_a_term_after_a_closed_one_leaves_it_alone(staff, chamber):
    old = TermFactory(
        organization=chamber, number=1, starts_on=D(2015, 1, 1), ends_on=D(2019, 12, 31)
    )
    services.start_term(organization=chamber, actor=staff, starts_on=D(2020, 1, 1), number=2)
    old.refresh_from_db()
    assert old.ends_on == D(2019, 12, 31)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"starts_on": D(2021, 5, 1)}, "新一届必须在延庆区冰雪产业商会第2届开始"),
        ({"starts_on": D(2019, 1, 1)}, "新一届必须在延庆区冰雪产业商会第2届开始"),
        ({"starts_on": D(2026, 1, 1), "number": 2}, "新一届的届次必须大于2"),
        ({"starts_on": D(2026, 1, 1), "ends_on": D(2025, 1, 1)}, "届期的结束日期不能早于开始日期"),
        ({"starts_on": D(2026, 1, 1), "ends_on": D(2099, 1, 1)}, "请输入"),
    ],
)
def test_start_term_refusals_change_nothing(staff, chamber, second_term, fields, message):
    with pytest.raises(ValidationError) as refusal:
        services.start_term(organization=chamber, actor=staff, **fields)
    assert message in messages_of(refusal)
    second_term.refresh_from_db()
    assert second_term.ends_on is None
    assert list(chamber.terms.values_list("number", flat=True)) == [2]


def test_a_new_term_cannot_start_before_a_post_of_the_running_one(staff, chamber, second_term):
    late = PostFactory(term=second_term, started_on=D(2025, 6, 1))
    with pytest.raises(ValidationError) as refusal:
        services.start_term(organization=chamber, actor=staff, starts_on=D(2025, 6, 1))
    assert "新一届必须在此之后开始" in messages_of(refusal)
    second_term.refresh_from_db()
    late.refresh_from_db()
    assert (second_term.ends_on, late.ended_on) == (None, None)
    assert chamber.terms.count() == 1


def test_change_term_keeps_terms_apart_and_posts_inside(staff, chamber, second_term):
    first = TermFactory(
        organization=chamber, number=1, starts_on=D(2016, 5, 1), ends_on=D(2021, 4, 30)
    )
    PostFactory(term=second_term, started_on=D(2021, 5, 1), ended_on=D(2023, 1, 1))
    with pytest.raises(ValidationError) as refusal:
        services.change_term(
            term=first, actor=staff, starts_on=D(2016, 5, 1), ends_on=D(2021, 5, 1)
        )
    assert "这些日期与延庆区冰雪产业商会第2届重叠" in messages_of(refusal)
    with pytest.raises(ValidationError) as refusal:
        services.change_term(
            term=second_term, actor=staff, starts_on=D(2021, 5, 1), ends_on=D(2022, 12, 31)
        )
    assert "本届有1个领导职务不在这些日期之内" in messages_of(refusal)
    first.refresh_from_db()
    second_term.refresh_from_db()
    assert (first.ends_on, second_term.ends_on) == (D(2021, 4, 30), None)

    services.change_term(
        term=second_term, actor=staff, starts_on=D(2021, 5, 1), ends_on=D(2026, 4, 30)
    )
    second_term.refresh_from_db()
    assert second_term.ends_on == D(2026, 4, 30)
    assert second_term.history.latest().history_user == staff


# --- Posts ------------------------------------------------------------------------------------


def test_appoint_from_the_terms_start(staff, second_term):
    holder = UserFactory(real_name="王会长")
    firm = EnterpriseFactory()
    post = services.appoint(
        term=second_term, holder=holder, position=Position.PRESIDENT, enterprise=firm, actor=staff
    )
    post.refresh_from_db()
    assert (post.holder, post.enterprise, post.started_on) == (holder, firm, D(2021, 5, 1))
    assert post.history.get().history_user == staff


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"started_on": D(2021, 4, 30)}, "任职开始日期必须在延庆区冰雪产业商会第2届期内"),
        (
            {"started_on": D(2022, 1, 1), "ended_on": D(2021, 12, 1)},
            "职务的结束日期不能早于开始日期",
        ),
        ({"position": Position.PRESIDENT, "full_time": True}, "只有副主席可以是专职"),
        ({"full_time": True, "enterprise": True}, "专职副主席是工商联机关工作人员"),
        ({"started_on": D(2099, 1, 1)}, "请输入"),
    ],
)
def test_appoint_refusals_change_nothing(staff, second_term, fields, message):
    if fields.get("enterprise"):
        fields["enterprise"] = EnterpriseFactory()
    fields = {"position": Position.VICE_CHAIR, **fields}
    with pytest.raises(ValidationError) as refusal:
        services.appoint(term=second_term, holder=UserFactory(), actor=staff, **fields)
    assert message in messages_of(refusal)
    assert not Post.objects.exists()
    assert not Post.history.exists()


def test_a_post_ends_within_a_closed_term(staff, chamber):
    term = TermFactory(
        organization=chamber, number=1, starts_on=D(2016, 5, 1), ends_on=D(2021, 4, 30)
    )
    with pytest.raises(ValidationError) as refusal:
        services.appoint(
            term=term, holder=UserFactory(), position=Position.PRESIDENT, ended_on=D(2021, 5, 1),
            actor=staff,
        )  # fmt: skip
    assert "任职结束日期不能晚于延庆区冰雪产业商会第1届的结束日期" in messages_of(refusal)
    assert not Post.objects.exists()


def test_no_one_holds_the_same_post_twice_at_once(staff, second_term):
    post = PostFactory(term=second_term, position=Position.VICE_PRESIDENT, ended_on=D(2023, 1, 1))
    holder = post.holder
    with pytest.raises(ValidationError) as refusal:
        services.appoint(
            term=second_term, holder=holder, position=Position.VICE_PRESIDENT,
            started_on=D(2022, 6, 1), actor=staff,
        )  # fmt: skip
    assert "起已在延庆区冰雪产业商会第2届担任此职务" in messages_of(refusal)
    assert Post.objects.count() == 1
    # After the first post ended, the same post again is a new appointment.
    again = services.appoint(
        term=second_term, holder=holder, position=Position.VICE_PRESIDENT,
        started_on=D(2023, 1, 2), actor=staff,
    )  # fmt: skip
    assert again.pk != post.pk


def test_a_chamber_has_one_president_at_a_time(staff, second_term):
    president = PostFactory(term=second_term, position=Position.PRESIDENT, ended_on=None)
    other = UserFactory(real_name="候任会长")
    with pytest.raises(ValidationError) as refusal:
        services.appoint(
            term=second_term, holder=other, position=Position.PRESIDENT, actor=staff,
            started_on=D(2023, 3, 1),
        )  # fmt: skip
    assert str(president.holder) in messages_of(refusal)
    assert list(Post.objects.values_list("pk", flat=True)) == [president.pk]
    # Once the president's post has ended, a successor is appointed; vice-presidents are many.
    services.change_post(post=president, actor=staff, ended_on=D(2023, 2, 28))
    services.appoint(
        term=second_term, holder=other, position=Position.PRESIDENT, actor=staff,
        started_on=D(2023, 3, 1),
    )  # fmt: skip
    for name in ("副会长甲", "副会长乙"):
        services.appoint(
            term=second_term, holder=UserFactory(real_name=name),
            position=Position.VICE_PRESIDENT, actor=staff,
        )  # fmt: skip
    assert Post.objects.filter(position=Position.VICE_PRESIDENT).count() == 2


def test_a_change_cannot_make_a_second_president_but_ending_one_is_never_refused(
    staff, second_term
):
    president = PostFactory(term=second_term, position=Position.PRESIDENT, ended_on=None)
    vice = PostFactory(term=second_term, position=Position.VICE_PRESIDENT, ended_on=None)
    # Two presidents at once, as a change could leave them (data from before the rule).
    other = PostFactory(term=second_term, position=Position.PRESIDENT, ended_on=None)
    with pytest.raises(ValidationError):
        services.change_post(post=vice, actor=staff, position=Position.PRESIDENT)
    vice.refresh_from_db()
    assert vice.position == Position.VICE_PRESIDENT
    # Ending either overlapping president is what puts it right: never refused.
    services.change_post(post=other, actor=staff, ended_on=D(2023, 6, 30))
    other.refresh_from_db()
    assert other.ended_on == D(2023, 6, 30)
    # Reopening it would make two presidents again.
    with pytest.raises(ValidationError):
        services.change_post(post=other, actor=staff, ended_on=None)
    assert president.pk != other.pk


def test_a_deactivated_account_is_not_appointed(staff, second_term):
    holder = UserFactory(real_name="离职者", is_active=False)
    with pytest.raises(ValidationError) as refusal:
        services.appoint(term=second_term, holder=holder, position=Position.PRESIDENT, actor=staff)
    assert "离职者的账号已停用" in messages_of(refusal)
    assert not Post.objects.exists()


def test_change_post_ends_it_and_refuses_an_end_before_its_start(staff, second_term):
    post = PostFactory(term=second_term, started_on=D(2022, 3, 1))
    with pytest.raises(ValidationError) as refusal:
        services.change_post(post=post, actor=staff, ended_on=D(2022, 2, 1))
    assert "职务的结束日期不能早于开始日期" in messages_of(refusal)
    post.refresh_from_db()
    assert post.ended_on is None
    services.change_post(post=post, actor=staff, ended_on=D(2024, 2, 1), in_rotation=False)
    post.refresh_from_db()
    assert (post.ended_on, post.in_rotation) == (D(2024, 2, 1), False)
    assert post.history.latest().history_user == staff


# --- The admin's add and change pages call the services ---------------------------------------


def management(*prefixes, **initial) -> dict:
    """The inline formsets' management fields (their rows are read-only or none)."""
    data = {}
    for prefix in prefixes:
        count = initial.get(prefix, 0)
        data |= {
            f"{prefix}-TOTAL_FORMS": count, f"{prefix}-INITIAL_FORMS": count,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000,
        }  # fmt: skip
    return data


def form_errors(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(m) for messages in form.errors.values() for m in messages)


def organisation_data(**fields):
    return {
        "slug": "wenlv", "name": "延庆区文旅商会", "short_name": "", "kind": Kind.INDUSTRY,
        "parent": "", "township": "", "home_region": "", "founded_on": "", "tie_signed_on": "",
        "group_member_since": "", "description": "", "is_active": "on",
        **management("terms", "evaluations"), **fields,
    }  # fmt: skip


def test_admin_adds_and_changes_an_organisation_through_the_service(
    admin_client, superuser, federation, monkeypatch
):
    calls = []
    for service in ("create_organisation", "change_organisation"):
        real = getattr(services, service)
        monkeypatch.setattr(
            services, service, lambda _r=real, _s=service, **kw: calls.append(_s) or _r(**kw)
        )
    response = admin_client.post(
        reverse("admin:chambers_organization_add"), organisation_data(parent=federation.pk)
    )
    assert response.status_code == 302, form_errors(response)
    assert response.url == reverse("admin:chambers_organization_changelist")
    org = Organization.objects.get(slug="wenlv")
    assert org.parent == federation
    assert org.history.get().history_user == superuser

    change = reverse("admin:chambers_organization_change", args=[org.pk])
    response = admin_client.post(change, organisation_data(short_name="文旅商会"))
    assert response.status_code == 302, form_errors(response)
    org.refresh_from_db()
    assert (org.short_name, org.parent) == ("文旅商会", None)
    assert calls == ["create_organisation", "change_organisation"]
    assert org.history.latest().history_user == superuser


def test_admin_shows_an_organisations_refusal_on_the_form(admin_client, federation):
    chamber = OrganizationFactory(parent=federation)
    change = reverse("admin:chambers_organization_change", args=[federation.pk])
    data = organisation_data(
        slug=federation.slug, name=federation.name, kind=federation.kind, parent=chamber.pk
    )
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert "组织不能隶属于自身或其下属组织" in form_errors(response)
    federation.refresh_from_db()
    assert federation.parent is None


def test_admin_starts_a_term_through_the_service(admin_client, superuser, chamber, second_term):
    post = PostFactory(term=second_term)
    data = {"organization": chamber.pk, "number": 3, "starts_on": "2026-05-01", "ends_on": "",
            **management("posts")}  # fmt: skip
    response = admin_client.post(reverse("admin:chambers_term_add"), data)
    assert response.status_code == 302, form_errors(response)
    third = chamber.terms.get(number=3)
    assert third.history.get().history_user == superuser
    second_term.refresh_from_db()
    post.refresh_from_db()
    assert second_term.ends_on == post.ended_on == D(2026, 4, 30)

    # A term that would come before the last one is refused on the form.
    data |= {"number": 4, "starts_on": "2026-05-01"}
    response = admin_client.post(reverse("admin:chambers_term_add"), data)
    assert response.status_code == 200
    assert "新一届必须在延庆区冰雪产业商会第3届开始" in form_errors(response)
    assert chamber.terms.count() == 2


def test_admin_changes_a_term_through_the_service(admin_client, superuser, chamber, second_term):
    PostFactory(term=second_term, started_on=D(2024, 1, 1))
    change = reverse("admin:chambers_term_change", args=[second_term.pk])
    data = {"starts_on": "2021-05-01", "ends_on": "2023-12-31", **management("posts", posts=1)}
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert "本届有1个领导职务不在这些日期之内" in form_errors(response)
    second_term.refresh_from_db()
    assert second_term.ends_on is None

    # One message for one fault (not Django's generic one for the dates' constraint as well).
    response = admin_client.post(change, data | {"ends_on": "2020-12-31"})
    assert response.status_code == 200
    assert form_errors(response) == "届期的结束日期不能早于开始日期。"
    second_term.refresh_from_db()
    assert second_term.ends_on is None

    data["ends_on"] = "2026-04-30"
    response = admin_client.post(change, data)
    assert response.status_code == 302, form_errors(response)
    second_term.refresh_from_db()
    assert second_term.ends_on == D(2026, 4, 30)
    assert second_term.history.latest().history_user == superuser


def post_data(term, holder, **fields):
    return {
        "term": term.pk, "holder": holder.pk, "enterprise": "", "position": Position.VICE_CHAIR,
        "in_rotation": "on", "started_on": "2022-01-01", "ended_on": "", **fields,
    }  # fmt: skip


def test_admin_appoints_and_ends_a_post_through_the_service(admin_client, superuser, second_term):
    holder = UserFactory(real_name="刘副会长")
    response = admin_client.post(reverse("admin:chambers_post_add"), post_data(second_term, holder))
    assert response.status_code == 302, form_errors(response)
    post = Post.objects.get()
    assert (post.holder, post.started_on) == (holder, D(2022, 1, 1))
    assert post.history.get().history_user == superuser

    change = reverse("admin:chambers_post_change", args=[post.pk])
    response = admin_client.post(change, post_data(second_term, holder, ended_on="2021-12-31"))
    assert response.status_code == 200
    assert "职务的结束日期不能早于开始日期" in form_errors(response)
    post.refresh_from_db()
    assert post.ended_on is None

    response = admin_client.post(change, post_data(second_term, holder, ended_on="2025-06-30"))
    assert response.status_code == 302, form_errors(response)
    post.refresh_from_db()
    assert post.ended_on == D(2025, 6, 30)
    assert post.history.latest().history_user == superuser


def test_admin_shows_a_posts_refusal_on_the_form(admin_client, second_term):
    data = post_data(second_term, UserFactory(), position=Position.PRESIDENT, full_time="on")
    response = admin_client.post(reverse("admin:chambers_post_add"), data)
    assert response.status_code == 200
    assert "只有副主席可以是专职" in form_errors(response)
    assert not Post.objects.exists()


def test_a_refusal_when_saving_is_a_message_not_an_error_page(
    admin_client, second_term, monkeypatch
):
    """Should the service refuse at saving what the form accepted (a change meanwhile), the
    page says why and nothing is saved."""

    def refuse(**kwargs):
        raise ValidationError("这些日期与另一届重叠。")

    monkeypatch.setattr(services, "appoint", refuse)
    add = reverse("admin:chambers_post_add")
    response = admin_client.post(add, post_data(second_term, UserFactory()), follow=True)
    assert response.status_code == 200
    assert "这些日期与另一届重叠。" in response.content.decode()
    assert not Post.objects.exists()


def test_the_inlines_list_terms_and_posts_without_changing_them(admin_client, chamber, second_term):
    PostFactory(term=second_term)
    page = admin_client.get(reverse("admin:chambers_organization_change", args=[chamber.pk]))
    assert page.status_code == 200
    assert "terms-0-starts_on" not in page.content.decode()
    page = admin_client.get(reverse("admin:chambers_term_change", args=[second_term.pk]))
    assert page.status_code == 200
    assert "posts-0-started_on" not in page.content.decode()


def test_an_admin_add_page_sent_twice_adds_once(admin_client, federation):
    """The admin's add pages carry the token of every create form (core/submissions.py)."""
    import re
    import uuid

    page = admin_client.get(reverse("admin:chambers_organization_add")).content.decode()
    assert re.search(r'<input type="hidden" name="submission" value="[0-9a-f-]{36}"', page)
    data = {**organisation_data(parent=federation.pk), "submission": str(uuid.uuid4())}
    for _ in range(3):  # a double click, and a reload of the answer
        response = admin_client.post(reverse("admin:chambers_organization_add"), data)
        assert response.status_code == 302, form_errors(response)
    assert Organization.objects.filter(slug="wenlv").count() == 1
    from django.contrib.admin.models import ADDITION, LogEntry

    assert LogEntry.objects.filter(action_flag=ADDITION, object_repr__contains="文旅").count() == 1

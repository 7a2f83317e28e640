"""Representative figures, their labels, public posts and trainings: entered and corrected
through members.services, by the admin's pages too; each refusal is a message and changes
nothing."""

import datetime
import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members import services
from members.models import PublicPost, RepresentativePerson, RepresentativeTag, TrainingRecord
from tests.conftest import client_for
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def messages_of(refusal: pytest.ExceptionInfo) -> str:
    return " ".join(refusal.value.messages)


def form_errors(response) -> str:
    forms = [response.context["adminform"].form]
    forms += [f for formset in response.context["inline_admin_formsets"] for f in formset.formset]
    return " ".join(str(m) for form in forms for errors in form.errors.values() for m in errors)


@pytest.fixture
def firm(db):
    return EnterpriseFactory(name="北京延庆冰雪运动有限公司")


@pytest.fixture
def women(staff):
    return services.add_representative_tag(actor=staff, name="女企业家")


def test_add_representative_with_labels_records_who_entered_it(staff, firm, women):
    person = services.add_representative(
        actor=staff, name="王丽", gender="f", birth_year=1985, enterprise=firm,
        position="执行董事", mobile="13800138001", tags=[women],
    )  # fmt: skip
    person.refresh_from_db()
    assert (person.enterprise, list(person.tags.all())) == (firm, [women])
    assert {h.history_user for h in person.history.all()} == {staff}
    assert women.history.get().history_user == staff


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"birth_year": 1850}, "birth_year", "请输入1900至"),
        ({"birth_year": 2999}, "birth_year", "之间的出生年份"),
        ({"mobile": "12345"}, "mobile", "手机号码"),
        ({"gender": ""}, "gender", "此字段不能为空"),
    ],
)
def test_add_representative_refuses_bad_details(staff, firm, fields, field, message):
    with pytest.raises(ValidationError) as refusal:
        services.add_representative(actor=staff, **({"name": "王丽", "gender": "f",
                                                      "enterprise": firm} | fields))  # fmt: skip
    assert field in refusal.value.message_dict
    assert message in messages_of(refusal)
    assert not RepresentativePerson.objects.exists()
    assert not RepresentativePerson.history.exists()


def test_one_figure_of_a_name_per_enterprise(staff, firm):
    services.add_representative(actor=staff, name="王丽", gender="f", enterprise=firm)
    with pytest.raises(ValidationError) as refusal:
        services.add_representative(actor=staff, name="王丽", gender="f", enterprise=firm)
    assert "北京延庆冰雪运动有限公司的王丽已在代表人士库中" in messages_of(refusal)
    assert RepresentativePerson.objects.count() == 1
    # Of another enterprise, or of none, the same name is another person.
    services.add_representative(
        actor=staff, name="王丽", gender="f", enterprise=EnterpriseFactory()
    )
    services.add_representative(actor=staff, name="王丽", gender="f")
    services.add_representative(actor=staff, name="王丽", gender="f")
    assert RepresentativePerson.objects.count() == 4


def test_change_representative_records_the_change(staff, staff2, firm, women):
    person = services.add_representative(actor=staff, name="王丽", gender="f", enterprise=firm)
    services.change_representative(person=person, actor=staff2, position="总经理", tags=[women])
    person.refresh_from_db()
    assert person.position == "总经理"
    assert list(person.tags.all()) == [women]
    assert person.history.latest().history_user == staff2
    with pytest.raises(ValidationError):
        services.change_representative(person=person, actor=staff, birth_year=1700)
    person.refresh_from_db()
    assert person.birth_year is None


def test_a_tags_name_is_unique(staff, women):
    with pytest.raises(ValidationError) as refusal:
        services.add_representative_tag(actor=staff, name=" 女企业家 ")
    assert "已存在" in messages_of(refusal)
    assert RepresentativeTag.objects.count() == 1
    services.rename_representative_tag(tag=women, actor=staff, name="女性企业家")
    women.refresh_from_db()
    assert women.name == "女性企业家"


def test_public_posts_and_trainings_record_who_entered_them(staff, staff2, firm):
    person = services.add_representative(actor=staff, name="王丽", gender="f", enterprise=firm)
    post = services.add_public_post(
        person=person, actor=staff, kind="npc", level="district", title="延庆区人大代表",
        term="第二届", started_on=D(2022, 1, 5),
    )  # fmt: skip
    training = services.add_training(
        person=person, actor=staff, name="理想信念教育", attended_on=D(2025, 5, 20)
    )
    services.change_public_post(post=post, actor=staff2, ended_on=D(2026, 12, 31))
    services.change_training(record=training, actor=staff2, organiser="延庆区工商联")
    post.refresh_from_db()
    training.refresh_from_db()
    assert (post.ended_on, training.organiser) == (D(2026, 12, 31), "延庆区工商联")
    assert [h.history_user for h in post.history.order_by("history_id")] == [staff, staff2]
    assert [h.history_user for h in training.history.order_by("history_id")] == [staff, staff2]

    services.remove_public_post(post=post, actor=staff2)
    assert not PublicPost.objects.exists()
    assert PublicPost.history.latest().history_type == "-"
    assert PublicPost.history.latest().history_user == staff2


def test_public_posts_and_trainings_refuse_bad_dates(staff, firm):
    person = services.add_representative(actor=staff, name="王丽", gender="f", enterprise=firm)
    with pytest.raises(ValidationError) as refusal:
        services.add_public_post(person=person, actor=staff, kind="npc", level="district",
                                 started_on=D(2022, 1, 5), ended_on=D(2021, 1, 1))  # fmt: skip
    assert "社会职务的结束日期不能早于开始日期" in messages_of(refusal)
    with pytest.raises(ValidationError) as refusal:
        services.add_training(person=person, actor=staff, name="培训", attended_on=D(2999, 1, 1))
    assert "attended_on" in refusal.value.message_dict
    assert not PublicPost.objects.exists()
    assert not TrainingRecord.objects.exists()


# --- The admin ------------------------------------------------------------------------------


def inlines(**rows) -> dict:
    data = {}
    for prefix in ("posts", "trainings"):
        count, initial = rows.get(prefix, (0, 0))
        data |= {
            f"{prefix}-TOTAL_FORMS": count, f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000,
        }  # fmt: skip
    return data


def person_data(firm, **fields):
    return {
        "name": "王丽", "gender": "f", "birth_year": "1985", "enterprise": firm.pk,
        "position": "执行董事", "mobile": "", "notes": "", **inlines(), **fields,
    }  # fmt: skip


def test_admin_adds_a_figure_with_its_rows_through_the_services(
    admin_client, superuser, firm, women, monkeypatch
):
    calls = []
    for service in ("add_representative", "add_public_post", "add_training"):
        real = getattr(services, service)
        monkeypatch.setattr(
            services, service, lambda _r=real, _s=service, **kw: calls.append(_s) or _r(**kw)
        )
    add = reverse("admin:members_representativeperson_add")
    page = admin_client.get(add).content.decode()
    assert re.search(r'<input type="hidden" name="submission" value="[0-9a-f-]{36}"', page)
    data = person_data(
        firm, tags=[women.pk], submission=str(uuid.uuid4()),
        **inlines(posts=(1, 0), trainings=(1, 0)),
        **{"posts-0-kind": "npc", "posts-0-level": "district", "posts-0-title": "延庆区人大代表",
           "posts-0-term": "", "posts-0-started_on": "2022-01-05", "posts-0-ended_on": "",
           "trainings-0-name": "理想信念教育", "trainings-0-organiser": "",
           "trainings-0-attended_on": "2025-05-20"},
    )  # fmt: skip
    for _ in range(2):  # sent twice: entered once, its rows too
        response = admin_client.post(add, data)
        assert response.status_code == 302, form_errors(response)
    person = RepresentativePerson.objects.get()
    assert list(person.tags.all()) == [women]
    assert person.posts.get().title == "延庆区人大代表"
    assert person.trainings.get().attended_on == D(2025, 5, 20)
    assert {h.history_user for h in person.history.all()} == {superuser}
    assert person.posts.get().history.get().history_user == superuser
    assert person.trainings.get().history.get().history_user == superuser
    assert calls == ["add_representative", "add_public_post", "add_training"]


def test_admin_changes_and_removes_rows_through_the_services(admin_client, superuser, staff, firm):
    person = services.add_representative(actor=staff, name="王丽", gender="f", enterprise=firm)
    post = services.add_public_post(person=person, actor=staff, kind="npc", level="district",
                                    started_on=D(2022, 1, 5))  # fmt: skip
    training = services.add_training(person=person, actor=staff, name="培训",
                                     attended_on=D(2025, 5, 20))  # fmt: skip
    change = reverse("admin:members_representativeperson_change", args=[person.pk])
    row = {
        "posts-0-id": post.pk, "posts-0-person": person.pk, "posts-0-kind": "npc",
        "posts-0-level": "district", "posts-0-title": "", "posts-0-term": "",
        "posts-0-started_on": "2022-01-05", "posts-0-ended_on": "2026-12-31",
        "trainings-0-id": training.pk, "trainings-0-person": person.pk,
        "trainings-0-name": "培训", "trainings-0-organiser": "", "trainings-0-attended_on":
        "2025-05-20", "trainings-0-DELETE": "on",
    }  # fmt: skip
    data = person_data(firm, position="总经理", **inlines(posts=(1, 1), trainings=(1, 1)), **row)
    response = admin_client.post(change, data)
    assert response.status_code == 302, form_errors(response)
    person.refresh_from_db()
    post.refresh_from_db()
    assert (person.position, post.ended_on) == ("总经理", D(2026, 12, 31))
    assert person.history.latest().history_user == superuser
    assert post.history.latest().history_user == superuser
    assert not TrainingRecord.objects.exists()
    assert TrainingRecord.history.latest().history_user == superuser


def test_admin_shows_refusals_on_the_form_and_its_rows(admin_client, staff, firm):
    services.add_representative(actor=staff, name="王丽", gender="f", enterprise=firm)
    add = reverse("admin:members_representativeperson_add")
    response = admin_client.post(add, person_data(firm))
    assert response.status_code == 200
    assert "北京延庆冰雪运动有限公司的王丽已在代表人士库中" in form_errors(response)

    row = {"posts-0-kind": "npc", "posts-0-level": "district", "posts-0-title": "",
           "posts-0-term": "", "posts-0-started_on": "2022-01-05",
           "posts-0-ended_on": "2021-01-01"}  # fmt: skip
    response = admin_client.post(
        add, person_data(firm, name="李强", **inlines(posts=(1, 0)), **row)
    )
    assert response.status_code == 200
    assert "社会职务的结束日期不能早于开始日期" in form_errors(response)
    assert RepresentativePerson.objects.count() == 1
    assert not PublicPost.objects.exists()


def test_admin_adds_a_tag_through_the_service(admin_client, superuser, women):
    add = reverse("admin:members_representativetag_add")
    response = admin_client.post(add, {"name": "年轻一代"})
    assert response.status_code == 302
    assert RepresentativeTag.objects.get(name="年轻一代").history.get().history_user == superuser
    response = admin_client.post(add, {"name": "女企业家"})
    assert response.status_code == 200
    assert RepresentativeTag.objects.count() == 2


def test_admin_saves_a_tag_sent_back_unchanged(admin_client, women):
    change = reverse("admin:members_representativetag_change", args=[women.pk])
    response = admin_client.post(change, {"name": "女企业家"})
    assert response.status_code == 302
    women.refresh_from_db()
    assert women.name == "女企业家"
    assert women.history.count() == 1  # nothing changed, nothing recorded


def test_a_tags_name_taken_at_the_same_moment_is_refused_with_the_forms_message(
    staff, women, monkeypatch
):
    # As if another tab saved the name between the check and the write.
    monkeypatch.setattr(services, "check_representative_tag", lambda tag: None)
    with pytest.raises(ValidationError) as refusal:
        services.add_representative_tag(actor=staff, name="女企业家")
    assert "name" in refusal.value.message_dict
    assert "已存在" in messages_of(refusal)
    other = services.add_representative_tag(actor=staff, name="年轻一代")
    with pytest.raises(ValidationError) as refusal:
        services.rename_representative_tag(tag=other, actor=staff, name="女企业家")
    assert "已存在" in messages_of(refusal)
    other.refresh_from_db()
    assert other.name == "年轻一代"
    assert RepresentativeTag.objects.count() == 2


def test_rules_hold_up_only_the_changes_they_are_about(staff, staff2, firm):
    # Entered before the rules: two figures of one name at one firm, an implausible year.
    old = RepresentativePerson.objects.create(name="王丽", gender="f", enterprise=firm,
                                              birth_year=1850)  # fmt: skip
    RepresentativePerson.objects.create(name="王丽", gender="f", enterprise=firm)
    services.change_representative(person=old, actor=staff2, position="总经理")
    old.refresh_from_db()
    assert (old.position, old.history.latest().history_user) == ("总经理", staff2)

    with pytest.raises(ValidationError) as refusal:
        services.change_representative(person=old, actor=staff, birth_year=1851)
    assert "请输入1900至" in messages_of(refusal)
    other = services.add_representative(actor=staff, name="李强", gender="m", enterprise=firm)
    with pytest.raises(ValidationError) as refusal:
        services.change_representative(person=other, actor=staff, name="王丽")
    assert "已在代表人士库中" in messages_of(refusal)
    old.refresh_from_db()
    other.refresh_from_db()
    assert (old.birth_year, other.name) == (1850, "李强")

    post = PublicPost.objects.create(person=old, kind="npc", level="district",
                                     started_on=D(2022, 1, 5), ended_on=D(2021, 1, 1))  # fmt: skip
    services.change_public_post(post=post, actor=staff, title="延庆区人大代表")
    with pytest.raises(ValidationError):
        services.change_public_post(post=post, actor=staff, ended_on=D(2021, 6, 1))
    post.refresh_from_db()
    assert (post.title, post.ended_on) == ("延庆区人大代表", D(2021, 1, 1))


def test_admin_edits_an_older_figure_whose_rows_break_a_later_rule(admin_client, superuser, firm):
    person = RepresentativePerson.objects.create(name="王丽", gender="f", enterprise=firm)
    RepresentativePerson.objects.create(name="王丽", gender="f", enterprise=firm)
    post = PublicPost.objects.create(person=person, kind="npc", level="district",
                                     started_on=D(2022, 1, 5), ended_on=D(2021, 1, 1))  # fmt: skip
    row = {
        "posts-0-id": post.pk, "posts-0-person": person.pk, "posts-0-kind": "npc",
        "posts-0-level": "district", "posts-0-title": "", "posts-0-term": "",
        "posts-0-started_on": "2022-01-05", "posts-0-ended_on": "2021-01-01",
    }  # fmt: skip
    change = reverse("admin:members_representativeperson_change", args=[person.pk])
    data = person_data(firm, birth_year="", position="总经理", **inlines(posts=(1, 1)), **row)
    response = admin_client.post(change, data)
    assert response.status_code == 302, form_errors(response)
    person.refresh_from_db()
    assert person.position == "总经理"
    assert person.history.latest().history_user == superuser


def test_admin_removes_figures_and_tags_through_the_services(admin_client, superuser, staff, firm,
                                                             women):  # fmt: skip
    person = services.add_representative(actor=staff, name="王丽", gender="f", enterprise=firm,
                                         tags=[women])  # fmt: skip
    services.add_public_post(person=person, actor=staff, kind="npc", level="district")
    services.add_training(person=person, actor=staff, name="培训", attended_on=D(2025, 5, 20))
    kept = services.add_representative(actor=staff, name="李强", gender="m", tags=[women])

    response = admin_client.post(
        reverse("admin:members_representativetag_delete", args=[women.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not RepresentativeTag.objects.exists()
    assert RepresentativeTag.history.latest().history_user == superuser
    kept.refresh_from_db()
    assert not kept.tags.exists()
    assert kept.history.latest().history_user == superuser

    response = admin_client.post(
        reverse("admin:members_representativeperson_changelist"),
        {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(RepresentativePerson.objects.all()) == [kept]
    for model in (RepresentativePerson, PublicPost, TrainingRecord):
        last = model.history.latest()
        assert (last.history_type, last.history_user) == ("-", superuser)


def test_the_secretariat_keeps_a_figures_posts_and_trainings_on_its_page(secretary, firm):
    person = services.add_representative(actor=secretary, name="王丽", gender="f",
                                         enterprise=firm)  # fmt: skip
    client = client_for(secretary)
    change = reverse("admin:members_representativeperson_change", args=[person.pk])
    page = client.get(change).content.decode()
    assert 'name="posts-TOTAL_FORMS"' in page
    assert 'name="trainings-TOTAL_FORMS"' in page
    row = {"posts-0-kind": "npc", "posts-0-level": "district", "posts-0-title": "延庆区人大代表",
           "posts-0-term": "", "posts-0-started_on": "2022-01-05",
           "posts-0-ended_on": ""}  # fmt: skip
    response = client.post(change, person_data(firm, birth_year="", position="",
                                               **inlines(posts=(1, 0)), **row))  # fmt: skip
    assert response.status_code == 302, form_errors(response)
    post = person.posts.get()
    assert post.title == "延庆区人大代表"
    assert post.history.get().history_user == secretary

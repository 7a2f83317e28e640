"""Four-good evaluations and secondments: recorded and corrected through chambers.services, by
the admin's add and change pages too; each refusal is a message and changes nothing."""

import datetime
import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chambers import services
from chambers.models import DutyMonth, FourGoodEvaluation, Organization, Secondment
from tests.chambers.factories import FourGoodEvaluationFactory, OrganizationFactory
from tests.conftest import client_for
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
Kind, Rating = Organization.Kind, FourGoodEvaluation.Rating
GOOD = {
    "political_guidance": Rating.GOOD, "team_building": Rating.GOOD, "service": Rating.GOOD,
    "self_discipline": Rating.GOOD,
}  # fmt: skip


def messages_of(refusal: pytest.ExceptionInfo) -> str:
    return " ".join(refusal.value.messages)


def form_errors(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(m) for messages in form.errors.values() for m in messages)


@pytest.fixture
def chamber(db):
    return OrganizationFactory(slug="bingxue", name="延庆区冰雪产业商会", founded_on=D(2019, 6, 1))


# --- Four-good evaluations --------------------------------------------------------------------


def test_record_evaluation_records_who_recorded_it(staff, chamber):
    evaluation = services.record_evaluation(
        organization=chamber, actor=staff, year=2024, level="district", awarded=True, **GOOD
    )
    evaluation.refresh_from_db()
    assert (evaluation.organization, evaluation.year, evaluation.awarded) == (chamber, 2024, True)
    assert evaluation.history.get().history_user == staff


@pytest.mark.parametrize(
    ("organization", "fields", "message"),
    [
        ("federation", {"year": 2024}, "只有商会、协会和专项工作组参加“四好”商会评价"),
        ("friendly", {"year": 2024}, "只有商会、协会和专项工作组参加“四好”商会评价"),
        ("chamber", {"year": 2018}, "延庆区冰雪产业商会成立于2019年"),
        ("chamber", {"year": 2999}, "评价年度尚未开始"),
        ("chamber", {"year": 2024, "political_guidance": "great"}, "不是有效选项"),
    ],
)
def test_record_evaluation_refuses(staff, chamber, federation, organization, fields, message):
    org = {
        "chamber": chamber,
        "federation": federation,
        "friendly": OrganizationFactory(kind=Kind.FRIENDLY),
    }[organization]
    with pytest.raises(ValidationError) as refusal:
        services.record_evaluation(
            organization=org, actor=staff, level="district", **(GOOD | fields)
        )
    assert message in messages_of(refusal)
    assert not FourGoodEvaluation.objects.exists()
    assert not FourGoodEvaluation.history.exists()


def test_one_evaluation_per_year_and_level(staff, chamber):
    services.record_evaluation(organization=chamber, actor=staff, year=2024, level="district",
                               **GOOD)  # fmt: skip
    with pytest.raises(ValidationError) as refusal:
        services.record_evaluation(organization=chamber, actor=staff, year=2024,
                                   level="district", **GOOD)  # fmt: skip
    assert "延庆区冰雪产业商会已有2024年度的区级评价" in messages_of(refusal)
    assert FourGoodEvaluation.objects.count() == 1
    # Another level of the same year is another evaluation.
    services.record_evaluation(organization=chamber, actor=staff, year=2024, level="municipal",
                               **GOOD)  # fmt: skip
    assert FourGoodEvaluation.objects.count() == 2


def test_change_evaluation_records_the_change_and_refuses_a_duplicate(staff, staff2, chamber):
    first = FourGoodEvaluationFactory(organization=chamber, year=2023)
    second = FourGoodEvaluationFactory(organization=chamber, year=2024, awarded=False)
    services.change_evaluation(evaluation=second, actor=staff2, awarded=True, notes="复评")
    second.refresh_from_db()
    assert (second.awarded, second.notes) == (True, "复评")
    assert second.history.latest().history_user == staff2

    with pytest.raises(ValidationError) as refusal:
        services.change_evaluation(evaluation=second, actor=staff, year=2023)
    assert "已有2023年度的区级评价" in messages_of(refusal)
    second.refresh_from_db()
    assert second.year == 2024
    first.refresh_from_db()
    assert first.year == 2023


def evaluation_data(organization, **fields):
    return {
        "organization": organization.pk, "year": 2024, "level": "district",
        "political_guidance": "good", "team_building": "good", "service": "good",
        "self_discipline": "fair", "awarded": "", "notes": "", **fields,
    }  # fmt: skip


def test_admin_records_and_changes_an_evaluation_through_the_service(
    admin_client, superuser, chamber, monkeypatch
):
    calls = []
    for service in ("record_evaluation", "change_evaluation"):
        real = getattr(services, service)
        monkeypatch.setattr(
            services, service, lambda _r=real, _s=service, **kw: calls.append(_s) or _r(**kw)
        )
    add = reverse("admin:chambers_fourgoodevaluation_add")
    page = admin_client.get(add).content.decode()
    assert re.search(r'<input type="hidden" name="submission" value="[0-9a-f-]{36}"', page)
    data = evaluation_data(chamber, submission=str(uuid.uuid4()))
    for _ in range(2):  # sent twice: recorded once
        response = admin_client.post(add, data)
        assert response.status_code == 302, form_errors(response)
    evaluation = FourGoodEvaluation.objects.get()
    assert (evaluation.organization, evaluation.self_discipline) == (chamber, "fair")
    assert evaluation.history.get().history_user == superuser

    change = reverse("admin:chambers_fourgoodevaluation_change", args=[evaluation.pk])
    response = admin_client.post(change, evaluation_data(chamber, awarded="on"))
    assert response.status_code == 302, form_errors(response)
    evaluation.refresh_from_db()
    assert evaluation.awarded
    assert evaluation.history.latest().history_user == superuser
    assert calls == ["record_evaluation", "change_evaluation"]


def test_admin_shows_an_evaluations_refusal_on_the_form(admin_client, chamber):
    FourGoodEvaluationFactory(organization=chamber, year=2024)
    add = reverse("admin:chambers_fourgoodevaluation_add")
    response = admin_client.post(add, evaluation_data(chamber))
    assert response.status_code == 200
    assert "延庆区冰雪产业商会已有2024年度的区级评价" in form_errors(response)
    response = admin_client.post(add, evaluation_data(chamber, year=2018))
    assert response.status_code == 200
    assert "延庆区冰雪产业商会成立于2019年" in form_errors(response)
    assert FourGoodEvaluation.objects.count() == 1


def test_the_organisation_page_lists_evaluations_without_changing_them(admin_client, chamber):
    FourGoodEvaluationFactory(organization=chamber)
    page = admin_client.get(reverse("admin:chambers_organization_change", args=[chamber.pk]))
    assert page.status_code == 200
    assert "evaluations-0-year" not in page.content.decode()


def test_an_older_evaluation_is_changed_by_the_rules_about_what_changes(staff, chamber, federation):
    # Entered before the rules: the federation's own, and one from before the chamber began.
    own = FourGoodEvaluationFactory(organization=federation, year=2024, awarded=False)
    early = FourGoodEvaluationFactory(organization=chamber, year=2018, awarded=False)
    services.change_evaluation(evaluation=own, actor=staff, notes="存档")
    services.change_evaluation(evaluation=early, actor=staff, awarded=True)
    own.refresh_from_db()
    early.refresh_from_db()
    assert (own.notes, early.awarded) == ("存档", True)

    with pytest.raises(ValidationError) as refusal:
        services.change_evaluation(evaluation=early, actor=staff, year=2017)
    assert "延庆区冰雪产业商会成立于2019年" in messages_of(refusal)
    early.refresh_from_db()
    assert early.year == 2018


def test_an_evaluation_entered_against_the_wrong_chamber_is_moved_to_the_right_one(
    admin_client, superuser, staff, chamber, federation
):
    other = OrganizationFactory(slug="lvyou", name="延庆区旅游商会", founded_on=D(2021, 3, 1))
    wrong = services.record_evaluation(organization=other, actor=staff, year=2024,
                                       level="district", **GOOD)  # fmt: skip
    change = reverse("admin:chambers_fourgoodevaluation_change", args=[wrong.pk])
    response = admin_client.post(change, evaluation_data(federation))
    assert response.status_code == 200
    assert "只有商会、协会和专项工作组参加“四好”商会评价" in form_errors(response)
    with pytest.raises(ValidationError):
        services.change_evaluation(evaluation=wrong, actor=staff, organization=federation)
    wrong.refresh_from_db()
    assert wrong.organization == other
    FourGoodEvaluationFactory(organization=chamber, year=2024, level="municipal")
    response = admin_client.post(change, evaluation_data(chamber))
    assert response.status_code == 302, form_errors(response)
    wrong.refresh_from_db()
    assert wrong.organization == chamber
    last = wrong.history.latest()
    assert (last.history_user, last.prev_record.organization) == (superuser, other)
    # A chamber's evaluation of a year and level stays one, moved or not.
    again = services.record_evaluation(organization=other, actor=staff, year=2024,
                                       level="municipal", **GOOD)  # fmt: skip
    with pytest.raises(ValidationError) as refusal:
        services.change_evaluation(evaluation=again, actor=staff, organization=chamber)
    assert "延庆区冰雪产业商会已有2024年度的市级评价" in messages_of(refusal)
    again.refresh_from_db()
    assert again.organization == other


# --- Secondments ------------------------------------------------------------------------------


@pytest.fixture
def april(leaders):
    return DutyMonth.objects.create(month=D(2026, 4, 1), chair=leaders[1])


def test_add_secondment_records_who_added_it(staff, april):
    firm, account = EnterpriseFactory(), UserFactory(real_name="王挂职")
    secondment = services.add_secondment(
        duty_month=april, actor=staff, person_name="王挂职", user=account, enterprise=firm,
        role="会员服务部", starts_on=D(2026, 4, 1), ends_on=D(2026, 4, 30),
    )  # fmt: skip
    secondment.refresh_from_db()
    assert (secondment.duty_month, secondment.user, secondment.enterprise) == (april, account, firm)
    assert secondment.history.get().history_user == staff


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ((D(2026, 3, 30), D(2026, 4, 10)), "挂职日期须在所属轮值月份2026年4月之内"),
        ((D(2026, 4, 20), D(2026, 5, 2)), "挂职日期须在所属轮值月份2026年4月之内"),
        ((D(2026, 4, 20), D(2026, 4, 10)), "挂职的结束日期不能早于开始日期"),
    ],
)
def test_a_secondment_lies_within_its_month(staff, april, dates, message):
    starts_on, ends_on = dates
    with pytest.raises(ValidationError) as refusal:
        services.add_secondment(duty_month=april, actor=staff, person_name="王挂职",
                                starts_on=starts_on, ends_on=ends_on)  # fmt: skip
    assert message in messages_of(refusal)
    assert not Secondment.objects.exists()
    assert not Secondment.history.exists()


def test_an_account_is_seconded_once_at_a_time_and_must_be_active(staff, april):
    account = UserFactory(real_name="王挂职")
    services.add_secondment(duty_month=april, actor=staff, person_name="王挂职", user=account,
                            starts_on=D(2026, 4, 1), ends_on=D(2026, 4, 15))  # fmt: skip
    with pytest.raises(ValidationError) as refusal:
        services.add_secondment(duty_month=april, actor=staff, person_name="王挂职",
                                user=account, starts_on=D(2026, 4, 10),
                                ends_on=D(2026, 4, 20))  # fmt: skip
    assert "王挂职自2026年4月1日起已在2026年4月挂职" in messages_of(refusal)
    # After the first ends, the same account may be seconded again.
    services.add_secondment(duty_month=april, actor=staff, person_name="王挂职", user=account,
                            starts_on=D(2026, 4, 16), ends_on=D(2026, 4, 30))  # fmt: skip
    gone = UserFactory(real_name="离职者", is_active=False)
    with pytest.raises(ValidationError) as refusal:
        services.add_secondment(duty_month=april, actor=staff, person_name="离职者", user=gone,
                                starts_on=D(2026, 4, 1), ends_on=D(2026, 4, 30))  # fmt: skip
    assert "离职者的账号已停用" in messages_of(refusal)
    assert Secondment.objects.count() == 2


def test_change_secondment_shortens_it_and_keeps_it_in_its_month(staff, staff2, april):
    secondment = services.add_secondment(
        duty_month=april, actor=staff, person_name="王挂职", starts_on=D(2026, 4, 1),
        ends_on=D(2026, 4, 30),
    )  # fmt: skip
    services.change_secondment(secondment=secondment, actor=staff2, ends_on=D(2026, 4, 17))
    secondment.refresh_from_db()
    assert secondment.ends_on == D(2026, 4, 17)
    assert secondment.history.latest().history_user == staff2
    with pytest.raises(ValidationError):
        services.change_secondment(secondment=secondment, actor=staff, ends_on=D(2026, 5, 3))
    secondment.refresh_from_db()
    assert secondment.ends_on == D(2026, 4, 17)
    assert secondment.history.count() == 2


def secondment_data(duty_month, **fields):
    return {
        "duty_month": duty_month.pk, "person_name": "王挂职", "user": "", "enterprise": "",
        "role": "会员服务部", "starts_on": "2026-04-01", "ends_on": "2026-04-30", **fields,
    }  # fmt: skip


def test_admin_adds_and_changes_a_secondment_through_the_service(
    admin_client, superuser, april, monkeypatch
):
    calls = []
    for service in ("add_secondment", "change_secondment"):
        real = getattr(services, service)
        monkeypatch.setattr(
            services, service, lambda _r=real, _s=service, **kw: calls.append(_s) or _r(**kw)
        )
    add = reverse("admin:chambers_secondment_add")
    page = admin_client.get(add).content.decode()
    assert re.search(r'<input type="hidden" name="submission" value="[0-9a-f-]{36}"', page)
    response = admin_client.post(add, secondment_data(april))
    assert response.status_code == 302, form_errors(response)
    secondment = Secondment.objects.get()
    assert secondment.duty_month == april
    assert secondment.history.get().history_user == superuser

    change = reverse("admin:chambers_secondment_change", args=[secondment.pk])
    response = admin_client.post(change, secondment_data(april, ends_on="2026-04-10"))
    assert response.status_code == 302, form_errors(response)
    secondment.refresh_from_db()
    assert secondment.ends_on == D(2026, 4, 10)
    assert secondment.history.latest().history_user == superuser
    assert calls == ["add_secondment", "change_secondment"]


def test_admin_shows_a_secondments_refusal_on_the_form(admin_client, april):
    add = reverse("admin:chambers_secondment_add")
    response = admin_client.post(add, secondment_data(april, ends_on="2026-05-06"))
    assert response.status_code == 200
    assert "挂职日期须在所属轮值月份2026年4月之内（2026年4月1日至2026年4月30日）" in form_errors(
        response
    )
    assert not Secondment.objects.exists()


def test_the_duty_month_page_lists_secondments_without_changing_them(admin_client, staff, april):
    services.add_secondment(duty_month=april, actor=staff, person_name="王挂职",
                            starts_on=D(2026, 4, 1), ends_on=D(2026, 4, 30))  # fmt: skip
    page = admin_client.get(reverse("admin:chambers_dutymonth_change", args=[april.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "王挂职" in content
    assert "secondments-0-person_name" not in content


def test_a_secondment_is_changed_by_the_rules_about_what_changes(staff, april):
    gone = UserFactory(real_name="离职者")
    secondment = services.add_secondment(
        duty_month=april, actor=staff, person_name="离职者", user=gone,
        starts_on=D(2026, 4, 1), ends_on=D(2026, 4, 15),
    )  # fmt: skip
    gone.is_active = False
    gone.save()
    services.change_secondment(secondment=secondment, actor=staff, role="会员服务部")
    secondment.refresh_from_db()
    assert secondment.role == "会员服务部"

    other = services.add_secondment(duty_month=april, actor=staff, person_name="王挂职",
                                    starts_on=D(2026, 4, 16), ends_on=D(2026, 4, 30))  # fmt: skip
    with pytest.raises(ValidationError) as refusal:
        services.change_secondment(secondment=other, actor=staff, user=gone)
    assert "离职者的账号已停用" in messages_of(refusal)
    other.refresh_from_db()
    assert other.user is None
    assert other.history.count() == 1


def test_a_secondment_entered_in_the_wrong_month_is_moved_to_the_right_one(
    admin_client, superuser, staff, april
):
    may = DutyMonth.objects.create(month=D(2026, 5, 1), chair=april.chair)
    secondment = services.add_secondment(
        duty_month=april, actor=staff, person_name="王挂职", starts_on=D(2026, 4, 1),
        ends_on=D(2026, 4, 30),
    )  # fmt: skip
    change = reverse("admin:chambers_secondment_change", args=[secondment.pk])
    response = admin_client.post(change, secondment_data(may))  # its April dates
    assert response.status_code == 200
    assert "挂职日期须在所属轮值月份2026年5月之内" in form_errors(response)
    secondment.refresh_from_db()
    assert secondment.duty_month == april

    response = admin_client.post(
        change, secondment_data(may, starts_on="2026-05-01", ends_on="2026-05-31")
    )
    assert response.status_code == 302, form_errors(response)
    secondment.refresh_from_db()
    assert (secondment.duty_month, secondment.starts_on) == (may, D(2026, 5, 1))
    last = secondment.history.latest()
    assert (last.history_user, last.prev_record.duty_month) == (superuser, april)


def test_secondments_stay_the_superusers(secretary, staff, april):
    secondment = services.add_secondment(
        duty_month=april, actor=staff, person_name="王挂职", starts_on=D(2026, 4, 1),
        ends_on=D(2026, 4, 30),
    )  # fmt: skip
    assert not {"chambers.add_secondment", "chambers.change_secondment",
                "chambers.delete_secondment"} & secretary.get_all_permissions()  # fmt: skip
    client = client_for(secretary)
    add = reverse("admin:chambers_secondment_add")
    change = reverse("admin:chambers_secondment_change", args=[secondment.pk])
    assert client.get(add).status_code == 403
    assert client.post(add, secondment_data(april, person_name="李挂职")).status_code == 403
    assert client.get(change).status_code == 200  # read-only
    assert client.post(change, secondment_data(april, user=secretary.pk)).status_code == 403
    secondment.refresh_from_db()
    assert (secondment.user, Secondment.objects.count()) == (None, 1)
    assert secondment.history.count() == 1

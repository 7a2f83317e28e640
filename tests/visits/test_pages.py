"""Staff's visit pages: plan, record, the visit's page with its problems found and their
petitions, cancel, the list with its filters; what a refused or wrong sending leaves."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from chambers.models import DutyLogEntry, DutyMonth
from petitions.models import Petition
from tests.chambers.factories import OrganizationFactory
from tests.conftest import empty_caches
from tests.factories import EnterpriseFactory
from tests.visits.factories import DoneVisitFactory, FindingFactory, VisitFactory, days
from visits.models import Finding, Visit

pytestmark = pytest.mark.django_db


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def token(client, url):
    html = client.get(url).content.decode()
    return re.search(r'name="submission" value="([0-9a-f-]{36})"', html).group(1)


def test_staff_plan_a_visit_once_however_often_the_form_is_sent(
    staff_client, staff, enterprise_a, enterprise_b, english
):
    chamber = OrganizationFactory(name="延庆区旅游商会")
    url = reverse("visits:plan")
    data = {
        "submission": token(staff_client, url),
        "planned_on": days(7).isoformat(),
        "purpose": "了解冬奥后续经营情况",
        "enterprises": f"{enterprise_a.name}\n{enterprise_b.credit_code}",
        "organizations": [chamber.pk],
        "visitors": [staff.pk],
        "other_visitors": "赵主席",
    }
    answers = [staff_client.post(url, data) for _ in range(3)]

    visit = Visit.objects.get()
    assert {a.status_code for a in answers} == {302}
    assert {a.url for a in answers} == {reverse("visits:detail", args=[visit.public_id])}
    assert set(visit.enterprises.all()) == {enterprise_a, enterprise_b}
    assert list(visit.organizations.all()) == [chamber]
    assert list(visit.visitors.all()) == [staff]
    html = staff_client.get(answers[0].url).content.decode()
    assert enterprise_a.name in html and "延庆区旅游商会" in html and "赵主席" in html


def test_a_plan_without_anyone_to_visit_is_answered_in_the_form(staff_client):
    url = reverse("visits:plan")
    response = staff_client.post(url, {"planned_on": days(7).isoformat(), "enterprises": ""})
    assert response.status_code == 200
    assert "请至少选择一家企业或一个商会。" in response.content.decode()
    assert not Visit.objects.exists()


def test_an_unknown_enterprise_or_a_bad_date_is_answered_in_the_form(staff_client, english):
    url = reverse("visits:plan")
    response = staff_client.post(url, {"planned_on": "20266-01-01", "enterprises": "不存在的公司"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No enterprise has this credit code or name." in html
    assert "Enter a valid date." in html
    assert not Visit.objects.exists()


@pytest.fixture
def entry(leader):
    month = DutyMonth.objects.create(month=days(0).replace(day=1), chair=leader)
    return DutyLogEntry.objects.create(
        duty_month=month, author=leader, day=days(0), kind="visit", text="走访康庄镇会员企业"
    )


def test_staff_record_a_visit_with_its_duty_log_entry(staff_client, staff, enterprise_a, entry):
    visit = VisitFactory(planned_on=days(0), enterprises=[enterprise_a])
    url = reverse("visits:record", args=[visit.public_id])
    assert "走访康庄镇会员企业" in staff_client.get(url).content.decode()  # offered
    response = staff_client.post(
        url,
        {
            "done_on": days(0).isoformat(),
            "met": "总经理",
            "found": "经营平稳。",
            "visitors": [staff.pk],
            "duty_log_entry": entry.pk,
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.DONE and visit.duty_log_entry == entry
    html = staff_client.get(response.url).content.decode()
    assert 'id="visit-duty-log"' in html and "经营平稳。" in html


def test_a_visit_recorded_ahead_of_the_day_is_answered_in_the_form(staff_client, english):
    visit = VisitFactory(enterprises=[EnterpriseFactory()])
    url = reverse("visits:record", args=[visit.public_id])
    response = staff_client.post(url, {"done_on": days(2).isoformat()})
    assert response.status_code == 200
    assert "The date cannot be later than today" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.PLANNED and visit.done_on is None


def test_staff_add_a_problem_and_turn_it_into_a_petition(staff_client, enterprise_a, english):
    visit = DoneVisitFactory(enterprises=[enterprise_a])
    detail = reverse("visits:detail", args=[visit.public_id])
    response = staff_client.post(
        reverse("visits:finding_add", args=[visit.public_id]),
        {"submission": token(staff_client, detail), "enterprise": enterprise_a.pk,
         "text": "厂区道路年久失修。"},
    )  # fmt: skip
    assert response.status_code == 302 and response.url == detail
    finding = Finding.objects.get()
    assert finding.enterprise == enterprise_a

    html = staff_client.get(detail).content.decode()
    assert "Turn into a petition" in html
    url = reverse("visits:finding_petition", args=[visit.public_id, finding.pk])
    first = staff_client.post(url, {f"finding-{finding.pk}-category": "utilities"})
    second = staff_client.post(url, {f"finding-{finding.pk}-category": "other"})

    petition = Petition.objects.get()
    assert first.url == second.url == detail
    assert petition.category == "utilities"
    finding.refresh_from_db()
    assert finding.petition == petition
    page = staff_client.get(detail)
    html = page.content.decode()
    assert f'href="{reverse("petitions:detail", args=[petition.public_id])}"' in html
    assert petition.tracking_number in html
    assert f"Recorded as {petition.tracking_number}." in said(first)
    assert f"Already recorded as {petition.tracking_number}." in said(second)


def test_the_petition_reads_its_channel_as_a_visit(staff_client, staff):
    finding = FindingFactory()
    url = reverse("visits:finding_petition", args=[finding.visit.public_id, finding.pk])
    staff_client.post(url, {f"finding-{finding.pk}-category": "financing"})
    petition = Petition.objects.get()
    html = staff_client.get(reverse("petitions:detail", args=[petition.public_id])).content
    assert "走访调研" in html.decode()


def test_a_problem_of_an_enterprise_not_visited_adds_nothing(staff_client, enterprise_a):
    visit = DoneVisitFactory(enterprises=[enterprise_a])
    other = EnterpriseFactory()
    response = staff_client.post(
        reverse("visits:finding_add", args=[visit.public_id]),
        {"enterprise": other.pk, "text": "融资难"},
    )
    assert response.status_code == 302
    assert not Finding.objects.exists()


def test_a_problem_is_not_added_to_a_planned_visit(staff_client, enterprise_a):
    visit = VisitFactory(enterprises=[enterprise_a])
    html = staff_client.get(reverse("visits:detail", args=[visit.public_id])).content.decode()
    assert 'id="finding-form"' not in html
    staff_client.post(
        reverse("visits:finding_add", args=[visit.public_id]),
        {"enterprise": enterprise_a.pk, "text": "融资难"},
    )
    assert not Finding.objects.exists()


def test_another_visits_problem_is_not_found(staff_client):
    finding = FindingFactory()
    other = DoneVisitFactory(enterprises=[finding.enterprise])
    url = reverse("visits:finding_petition", args=[other.public_id, finding.pk])
    assert staff_client.post(url, {f"finding-{finding.pk}-category": "other"}).status_code == 404
    assert not Petition.objects.exists()


def test_staff_cancel_a_planned_visit_not_a_visit_made(staff_client, english):
    planned = VisitFactory(enterprises=[EnterpriseFactory()])
    done = DoneVisitFactory(enterprises=[EnterpriseFactory()])
    staff_client.post(reverse("visits:cancel", args=[planned.public_id]), {"reason": "企业停产"})
    response = staff_client.post(reverse("visits:cancel", args=[done.public_id]), {"reason": "x"})
    assert "Only a planned visit can be cancelled." in said(response)
    planned.refresh_from_db()
    done.refresh_from_db()
    assert planned.status == Visit.Status.CANCELLED and planned.cancel_reason == "企业停产"
    assert done.status == Visit.Status.DONE and done.cancel_reason == ""
    response = staff_client.get(reverse("visits:record", args=[planned.public_id]))
    assert response.status_code == 302  # a cancelled visit is not recorded


def test_the_list_filters_by_status_and_year(staff_client, english):
    this_year = days(0).year
    done = DoneVisitFactory(planned_on=days(-1), enterprises=[EnterpriseFactory(name="甲公司")])
    old = DoneVisitFactory(
        planned_on=days(-1).replace(year=this_year - 2),
        enterprises=[EnterpriseFactory(name="乙公司")],
    )
    VisitFactory(enterprises=[EnterpriseFactory(name="丙公司")])
    url = reverse("visits:list")

    def names(query):
        html = staff_client.get(f"{url}?{query}").content.decode()
        return {name for name in ("甲公司", "乙公司", "丙公司") if name in html}

    assert names("") == {"甲公司", "乙公司", "丙公司"}
    assert names("status=done") == {"甲公司", "乙公司"}
    assert names(f"status=done&year={old.done_on.year}") == {"乙公司"}
    assert names(f"year={done.done_on.year - 2}&status=planned") == set()
    response = staff_client.get(f"{url}?year=abc")
    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()
    assert names("year=abc") == set()


def test_the_list_costs_the_same_queries_for_3_and_30_visits(
    staff_client, staff, django_assert_num_queries, django_assert_max_num_queries
):
    def make(n):
        for _ in range(n):
            visit = DoneVisitFactory(
                enterprises=[EnterpriseFactory(), EnterpriseFactory()],
                organizations=[OrganizationFactory()],
                visitors=[staff],
            )
            FindingFactory(visit=visit)

    make(3)
    url = reverse("visits:list")
    empty_caches()
    with django_assert_max_num_queries(15) as few:
        html = staff_client.get(url).content.decode()
    assert html.count("/visits/") >= 3
    make(27)
    empty_caches()
    with django_assert_num_queries(len(few.captured_queries)):
        assert staff_client.get(url).status_code == 200


def test_the_visit_page_costs_the_same_queries_for_1_and_10_problems(
    staff_client, django_assert_num_queries, django_assert_max_num_queries
):
    visit = DoneVisitFactory(
        enterprises=[EnterpriseFactory()], organizations=[OrganizationFactory()]
    )
    FindingFactory(visit=visit)
    url = reverse("visits:detail", args=[visit.public_id])
    empty_caches()
    with django_assert_max_num_queries(20) as few:
        assert staff_client.get(url).status_code == 200
    for _ in range(9):
        FindingFactory(visit=visit)
    empty_caches()
    with django_assert_num_queries(len(few.captured_queries)):
        assert staff_client.get(url).status_code == 200


def test_staff_reach_visits_from_the_secretariat_menu(staff_client, client_a):
    link = f'href="{reverse("visits:list")}" id="visits-menu-link"'
    assert link in staff_client.get(reverse("home")).content.decode()
    assert link not in client_a.get(reverse("home")).content.decode()
    assert "走访调研" in staff_client.get(reverse("home")).content.decode()

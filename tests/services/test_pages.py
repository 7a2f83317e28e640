"""The pages: staff's list, form and a service's page; a chamber's; an enterprise's services
received and its rating."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services import services
from services.models import ServiceRecipient, ServiceRecord
from tests.chambers.factories import AffiliationFactory, OrganizationFactory
from tests.conftest import client_for, empty_caches
from tests.factories import EnterpriseFactory
from tests.services.conftest import field, record

pytestmark = pytest.mark.django_db
Rating = ServiceRecipient.Rating


def test_staff_record_a_service_for_several_enterprises_one_a_line(
    staff_client, staff, enterprise_a, enterprise_b
):
    response = staff_client.post(
        reverse("services:new"),
        {
            "enterprises": f"{enterprise_a.name}\n{enterprise_b.credit_code}\n",
            "field": "finance",
            "what": "银企对接会",
            "given_on": "2025-09-10",
            "staff_member": staff.pk,
            "loan_yuan": "2000000",
            "bank": "延庆农商银行",
        },
    )

    service = ServiceRecord.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("services:detail", args=[service.public_id])
    assert service.field.code == "finance"
    assert service.loan_yuan == 2000000
    assert set(service.recipients.values_list("enterprise", flat=True)) == {
        enterprise_a.pk, enterprise_b.pk
    }  # fmt: skip
    page = staff_client.get(response.url).content.decode()
    assert enterprise_a.name in page and enterprise_b.name in page
    assert "银企对接会" in page


def test_an_unknown_enterprise_is_named_in_chinese_and_nothing_is_saved(staff_client, staff):
    response = staff_client.post(
        reverse("services:new"),
        {
            "enterprises": "没有这家公司",
            "field": "policy",
            "what": "政策解读",
            "given_on": "2025-09-10",
            "staff_member": staff.pk,
        },
    )

    assert response.status_code == 200
    assert "没有这家公司: 没有与该统一社会信用代码或名称对应的企业。" in response.content.decode()
    assert not ServiceRecord.objects.exists()


def test_a_loan_on_a_legal_service_is_refused_on_its_field(staff_client, staff, enterprise_a):
    response = staff_client.post(
        reverse("services:new"),
        {
            "enterprises": enterprise_a.name,
            "field": "legal",
            "what": "法律咨询",
            "given_on": "2025-09-10",
            "staff_member": staff.pk,
            "loan_yuan": "100",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["loan_yuan"]
    assert not ServiceRecord.objects.exists()


def test_the_list_filters_by_field_and_year(staff_client, staff, enterprise_a):
    record(staff, [enterprise_a], what="2024年政策宣讲", given_on=datetime.date(2024, 3, 1))
    record(staff, [enterprise_a], what="2025年政策宣讲", given_on=datetime.date(2025, 3, 1))
    record(staff, [enterprise_a], field=field("talent"), what="招聘会", people_placed=3)

    def shown(query):
        return {r.what for r in staff_client.get(f"/services/?{query}").context["records"]}

    assert shown("") == {"2024年政策宣讲", "2025年政策宣讲", "招聘会"}
    assert shown("field=policy&year=2025") == {"2025年政策宣讲"}
    assert shown("field=talent") == {"招聘会"}


def test_a_bad_filter_is_reported_and_lists_nothing(staff_client, staff, enterprise_a):
    record(staff, [enterprise_a])
    response = staff_client.get("/services/?year=abc")
    assert response.status_code == 200
    assert not list(response.context["records"])
    assert response.context["form"].errors["year"]


def test_the_list_costs_the_same_queries_for_3_and_30_services(
    staff_client, staff, django_assert_num_queries
):
    def make(n):
        for _ in range(n):
            record(staff, [EnterpriseFactory(), EnterpriseFactory()], partner=None)

    make(3)
    empty_caches()
    with CaptureQueriesContext(connection) as few:
        assert len(staff_client.get("/services/").context["records"]) == 3
    make(27)
    empty_caches()
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(staff_client.get("/services/").context["records"]) == 30


def test_services_received_costs_the_same_queries_for_3_and_30(
    client_a, staff, enterprise_a, django_assert_num_queries
):
    def make(n):
        for _ in range(n):
            record(staff, [enterprise_a])

    make(3)
    empty_caches()
    with CaptureQueriesContext(connection) as few:
        assert len(client_a.get("/services/mine/").context["received"]) == 3
    make(27)
    empty_caches()
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client_a.get("/services/mine/").context["received"]) == 30


def test_an_enterprise_sees_and_rates_only_its_own_services(
    client_a, staff, enterprise_a, enterprise_b
):
    own = record(staff, [enterprise_a], what="我们的法律体检")
    record(staff, [enterprise_b], what="别人的融资对接")

    page = client_a.get("/services/mine/").content.decode()
    assert "我们的法律体检" in page
    assert "别人的融资对接" not in page

    response = client_a.post(
        reverse("services:rate", args=[own.public_id]), {"rating": "satisfied"}
    )
    assert response.status_code == 302
    assert own.recipients.get().rating == Rating.SATISFIED


def test_rating_another_enterprises_service_is_not_found_and_changes_nothing(
    client_b, staff, enterprise_a
):
    service = record(staff, [enterprise_a])

    response = client_b.post(reverse("services:rate", args=[service.public_id]), {"rating": "not"})

    assert response.status_code == 404
    recipient = service.recipients.get()
    recipient.refresh_from_db()
    assert recipient.rating == Rating.UNRATED
    assert recipient.rated_at is None


def test_a_rating_left_out_is_asked_for_again(client_a, staff, enterprise_a):
    service = record(staff, [enterprise_a])
    response = client_a.post(reverse("services:rate", args=[service.public_id]), {}, follow=True)
    assert "请选择评价。" in response.content.decode()
    assert service.recipients.get().rating == Rating.UNRATED


def test_a_chamber_president_records_on_the_chambers_page(
    president, chamber, in_chamber, enterprise_a, enterprise_b
):
    client = client_for(president)
    url = reverse("services:chamber", args=[chamber.slug])
    assert client.get(url).status_code == 200

    refused = client.post(
        url,
        {"enterprises": enterprise_b.name, "field": "policy", "what": "商会讲座",
         "given_on": "2025-09-01"},
    )  # fmt: skip
    assert refused.status_code == 200
    assert enterprise_b.name in str(refused.context["form"].errors["enterprises"])
    assert not ServiceRecord.objects.exists()

    done = client.post(
        url,
        {"enterprises": enterprise_a.name, "field": "policy", "what": "商会讲座",
         "given_on": "2025-09-01"},
    )  # fmt: skip
    service = ServiceRecord.objects.get()
    assert done.url == reverse("services:detail", args=[service.public_id])
    assert service.organization == chamber and service.recorded_by == president
    assert client.get(done.url).status_code == 200
    assert "商会讲座" in client.get(url).content.decode()


def test_a_chamber_president_sees_nothing_of_another_chambers(
    president, staff, enterprise_a, chamber
):
    other = OrganizationFactory(name="文旅商会")
    service = record(staff, [enterprise_a], organization=other)
    client = client_for(president)
    assert client.get(reverse("services:chamber", args=[other.slug])).status_code == 403
    assert client.get(reverse("services:detail", args=[service.public_id])).status_code == 404


def test_the_chambers_page_links_its_keeper_to_its_services(president, chamber):
    html = client_for(president).get(reverse("chambers:detail", args=[chamber.slug])).content
    assert reverse("services:chamber", args=[chamber.slug]) in html.decode()


def test_the_chambers_page_costs_the_same_queries_for_3_and_30_services(
    president, chamber, django_assert_num_queries
):
    client = client_for(president)
    url = reverse("services:chamber", args=[chamber.slug])

    def make(n):
        for _ in range(n):
            enterprise = EnterpriseFactory()
            AffiliationFactory(organization=chamber, enterprise=enterprise)
            record(president, [enterprise], organization=chamber)

    make(3)
    empty_caches()
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).context["records"]) == 3
    make(27)
    empty_caches()
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(url).context["records"]) == 30


def test_an_enterprise_may_change_its_rating_and_history_keeps_both(
    client_a, user_a, staff, enterprise_a
):
    service = record(staff, [enterprise_a])
    url = reverse("services:rate", args=[service.public_id])

    client_a.post(url, {"rating": "not"})
    client_a.post(url, {"rating": "basically"})

    recipient = service.recipients.get()
    assert recipient.rating == Rating.BASICALLY
    assert [h.rating for h in recipient.history.order_by("history_id")] == [
        "unrated", "not", "basically"
    ]  # fmt: skip
    assert "基本满意" in client_a.get("/services/mine/").content.decode()


def test_the_admin_refuses_a_loan_on_a_legal_service_on_its_field(
    admin_client, staff, enterprise_a
):
    service = record(staff, [enterprise_a], field=field("legal"), legal_hours=2)
    url = reverse("admin:services_servicerecord_change", args=[service.pk])
    page = admin_client.post(
        url,
        {"field": field("legal").pk, "what": service.what, "given_on": "2025-06-01",
         "staff_member": staff.pk, "legal_hours": "2", "loan_yuan": "5000"},
    )  # fmt: skip

    assert page.status_code == 200
    assert page.context["adminform"].form.errors["loan_yuan"]
    service.refresh_from_db()
    assert service.loan_yuan is None


def test_staff_change_a_service_and_its_enterprises(
    staff_client, staff, enterprise_a, enterprise_b
):
    service = record(staff, [enterprise_a], what="政策宣讲")
    url = reverse("services:edit", args=[service.public_id])
    form = staff_client.get(url).context["form"]
    assert form["enterprises"].value() == enterprise_a.name

    response = staff_client.post(
        url,
        {"enterprises": f"{enterprise_a.name}\n{enterprise_b.name}", "field": "policy",
         "what": "政策宣讲（补记）", "given_on": "2025-06-01", "staff_member": staff.pk},
    )  # fmt: skip

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.what == "政策宣讲（补记）"
    assert service.recipients.count() == 2


def test_an_enterprise_that_rated_stays_on_the_service(
    staff_client, staff, user_a, enterprise_a, enterprise_b
):
    service = record(staff, [enterprise_a, enterprise_b])
    services.rate_service(
        actor=user_a, recipient=service.recipients.get(enterprise=enterprise_a), rating="satisfied"
    )

    response = staff_client.post(
        reverse("services:edit", args=[service.public_id]),
        {"enterprises": enterprise_b.name, "field": "policy", "what": "改",
         "given_on": "2025-06-01", "staff_member": staff.pk},
    )  # fmt: skip

    assert response.status_code == 200
    assert enterprise_a.name in str(response.context["form"].errors["enterprises"])
    service.refresh_from_db()
    assert service.what == "惠企政策解读会"
    assert service.recipients.count() == 2


def test_a_chamber_president_changes_the_chambers_service_but_not_the_federations(
    president, staff, chamber, in_chamber, enterprise_a
):
    own = record(president, [enterprise_a], organization=chamber)
    other = record(staff, [enterprise_a])
    client = client_for(president)

    response = client.post(
        reverse("services:edit", args=[own.public_id]),
        {"enterprises": enterprise_a.name, "field": "training", "what": "商会培训",
         "given_on": "2025-07-01"},
    )  # fmt: skip
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.what, own.field.code, own.organization) == ("商会培训", "training", chamber)

    assert client.get(reverse("services:edit", args=[other.public_id])).status_code == 404
    refused = client.post(
        reverse("services:edit", args=[other.public_id]),
        {"enterprises": enterprise_a.name, "field": "policy", "what": "改",
         "given_on": "2025-07-01"},
    )  # fmt: skip
    assert refused.status_code == 404
    other.refresh_from_db()
    assert other.what == "惠企政策解读会"


def test_a_service_names_the_policy_it_came_from_and_links_it(staff_client, staff, enterprise_a):
    from policies.models import Policy
    from tests.policies.factories import PolicyFactory

    policy = PolicyFactory(title="延庆区小微企业贷款贴息办法")
    draft = PolicyFactory(status=Policy.Status.DRAFT)
    data = {
        "enterprises": enterprise_a.name,
        "field": "policy",
        "what": "协助申报贷款贴息",
        "given_on": "2025-09-10",
        "staff_member": staff.pk,
    }

    refused = staff_client.post(reverse("services:new"), {**data, "policy": draft.public_id})
    assert refused.status_code == 200 and not ServiceRecord.objects.exists()

    response = staff_client.post(reverse("services:new"), {**data, "policy": policy.public_id})
    service = ServiceRecord.objects.get()
    assert service.policy == policy
    page = staff_client.get(response.url).content.decode()
    assert reverse("policies:detail", kwargs={"public_id": policy.public_id}) in page
    assert "延庆区小微企业贷款贴息办法" in page

"""Every list of townships an enterprise may lie in offers Yanqing's 18, and no other district's."""

import re
from html import unescape

import pytest
from django.urls import reverse

from members.models import Township
from tests.events.factories import EventFactory
from tests.factories import EnterpriseFactory
from tests.members.test_profile import profile_data

pytestmark = pytest.mark.django_db

YANQING = {
    "百泉街道", "香水园街道", "儒林街道", "延庆镇", "康庄镇", "八达岭镇", "永宁镇", "旧县镇",
    "张山营镇", "四海镇", "千家店镇", "沈家营镇", "大榆树镇", "井庄镇", "大庄科乡", "刘斌堡乡",
    "香营乡", "珍珠泉乡",
}  # fmt: skip


def township_options(response, name="township") -> set[str]:
    assert response.status_code == 200
    html = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no township list on {response.request['PATH_INFO']}"
    labels = re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select.group(1))
    return {unescape(label).strip() for value, label in labels if value}


def test_the_table_also_holds_another_districts_streets():
    # What the lists must leave out: Shijingshan's nine streets are in the same table.
    assert Township.objects.filter(district_code="110107").count() == 9
    assert set(Township.objects.served().values_list("name", flat=True)) == YANQING


def test_registration_lists_yanqing_only(client):
    assert township_options(client.get(reverse("members:register"))) == YANQING


def test_profile_form_lists_yanqing_only(client_a):
    assert township_options(client_a.get(reverse("members:profile"))) == YANQING


def test_staff_edit_form_lists_yanqing_only(staff_client, enterprise_a):
    url = reverse("members:enterprise_edit", args=[enterprise_a.public_id])
    assert township_options(staff_client.get(url)) == YANQING


def test_profile_refuses_a_street_of_another_district(client_a, enterprise_a):
    lugu = Township.objects.get(name="鲁谷街道")
    response = client_a.post(
        reverse("members:profile"), profile_data(enterprise_a, township=lugu.pk)
    )
    assert "township" in response.context["form"].errors
    enterprise_a.refresh_from_db()
    assert enterprise_a.township.district_code == "110119"


def test_invitation_form_lists_yanqing_only(staff_client):
    event = EventFactory(audience="invitation")
    response = staff_client.get(reverse("events:invite", args=[event.public_id]))
    assert township_options(response) == YANQING


def test_directory_filter_lists_yanqing_only(staff_client):
    assert township_options(staff_client.get(reverse("members:directory"))) == YANQING


@pytest.mark.parametrize("ledger", ["members", "party"])
def test_ledger_filters_list_yanqing_only(staff_client, ledger):
    assert township_options(staff_client.get(f"/ledgers/{ledger}/")) == YANQING


@pytest.mark.parametrize(
    "url", ["/admin/members/enterprise/add/", "/admin/chambers/organization/add/"],
)  # fmt: skip
def test_admin_forms_list_yanqing_only(admin_client, url):
    assert township_options(admin_client.get(url)) == YANQING


def test_an_applications_admin_page_lists_yanqing_only(admin_client, pending_application):
    """An application has no add page (it is the applicant's); staff may correct one."""
    url = f"/admin/members/application/{pending_application.pk}/change/"
    assert township_options(admin_client.get(url)) == YANQING


def test_admin_list_filter_offers_yanqing_only(admin_client):
    html = admin_client.get("/admin/members/enterprise/").content.decode()
    offered = {int(pk) for pk in re.findall(r"township__id__exact=(\d+)", html)}
    assert offered == set(Township.objects.served().values_list("pk", flat=True))


def test_one_lookup_names_the_townships_of_the_directory_and_the_dashboard(staff_client):
    names = Township.objects.names()
    assert len(names) == Township.objects.count()
    yanqing = Township.objects.get(name="延庆镇")
    assert names[yanqing.pk] == "延庆镇"
    EnterpriseFactory(name="妫水农业有限公司", township=yanqing)
    html = staff_client.get(reverse("members:directory")).content.decode()
    assert "<td>延庆镇</td>" in html

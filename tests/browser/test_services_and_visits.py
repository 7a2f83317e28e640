"""Staff visit two enterprises and file a problem found as a petition, record a loan for one of
them, its user rates the service, and the enterprise's timeline shows all three."""

from decimal import Decimal

import pytest
from django.utils import timezone

from petitions.models import Petition
from services.models import ServiceRecipient, ServiceRecord
from tests.browser.conftest import log_in
from visits.models import Finding, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def send(page, form):
    with page.expect_navigation():  # the POST, then its redirect
        page.click(f"{form} button[type=submit]")


def test_a_visit_a_loan_and_its_rating_show_on_the_timeline(
    staff, new_page, enterprise_a, enterprise_b, user_a
):
    today = timezone.localdate().isoformat()
    page = new_page()
    log_in(page, staff.email)

    # Staff plan a visit to both enterprises, then record it as made.
    page.goto("/visits/plan/")
    page.fill("#id_planned_on", today)
    page.fill("#id_purpose", "走访了解冬季经营情况")
    page.fill("#id_enterprises", f"{enterprise_a.name}\n{enterprise_b.name}")
    page.select_option("#id_visitors", str(staff.pk))
    send(page, "#visit-form")
    visit = Visit.objects.get()
    page.wait_for_url(f"**/visits/{visit.public_id}/")
    assert set(visit.enterprises.all()) == {enterprise_a, enterprise_b}
    assert enterprise_b.name in page.inner_text("#visit-enterprises")

    page.click("#record-link")
    page.wait_for_url(f"**/visits/{visit.public_id}/record/")
    page.fill("#id_done_on", today)
    page.fill("#id_met", "王总")
    page.fill("#id_found", "企业反映流动资金紧张。")
    send(page, "#visit-form")
    visit.refresh_from_db()
    assert (visit.status, visit.done_on.isoformat()) == ("done", today)

    # A problem found at enterprise A, turned into a petition on its behalf.
    page.select_option("#id_enterprise", str(enterprise_a.pk))
    page.fill("#id_text", "流动资金贷款续贷困难，希望协调银行。")
    send(page, "#finding-form")
    finding = Finding.objects.get()
    assert finding.enterprise == enterprise_a
    row = f"#finding-{finding.pk}"
    page.select_option(f"#id_finding-{finding.pk}-category", "financing")
    send(page, row)
    finding.refresh_from_db()
    petition = Petition.objects.get()
    assert (finding.petition, petition.enterprise) == (petition, enterprise_a)
    assert page.inner_text(f"{row} a.finding-petition") == petition.tracking_number
    page.click(f"{row} a.finding-petition")
    page.wait_for_url(f"**/petitions/{petition.public_id}/")

    # Staff record the loan the bank granted enterprise A.
    page.goto("/services/new/")
    page.fill("#id_enterprises", enterprise_a.name)
    page.select_option("#id_field", "finance")
    page.fill("#id_what", "协调续贷")
    page.fill("#id_given_on", today)
    page.fill("#id_loan_yuan", "500000")
    page.fill("#id_bank", "北京农商银行延庆支行")
    send(page, "#service-form")
    record = ServiceRecord.objects.get()
    page.wait_for_url(f"**/services/{record.public_id}/")
    assert (record.loan_yuan, record.bank) == (Decimal("500000"), "北京农商银行延庆支行")

    # Enterprise A's user rates it satisfied.
    user_page = new_page()
    log_in(user_page, user_a.email)
    user_page.goto("/services/mine/")
    recipient = ServiceRecipient.objects.get(record=record)
    card = f"#service-{record.public_id}"
    assert "北京农商银行延庆支行" in user_page.inner_text(card)
    user_page.check(f"#rate-{recipient.pk}-satisfied")
    send(user_page, card)
    recipient.refresh_from_db()
    assert recipient.rating == "satisfied"
    assert user_page.is_checked(f"#rate-{recipient.pk}-satisfied")

    # Staff see the visit, the petition and the rated service on A's timeline.
    page.goto(f"/members/{enterprise_a.public_id}/timeline/")
    visits = page.locator("#timeline tr.timeline-visits")
    assert visits.count() == 1
    assert visits.locator("a").get_attribute("href") == f"/visits/{visit.public_id}/"
    assert "走访了解冬季经营情况" in visits.inner_text()
    petitions = page.locator("#timeline tr.timeline-petitions")
    assert petitions.count() == 1
    assert petition.tracking_number in petitions.inner_text()
    services = page.locator("#timeline tr.timeline-services")
    assert services.count() == 1
    assert services.locator("a").get_attribute("href") == f"/services/{record.public_id}/"
    assert "协调续贷" in services.inner_text()
    assert services.locator("td").nth(3).inner_text().strip() == "满意"  # satisfied

    # The yearly report counts them. No figures of this year are kept yet: the first visit
    # has them computed in the background (at once here, where tasks run eagerly), the next
    # reads them.
    page.goto("/dashboard/report/")
    page.goto("/dashboard/report/")
    page.wait_for_selector("#report-services")

    def figure(section, label):
        row = page.locator(f"#report-{section} tr").filter(has_text=label).first
        return row.locator(".report-value").inner_text().strip()

    assert figure("services", "服务次数") == "1"
    assert figure("services", "融资对接次数") == "1"
    assert figure("services", "获得贷款").startswith("500,000")
    assert figure("visits", "已走访") == "1"
    assert figure("visits", "走访企业") == "2"
    assert figure("visits", "发现问题") == "1"

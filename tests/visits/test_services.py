"""The rules of visits: planning, recording, cancelling, the problems found and their
petitions. Every refusal leaves the database as it was."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from chambers.models import DutyLogEntry, DutyMonth
from notices.models import Notice
from petitions.models import Channel, Petition, PetitionEvent
from tests.chambers.factories import OrganizationFactory
from tests.factories import EnterpriseFactory
from tests.visits.factories import DoneVisitFactory, FindingFactory, VisitFactory, days
from visits import services
from visits.models import Finding, Visit

pytestmark = pytest.mark.django_db


def test_staff_plan_a_visit_to_enterprises_and_chambers(staff, staff2, enterprise_a):
    chamber = OrganizationFactory(name="延庆区旅游商会")
    visit = services.plan_visit(
        actor=staff,
        planned_on=days(5),
        enterprises=[enterprise_a],
        organizations=[chamber],
        visitors=[staff, staff2],
        other_visitors=" 赵主席 ",
        purpose="春节前走访",
    )
    visit.refresh_from_db()
    assert visit.status == Visit.Status.PLANNED
    assert visit.planned_on == days(5) and visit.done_on is None
    assert list(visit.enterprises.all()) == [enterprise_a]
    assert list(visit.organizations.all()) == [chamber]
    assert set(visit.visitors.all()) == {staff, staff2}
    assert visit.other_visitors == "赵主席"
    assert visit.created_by == staff
    # Each step of the plan is kept, whom it reaches included, as made by its planner.
    assert {record.history_user for record in visit.history.all()} == {staff}
    latest = visit.history.first()
    assert [row.enterprise for row in latest.enterprises.all()] == [enterprise_a]
    assert {row.user for row in latest.visitors.all()} == {staff, staff2}


def test_a_plan_names_an_enterprise_or_a_chamber(staff):
    with pytest.raises(services.VisitRefused):
        services.plan_visit(actor=staff, planned_on=days(5), visitors=[staff])
    assert not Visit.objects.exists()


def test_only_staff_plan_visits(user_a, enterprise_a):
    with pytest.raises(PermissionDenied):
        services.plan_visit(actor=user_a, planned_on=days(5), enterprises=[enterprise_a])
    assert not Visit.objects.exists()


def test_recording_makes_a_planned_visit_done(staff, staff2, enterprise_a):
    visit = VisitFactory(planned_on=days(-1), enterprises=[enterprise_a], visitors=[staff])
    services.record_visit(
        actor=staff2,
        visit=visit,
        done_on=days(-1),
        met="董事长刘某、财务总监",
        found="订单充足，用工紧张。",
        visitors=[staff, staff2],
        other_visitors="钱副主席",
    )
    visit.refresh_from_db()
    assert visit.status == Visit.Status.DONE
    assert visit.done_on == days(-1)
    assert visit.met == "董事长刘某、财务总监"
    assert visit.found == "订单充足，用工紧张。"
    assert set(visit.visitors.all()) == {staff, staff2}
    assert visit.other_visitors == "钱副主席"
    assert visit.history.first().history_user == staff2


def test_a_visit_is_not_recorded_before_it_is_made(staff):
    visit = VisitFactory(planned_on=days(3), enterprises=[EnterpriseFactory()])
    with pytest.raises(services.VisitRefused):
        services.record_visit(actor=staff, visit=visit, done_on=days(1), met="某人")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.PLANNED and visit.done_on is None and visit.met == ""


def test_a_cancelled_visit_is_not_recorded(staff):
    visit = VisitFactory(enterprises=[EnterpriseFactory()])
    services.cancel_visit(actor=staff, visit=visit, reason="企业负责人出差")
    with pytest.raises(services.VisitRefused):
        services.record_visit(actor=staff, visit=visit, done_on=days(0), found="无")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
    assert visit.cancel_reason == "企业负责人出差"
    assert visit.done_on is None and visit.found == ""


def test_only_a_planned_visit_is_cancelled_and_with_a_reason(staff):
    planned = VisitFactory(enterprises=[EnterpriseFactory()])
    with pytest.raises(services.VisitRefused):
        services.cancel_visit(actor=staff, visit=planned, reason="  ")
    done = DoneVisitFactory(enterprises=[EnterpriseFactory()])
    with pytest.raises(services.VisitRefused):
        services.cancel_visit(actor=staff, visit=done, reason="重复")
    planned.refresh_from_db()
    done.refresh_from_db()
    assert planned.status == Visit.Status.PLANNED and planned.cancel_reason == ""
    assert done.status == Visit.Status.DONE and done.cancel_reason == ""


@pytest.fixture
def duty_month(leader):
    return DutyMonth.objects.create(month=days(0).replace(day=1), chair=leader)


def log_entry(duty_month, kind="visit"):
    return DutyLogEntry.objects.create(
        duty_month=duty_month, author=duty_month.chair, day=days(0), kind=kind, text="走访会员企业"
    )


def test_a_visit_links_the_duty_log_entry_that_records_it(staff, duty_month):
    entry = log_entry(duty_month)
    visit = VisitFactory(planned_on=days(0), enterprises=[EnterpriseFactory()])
    services.record_visit(actor=staff, visit=visit, done_on=days(0), duty_log_entry=entry)
    assert Visit.objects.get(duty_log_entry=entry) == visit
    entry.refresh_from_db()
    assert entry.visit == visit  # the duty log reaches its visit without importing visits


def test_only_a_visit_entry_not_linked_elsewhere_is_linked(staff, duty_month):
    office = log_entry(duty_month, kind="office")
    entry = log_entry(duty_month)
    first = DoneVisitFactory(enterprises=[EnterpriseFactory()], duty_log_entry=entry)
    visit = VisitFactory(planned_on=days(0), enterprises=[EnterpriseFactory()])
    for wrong in (office, entry):
        with pytest.raises(services.VisitRefused):
            services.record_visit(actor=staff, visit=visit, done_on=days(0), duty_log_entry=wrong)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.PLANNED and visit.duty_log_entry is None
    assert Visit.objects.get(duty_log_entry=entry) == first


def test_problems_are_added_to_a_visit_made_for_an_enterprise_visited(staff, enterprise_a):
    planned = VisitFactory(enterprises=[enterprise_a])
    with pytest.raises(services.VisitRefused):
        services.add_finding(actor=staff, visit=planned, enterprise=enterprise_a, text="融资难")
    done = DoneVisitFactory(enterprises=[enterprise_a])
    with pytest.raises(services.VisitRefused):
        services.add_finding(actor=staff, visit=done, enterprise=EnterpriseFactory(), text="融资难")
    with pytest.raises(services.VisitRefused):
        services.add_finding(actor=staff, visit=done, enterprise=enterprise_a, text=" ")
    assert not Finding.objects.exists()

    finding = services.add_finding(actor=staff, visit=done, enterprise=enterprise_a, text="融资难")
    assert finding.visit == done and finding.recorded_by == staff and finding.petition is None


def test_a_visit_to_a_chamber_finds_problems_of_any_member(staff):
    visit = DoneVisitFactory(organizations=[OrganizationFactory()])
    member = EnterpriseFactory()
    finding = services.add_finding(actor=staff, visit=visit, enterprise=member, text="招工难")
    assert finding.enterprise == member


def test_a_problem_found_becomes_a_petition_once(staff, staff2, user_a, enterprise_a):
    visit = DoneVisitFactory(enterprises=[enterprise_a])
    finding = FindingFactory(visit=visit, enterprise=enterprise_a)

    petition, created = services.finding_to_petition(
        actor=staff, finding=finding, category="financing"
    )
    again, created_again = services.finding_to_petition(
        actor=staff2, finding=finding, category="other"
    )

    assert created and not created_again
    assert again == petition
    assert Petition.objects.count() == 1
    finding.refresh_from_db()
    assert finding.petition == petition
    assert petition.visit_finding == finding  # linked both ways
    assert petition.enterprise == enterprise_a
    assert petition.channel == Channel.SURVEY_VISIT
    assert petition.category == "financing"
    assert petition.filed_by == staff
    assert petition.title == "流动资金贷款续贷困难"
    assert petition.description == finding.text
    assert PetitionEvent.objects.get(petition=petition).details == {"channel": "survey_visit"}
    # The enterprise hears of it as of any petition recorded on its behalf.
    assert Notice.objects.filter(recipient=user_a, kind="petition_received").count() == 1


def test_a_problem_is_not_filed_without_a_category_or_by_others(staff, user_a):
    finding = FindingFactory()
    with pytest.raises(services.VisitRefused):
        services.finding_to_petition(actor=staff, finding=finding, category="nonsense")
    with pytest.raises(PermissionDenied):
        services.finding_to_petition(actor=user_a, finding=finding, category="financing")
    finding.refresh_from_db()
    assert finding.petition is None
    assert not Petition.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_clicks_file_one_petition(staff):
    finding = FindingFactory()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def click():
        try:
            barrier.wait()
            results.append(
                services.finding_to_petition(actor=staff, finding=finding, category="arrears")
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert Petition.objects.count() == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert {petition.pk for petition, _ in results} == {Finding.objects.get().petition_id}

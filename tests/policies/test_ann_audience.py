"""Whom an announcement reaches: all members, or a segment by industry, township, size,
chamber, committee post, leaders, seconded staff, qualification, or a saved segment."""

import datetime

import pytest
from django.utils import timezone

from chambers.models import DutyMonth, Post, Secondment
from members.choices import Industry, Qualification, SizeClass
from members.models import Enterprise, EnterpriseQualification
from policies.announcements import audience, services
from policies.announcements.models import Segment
from tests.chambers.factories import AffiliationFactory, OrganizationFactory, PostFactory
from tests.factories import EnterpriseFactory, UserFactory, township

pytestmark = pytest.mark.django_db


def ids(criteria):
    return set(audience.recipients(criteria).values_list("pk", flat=True))


@pytest.fixture
def manufacturer(db):
    """A small manufacturer in 延庆镇, with one active user and one inactive."""
    enterprise = EnterpriseFactory(
        industry=Industry.C, size=SizeClass.SMALL, township=township("110119100")
    )
    user = UserFactory(enterprise=enterprise)
    UserFactory(enterprise=enterprise, is_active=False)
    return user


@pytest.fixture
def hotel(db):
    """A medium hotel in 康庄镇."""
    enterprise = EnterpriseFactory(
        industry=Industry.H, size=SizeClass.MEDIUM, township=township("110119101")
    )
    return UserFactory(enterprise=enterprise)


def test_all_members_reaches_every_active_user_of_member_enterprises_only(manufacturer, hotel):
    suspended = EnterpriseFactory(status=Enterprise.Status.SUSPENDED)
    UserFactory(enterprise=suspended)
    UserFactory()  # no enterprise

    assert ids({"all_members": True}) == {manufacturer.pk, hotel.pk}


def test_enterprise_conditions_must_all_hold(manufacturer, hotel):
    assert ids({"industries": ["C"]}) == {manufacturer.pk}
    assert ids({"sizes": ["medium"]}) == {hotel.pk}
    assert ids({"townships": [township("110119101").pk]}) == {hotel.pk}
    assert ids({"industries": ["C"], "sizes": ["medium"]}) == set()
    assert ids({"industries": ["C", "H"], "sizes": ["small", "medium"]}) == {
        manufacturer.pk,
        hotel.pk,
    }


def test_a_chamber_reaches_its_current_members_only(manufacturer, hotel):
    chamber = OrganizationFactory()
    AffiliationFactory(organization=chamber, enterprise=manufacturer.enterprise)
    AffiliationFactory(
        organization=chamber,
        enterprise=hotel.enterprise,
        left_on=datetime.date(2025, 1, 1),
    )

    assert ids({"chambers": [chamber.pk]}) == {manufacturer.pk}


def test_a_qualification_counts_when_verified_and_valid(manufacturer, hotel, staff):
    today = timezone.localdate()
    EnterpriseQualification.objects.create(
        enterprise=manufacturer.enterprise,
        kind=Qualification.HIGH_TECH,
        verified_at=timezone.now(),
        verified_by=staff,
        valid_until=today + datetime.timedelta(days=30),
    )
    EnterpriseQualification.objects.create(  # declared, not verified
        enterprise=hotel.enterprise, kind=Qualification.HIGH_TECH
    )

    assert ids({"qualifications": ["high_tech"]}) == {manufacturer.pk}


def test_people_by_post_leaders_and_seconded_staff(manufacturer, term, leader):
    standing = PostFactory(position=Post.Position.STANDING_COMMITTEE).holder
    PostFactory(
        position=Post.Position.STANDING_COMMITTEE, ended_on=datetime.date(2023, 6, 30)
    )  # no longer holds it
    today = timezone.localdate()
    month = DutyMonth.objects.create(month=today.replace(day=1), chair=leader)
    seconded = UserFactory()
    Secondment.objects.create(
        duty_month=month,
        person_name="借调员",
        user=seconded,
        starts_on=today.replace(day=1),
        ends_on=today + datetime.timedelta(days=20),
    )

    assert ids({"positions": ["standing_committee"]}) == {standing.pk}
    assert ids({"leaders": True}) == {leader.pk}  # the vice-chair who takes turns
    assert ids({"seconded": True}) == {seconded.pk}


def test_enterprises_and_people_together_reach_each_person_once(manufacturer, leader):
    leader.enterprise = manufacturer.enterprise
    leader.save()

    chosen = audience.recipients({"industries": ["C"], "leaders": True})
    assert sorted(chosen.values_list("pk", flat=True)) == sorted({manufacturer.pk, leader.pk})


def test_no_criteria_reach_nobody(manufacturer):
    assert audience.count({}) == 0
    assert audience.count({"industries": [], "leaders": False}) == 0


def test_a_saved_segment_keeps_its_criteria_for_later_announcements(staff, manufacturer, hotel):
    first = services.save_draft(
        actor=staff,
        criteria={"industries": ["C"]},
        save_as="制造业会员",
        kind="other",
        title="一",
        body="<p>一</p>",
        is_public=False,
    )
    segment = Segment.objects.get(name="制造业会员")
    assert first.segment == segment

    second = services.save_draft(
        actor=staff,
        criteria={"all_members": True},  # ignored: the segment's criteria are used
        segment=segment,
        kind="other",
        title="二",
        body="<p>二</p>",
        is_public=False,
    )

    assert second.audience == {"industries": ["C"]}
    assert ids(second.audience) == {manufacturer.pk}


def test_the_criteria_read_in_words():
    lines = audience.describe({"industries": ["C"], "leaders": True, "unknown": 1})
    assert len(lines) == 2

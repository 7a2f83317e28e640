"""A chamber with its president, one member enterprise in it (enterprise A) and one not (B)."""

import datetime

import pytest

from chambers.models import Post
from services import services
from services.models import ServiceField
from tests.chambers.factories import (
    AffiliationFactory,
    OrganizationFactory,
    PostFactory,
    TermFactory,
)


@pytest.fixture
def chamber(db):
    return OrganizationFactory(name="冰雪产业商会", slug="ice-trade")


@pytest.fixture
def chamber_term(chamber):
    return TermFactory(organization=chamber)


@pytest.fixture
def president(chamber_term):
    """The chamber's president: records the chamber's services to its own members."""
    return PostFactory(term=chamber_term, position=Post.Position.PRESIDENT).holder


@pytest.fixture
def in_chamber(chamber, enterprise_a):
    return AffiliationFactory(organization=chamber, enterprise=enterprise_a)


def field(code: str) -> ServiceField:
    return ServiceField.objects.get(code=code)


def record(actor, enterprises, **fields):
    """A service through the service, with plain defaults for what the test does not name."""
    values = {
        "field": field("policy"),
        "what": "惠企政策解读会",
        "given_on": datetime.date(2025, 6, 1),
        "staff_member": actor if actor.is_staff else None,
        **fields,
    }
    return services.record_service(actor=actor, enterprises=enterprises, **values)

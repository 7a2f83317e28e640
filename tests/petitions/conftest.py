"""Petitions of enterprise A, a department, and a second member of staff."""

import pytest

from petitions import services
from petitions.models import Department


def state_of(petition) -> tuple:
    """What any action on a petition changes, read from the database: a refused action
    leaves all of it as it was."""
    petition.refresh_from_db()
    return petition.status, petition.version, petition.rating, petition.events.count()


@pytest.fixture
def department(db):
    return Department.objects.create(name="区税务局", code="tax")


@pytest.fixture
def file_for(user_a):
    def make(actor=None, *, enterprise=None, now=None, **fields):
        actor = actor or user_a
        fields.setdefault("category", "financing")
        fields.setdefault("title", "贷款续贷困难")
        fields.setdefault("description", "银行要求追加抵押，企业流动资金紧张。")
        return services.file_petition(
            actor=actor, enterprise=enterprise or actor.enterprise, now=now, **fields
        )

    return make


@pytest.fixture
def petition(file_for):
    return file_for()


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English source strings."""

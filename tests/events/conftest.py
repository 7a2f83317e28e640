import datetime

import pytest

from chambers.models import Organization, Post, Term
from tests.factories import UserFactory


@pytest.fixture
def leader(db):
    """A vice-chair of the federation in the current term, with no enterprise."""
    federation = Organization.objects.create(slug="fed", name="工商联", kind="federation")
    term = Term.objects.create(
        organization=federation, number=1, starts_on=datetime.date(2020, 1, 1)
    )
    user = UserFactory(email="leader@ylqgsl.test", real_name="副主席")
    Post.objects.create(term=term, holder=user, position="vice_chair", started_on=term.starts_on)
    return user

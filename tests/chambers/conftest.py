"""A federation with a current term and four leaders who take turns as executive chair."""

import datetime

import pytest

from chambers.models import DutyMonth, Organization, Post, Term
from tests.factories import UserFactory


@pytest.fixture
def federation(db):
    return Organization.objects.create(
        slug="ylqgsl", name="延庆区工商联（总商会）", kind=Organization.Kind.FEDERATION
    )


@pytest.fixture
def term(federation):
    return Term.objects.create(
        organization=federation, number=3, starts_on=datetime.date(2024, 1, 1)
    )


def make_leader(term, name, position=Post.Position.VICE_CHAIR, **post_fields):
    user = UserFactory(real_name=name, email=f"{name}@leaders.test")
    Post.objects.create(
        term=term,
        holder=user,
        position=position,
        started_on=term.starts_on,
        **post_fields,
    )
    return user


@pytest.fixture
def leaders(term):
    """Chair 赵主席 and vice-chairs 钱, 孙, 李 — the roster's pool, in precedence order."""
    return [
        make_leader(term, "赵主席", Post.Position.CHAIR),
        make_leader(term, "钱副主席"),
        make_leader(term, "孙副主席"),
        make_leader(term, "李副主席"),
    ]


@pytest.fixture
def month_of(db):
    def make(year, month, chair=None, status=DutyMonth.Status.PLANNED, **fields):
        return DutyMonth.objects.create(
            month=datetime.date(year, month, 1), chair=chair, status=status, **fields
        )

    return make

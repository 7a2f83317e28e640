"""Many people taking the last seats at the same moment, each in its own thread and connection.

On PostgreSQL (CI) this is the real test of the row lock in `register_for_event`: without it
several threads would count the same free seat. On SQLite the project opens every transaction
with BEGIN IMMEDIATE, so writers queue up one after another; the test passes there too, but
only PostgreSQL shows that the lock, not the database, keeps the count right.
"""

import pytest

from events import services
from events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import EnterpriseFactory, UserFactory
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True)
PEOPLE = 12
FREE_SEATS = 3


def test_parallel_registrations_never_overfill_and_keep_the_queue():
    event = EventFactory(capacity=10)
    for _ in range(10 - FREE_SEATS):
        RegistrationFactory(event=event)
    people = [UserFactory(enterprise=EnterpriseFactory()) for _ in range(PEOPLE)]

    errors = run_together(
        [lambda p=p: services.register_for_event(event=event, actor=p) for p in people]
    )

    assert errors == []
    assert services.seats_taken(event) == 10
    mine = Registration.objects.filter(event=event, user__in=people).order_by("created_at", "id")
    statuses = [r.status for r in mine]
    # Whoever came first (by the time recorded under the lock) got the seats.
    assert statuses == ["confirmed"] * FREE_SEATS + ["waiting"] * (PEOPLE - FREE_SEATS)
    # Seats were decided one at a time: the queue's time order is the order rows were written.
    assert [r.pk for r in mine] == sorted(r.pk for r in mine)
    assert list(event.registrations.waiting()) == [r for r in mine if r.status == "waiting"]


def test_parallel_cancellations_promote_the_waiting_list_in_order():
    event = EventFactory(capacity=4)
    seated = [RegistrationFactory(event=event, user=UserFactory()) for _ in range(4)]
    waiting = [
        RegistrationFactory(event=event, user=UserFactory(), status="waiting") for _ in range(6)
    ]

    errors = run_together(
        [lambda r=r: services.cancel_registration(registration=r, actor=None) for r in seated[:3]]
    )

    assert errors == []
    assert services.seats_taken(event) == 4
    for registration in waiting:
        registration.refresh_from_db()
    assert [r.status for r in waiting] == ["confirmed"] * 3 + ["waiting"] * 3

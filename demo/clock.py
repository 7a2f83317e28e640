"""The demo's past, played through the services at the moments it happened.

The services stamp `timezone.now()` (a petition's filing, a timeline entry, a history record,
a notice); the demo runs each step with the clock held at the step's moment, so every stamp is
the one a real day would have left. The notices those steps record are the ones the people
would have had; none of them is e-mailed now, and those older than a week have been read.
"""

import datetime
from contextlib import contextmanager

import time_machine
from django.db.models import F
from django.utils import timezone

from notices.models import Notice

READ_AFTER = datetime.timedelta(days=7)


@contextmanager
def at(moment: datetime.datetime):
    """Run the block with the clock held at `moment` (never after the real now)."""
    with time_machine.travel(min(moment, timezone.now()), tick=False):
        yield


@contextmanager
def past_notices():
    """Notices recorded inside the block are the past's: no e-mail; the older ones read."""
    last = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    now = timezone.now()
    made = Notice.objects.filter(pk__gt=last)
    made.filter(email_state=Notice.EmailState.PENDING).update(
        email_state=Notice.EmailState.SKIPPED, email_due_at=None
    )
    made.filter(read_at__isnull=True, created_at__lt=now - READ_AFTER).update(
        read_at=F("created_at") + datetime.timedelta(hours=2)
    )

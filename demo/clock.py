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

from notices.models import FanOut, Notice
from notices.services import write_fan_out

READ_AFTER = datetime.timedelta(days=7)


@contextmanager
def at(moment: datetime.datetime):
    """Run the block with the clock held at `moment` (never after the real now)."""
    with time_machine.travel(min(moment, timezone.now()), tick=False):
        yield


@contextmanager
def past_notices():
    """Notices recorded inside the block are the past's: no e-mail; the older ones read.

    A notice to many (`notify_each`) is one fan-out row that a task writes later; the block's
    fan-outs are written here, each at the moment it was recorded and without e-mails, so their
    notices are dated then and are the past's too (the task queued for each, run later, finds
    it done)."""
    last = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_fan_out = FanOut.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    for pk, recorded in FanOut.objects.filter(
        pk__gt=last_fan_out, done_at__isnull=True
    ).values_list("pk", "created_at"):
        with at(recorded):
            write_fan_out(pk, send_emails=False)
    now = timezone.now()
    made = Notice.objects.filter(pk__gt=last)
    made.filter(email_state=Notice.EmailState.PENDING).update(
        email_state=Notice.EmailState.SKIPPED, email_due_at=None
    )
    made.filter(read_at__isnull=True, created_at__lt=now - READ_AFTER).update(
        read_at=F("created_at") + datetime.timedelta(hours=2)
    )

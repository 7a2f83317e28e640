"""notify_each(): a notice to many people is one fan-out row in the caller, written by a task."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from events.models import Event
from notices import services
from notices.models import EmailOptOut, FanOut, Notice
from notices.tasks import deliver_pending_emails, fan_out, send_notice_emails
from tests.conftest import client_for
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory
from tests.notices.factories import APPLICATION, NoticeFactory

pytestmark = pytest.mark.django_db


def notify_staff(recipients, key="application_new:1", kind="application_new"):
    """notify_each, returning the fan-out it recorded (None when it recorded none)."""
    told = services.notify_each(
        recipients, kind=kind, key=key, context={"application": APPLICATION}
    )
    recorded = FanOut.objects.filter(key=key).order_by("pk").last()
    if recorded is not None and told:
        assert told == len(recorded.recipient_ids)
        return recorded
    return None


def test_the_caller_records_one_fan_out_and_the_task_writes_a_notice_each(
    user_a, user_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        recorded = notify_staff([user_a, user_b])

    assert Notice.objects.count() == 0  # nothing for the recipients in the caller
    assert FanOut.objects.get() == recorded
    assert recorded.recipient_ids == [user_a.pk, user_b.pk]
    assert len(callbacks) == 1

    callbacks[0]()  # the transaction committed: the task runs (eagerly in the tests)

    notices = Notice.objects.order_by("recipient_id")
    assert [(n.recipient, n.key) for n in notices] == [
        (user_a, f"application_new:1:{user_a.pk}"),
        (user_b, f"application_new:1:{user_b.pk}"),
    ]
    assert set(notices.values_list("email_state", flat=True)) == {"sent"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([user_a.email, user_b.email])
    recorded.refresh_from_db()
    assert recorded.done_at is not None and recorded.due_at is None


def test_a_request_that_tells_everyone_registered_writes_only_the_fan_out(
    staff, django_capture_on_commit_callbacks
):
    event = EventFactory()
    people = UserFactory.create_batch(12)
    for person in people:
        RegistrationFactory(event=event, user=person)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(staff).post(
            reverse("events:cancel", args=[event.public_id]), {"reason": "天气原因"}
        )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert Notice.objects.count() == 0
    assert sorted(FanOut.objects.get().recipient_ids) == sorted(p.pk for p in people)

    for callback in callbacks:
        callback()

    cancelled = Notice.objects.filter(kind="event_cancelled")
    assert sorted(cancelled.values_list("recipient_id", flat=True)) == sorted(p.pk for p in people)
    # The text greets each by name: rendered per recipient in the task, from the event read again.
    notice = cancelled.get(recipient=people[0])
    assert people[0].real_name in notice.body
    assert event.title in notice.subject + notice.body
    assert len(mail.outbox) == len(people)


def test_one_recipient_is_notified_at_once_without_a_fan_out(
    user_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        assert services.notify_each([user_a, user_a], kind="application_new", key="k") == 1

    assert FanOut.objects.count() == 0
    assert Notice.objects.get().key == f"k:{user_a.pk}"
    assert services.notify_each([user_a.pk], kind="application_new", key="k") == 0


def test_an_action_rolled_back_leaves_no_fan_out(
    user_a, user_b, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_staff([user_a, user_b])
        raise RuntimeError("the action failed after telling everyone")

    assert FanOut.objects.count() == 0
    assert Notice.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_running_the_task_again_writes_and_sends_nothing_more(
    user_a, user_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        recorded = notify_staff([user_a, user_b])
    assert Notice.objects.count() == 2

    assert fan_out(recorded.pk) == 0  # done: not taken up again
    # Even taken up again (as after a crash between its last batch and marking it done):
    FanOut.objects.filter(pk=recorded.pk).update(done_at=None, due_at=timezone.now())
    assert fan_out(recorded.pk) == 0

    assert Notice.objects.count() == 2
    assert len(mail.outbox) == 2
    recorded.refresh_from_db()
    assert recorded.done_at is not None


def test_a_fan_out_whose_task_was_lost_is_written_by_the_sweep(user_a, user_b, time_machine):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to localhost:6379. Connection refused.")

    with mock.patch.object(fan_out, "delay", side_effect=broker_down):
        with transaction.atomic():
            recorded = notify_staff([user_a, user_b])
        # (pytest-django's transaction never commits: run the callbacks as a commit would)
        for callback in connection.run_on_commit[:]:
            with pytest.raises(OperationalError):
                callback[1]()
        connection.run_on_commit.clear()

    assert Notice.objects.count() == 0
    assert deliver_pending_emails() == 0  # the queued task still has its chance
    assert Notice.objects.count() == 0

    time_machine.move_to(timezone.now() + services.SWEEP_GRACE, tick=False)
    deliver_pending_emails()  # queues the fan-out; its task queues the e-mails

    assert Notice.objects.filter(key__startswith="application_new:1:").count() == 2
    assert len(mail.outbox) == 2
    recorded.refresh_from_db()
    assert recorded.done_at is not None


def test_a_fan_out_its_worker_died_in_is_finished_by_the_sweep_once_each(monkeypatch, time_machine):
    people = UserFactory.create_batch(5)
    monkeypatch.setattr(services, "FAN_OUT_BATCH", 2)
    real_write = services._write_batch
    batches = []

    def dies_in_the_second_batch(*args):
        batches.append(args[1])
        if len(batches) == 2:
            raise SystemExit("worker killed")
        return real_write(*args)

    monkeypatch.setattr(services, "_write_batch", dies_in_the_second_batch)
    recorded = notify_staff(people)
    with pytest.raises(SystemExit):
        services.write_fan_out(recorded.pk)
    assert Notice.objects.count() == 2  # the first batch committed, its e-mails queued
    assert len(mail.outbox) == 2

    assert deliver_pending_emails() == 0  # the claim is fresh: a worker may still be at it
    assert Notice.objects.count() == 2
    time_machine.move_to(timezone.now() + services.STALE_FAN_OUT_AFTER, tick=False)
    deliver_pending_emails()

    assert sorted(Notice.objects.values_list("recipient_id", flat=True)) == sorted(
        p.pk for p in people
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    recorded.refresh_from_db()
    assert recorded.done_at is not None and recorded.attempts == 2


def test_a_fan_out_failing_every_time_is_given_up(user_a, user_b, monkeypatch, time_machine):
    recorded = notify_staff([user_a, user_b])
    monkeypatch.setattr(services, "_write_batch", mock.Mock(side_effect=ValueError("bad")))
    for _ in range(services.MAX_FAN_OUT_ATTEMPTS):
        with pytest.raises(ValueError):
            services.write_fan_out(recorded.pk)
        time_machine.move_to(timezone.now() + services.STALE_FAN_OUT_AFTER, tick=False)
    assert services.queue_due_fan_outs() == 0

    recorded.refresh_from_db()
    assert recorded.due_at is None and recorded.done_at is None and recorded.error
    assert Notice.objects.count() == 0


def test_the_task_takes_the_same_queries_per_batch_whatever_the_number(monkeypatch):
    monkeypatch.setattr(services, "FAN_OUT_BATCH", 10)
    monkeypatch.setattr(services, "queue_emails", lambda ids, priority=None: None)
    people = UserFactory.create_batch(30)

    def queries(count, key):
        recorded = notify_staff(people[:count], key=key)
        with CaptureQueriesContext(connection) as run:
            assert services.write_fan_out(recorded.pk) == count
        return len(run.captured_queries)

    one, also_one = queries(3, "a"), queries(10, "b")
    two, three = queries(20, "c"), queries(30, "d")
    assert one == also_one  # 3 or 10 recipients: one batch, the same queries
    assert three - two == two - also_one  # each batch the same few queries
    # users, keys there, opt-outs, insert, ids, claim renewed (and a savepoint's two here)
    assert two - also_one <= 8


def test_the_caller_takes_the_same_queries_for_ten_or_a_thousand(django_assert_num_queries):
    few, many = UserFactory.create_batch(10), UserFactory.create_batch(1000)
    with CaptureQueriesContext(connection) as baseline:
        notify_staff(few, key="few")
    with django_assert_num_queries(len(baseline.captured_queries)):
        notify_staff(many, key="many")
    assert Notice.objects.count() == 0
    assert FanOut.objects.count() == 2


def test_a_fan_out_everyone_has_already_is_not_recorded_again(
    user_a, user_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_staff([user_a, user_b])
    with django_capture_on_commit_callbacks(execute=True):
        again = notify_staff([user_b, user_a, user_a])

    assert again is None
    assert FanOut.objects.count() == 1
    assert Notice.objects.count() == 2
    assert len(mail.outbox) == 2


def test_a_recipient_added_later_gets_it_and_the_others_not_again(
    user_a, user_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_staff([user_a])
    with django_capture_on_commit_callbacks(execute=True):
        notify_staff([user_a, user_b, user_b])

    assert sorted(Notice.objects.values_list("recipient_id", flat=True)) == sorted(
        [user_a.pk, user_b.pk]
    )
    assert len(mail.outbox) == 2


def test_a_key_a_concurrent_run_recorded_is_skipped(user_a, user_b, monkeypatch):
    recorded = notify_staff([user_a, user_b])
    real_filter = Notice.objects.filter
    NoticeFactory(recipient=user_a, key=f"application_new:1:{user_a.pk}")

    def blind_filter(*args, **kwargs):  # the other run committed after our check
        if "key__in" in kwargs and not args:
            monkeypatch.undo()
            return real_filter(key__in=[])
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Notice.objects, "filter", blind_filter)
    assert services.write_fan_out(recorded.pk) == 1

    assert Notice.objects.count() == 2
    assert Notice.objects.get(recipient=user_b).key == f"application_new:1:{user_b.pk}"


def test_opted_out_and_address_less_recipients_get_it_in_their_inbox_only(
    user_a, user_b, django_capture_on_commit_callbacks
):
    EmailOptOut.objects.create(user=user_a, kind="application_new")
    nobody = UserFactory(email="")

    with django_capture_on_commit_callbacks(execute=True):
        notify_staff([user_a, user_b, nobody])

    states = dict(Notice.objects.values_list("recipient", "email_state"))
    assert states == {user_a.pk: "skipped", user_b.pk: "sent", nobody.pk: "skipped"}
    assert [m.to for m in mail.outbox] == [[user_b.email]]


def test_texts_are_rendered_once_per_language_unless_they_name_the_recipient(monkeypatch):
    rendered = []
    real_render = services.render_to_string

    def render_to_string(template_name, context=None, *args, **kwargs):
        rendered.append((template_name, translation.get_language()))
        return real_render(template_name, context, *args, **kwargs)

    monkeypatch.setattr(services, "render_to_string", render_to_string)
    monkeypatch.setattr(services, "queue_emails", lambda ids, priority=None: None)
    people = [UserFactory(language="zh-hans") for _ in range(3)] + [UserFactory(language="en")]

    services.write_fan_out(notify_staff(people).pk)  # "X has applied": the same for everyone
    assert sorted(rendered) == sorted(
        [
            (f"emails/application_new/{part}.txt", lang)
            for part in ("subject", "body")
            for lang in ("zh-hans", "en")
        ]
    )
    rendered.clear()
    services.write_fan_out(notify_staff(people, key="r", kind="application_received").pk)
    assert len(rendered) == 2 * len(people)  # "Dear <name>": once per recipient
    english = Notice.objects.get(key=f"r:{people[3].pk}")
    assert english.body.startswith(f"Dear {people[3].real_name},")
    assert english.language == "en"


def test_the_emails_are_queued_in_batches_behind_other_tasks(monkeypatch):
    people = UserFactory.create_batch(services.EMAIL_BATCH + 1)
    queued = []
    monkeypatch.setattr(
        send_notice_emails, "apply_async", lambda args, priority: queued.append((args[0], priority))
    )

    services.write_fan_out(notify_staff(people).pk)

    ids = list(Notice.objects.order_by("recipient_id").values_list("pk", flat=True))
    assert sorted(pk for batch, _ in queued for pk in batch) == sorted(ids)
    assert [len(batch) for batch, _ in queued] == [services.EMAIL_BATCH, 1]
    assert {priority for _, priority in queued} == {services.FAN_OUT_PRIORITY}


def test_the_context_keeps_models_dates_and_times_by_reference(user_a):
    moment = timezone.now().replace(microsecond=0)
    context = {
        "user": user_a,
        "month": datetime.date(2026, 3, 1),
        "at": moment,
        "list": [user_a, "文本", 3, None],
        "plain": {"name": "延庆"},
    }
    packed = services.pack_context(context)
    assert packed["user"] == {"__model__": "members.user", "pk": user_a.pk}

    unpacked = services.unpack_context(packed)

    assert unpacked == context
    with pytest.raises(TypeError):
        services.pack_context({"what": object()})


def test_old_fan_outs_done_are_deleted_by_the_sweep(user_a, user_b, time_machine, monkeypatch):
    monkeypatch.setattr(services, "queue_emails", lambda ids, priority=None: None)
    recorded = notify_staff([user_a, user_b])
    services.write_fan_out(recorded.pk)

    time_machine.move_to(timezone.now() + services.FAN_OUT_KEEP + datetime.timedelta(1), tick=False)
    services.queue_due_fan_outs()

    assert FanOut.objects.count() == 0
    assert Notice.objects.count() == 2  # the notices stay

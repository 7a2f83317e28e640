"""Writing policies: drafts and their edits, attachments, withdrawal, and the enterprises'
subscriptions. Publishing (with the count of matching enterprises and the push) is in
policies/push.py.

Every change to a policy is kept in its history with who made it (simple-history, its
departments, topics and townships included): an edit of a published policy is a new version
the readers see at once, the earlier one kept.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Policy, PolicyAttachment, Subscription

# The fields a draft form sets, besides its departments, topics and townships.
POLICY_FIELDS = [
    "title", "document_number", "issued_on", "valid_from", "valid_until", "window_opens",
    "window_closes", "summary", "body", "interpretation", "beneficiaries", "conditions",
    "benefit", "time_to_payment", "where_to_apply", "contact", "industries", "sizes",
    "min_years_founded", "max_years_founded", "members_only", "qualifications",
    "unchecked_conditions",
]  # fmt: skip


def _save(policy: Policy, actor, departments, topics, townships) -> Policy:
    policy.full_clean(exclude=["created_by"])
    policy._history_user = actor
    policy.save()
    # The relations are set after the row, each recorded as a change of the same policy.
    policy.departments.set(departments)
    policy.topics.set(topics)
    policy.townships.set(townships)
    return policy


def create_policy(*, actor, departments, topics, townships=(), **fields) -> Policy:
    """A new draft, written by `actor`: nobody but staff sees it until it is published."""
    with transaction.atomic():
        policy = Policy(created_by=actor, status=Policy.Status.DRAFT, **fields)
        return _save(policy, actor, departments, topics, townships)


def change_policy(*, policy: Policy, actor, departments, topics, townships=(), **fields) -> Policy:
    """Change a draft or a published policy (the published one's readers see the change at
    once; its history keeps the version before). A withdrawn policy is not changed."""
    with transaction.atomic():
        policy = Policy.objects.select_for_update().get(pk=policy.pk)
        if policy.status == Policy.Status.WITHDRAWN:
            raise ValidationError(_("A withdrawn policy cannot be changed."))
        for name, value in fields.items():
            setattr(policy, name, value)
        return _save(policy, actor, departments, topics, townships)


def withdraw_policy(*, policy: Policy, actor, reason: str) -> Policy:
    """Take a published policy back, with the reason readers are shown on its page (which
    stays readable, marked withdrawn). Not the same as expiring: it was withdrawn early."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Give a reason for the withdrawal."))
    with transaction.atomic():
        policy = Policy.objects.select_for_update().get(pk=policy.pk)
        if policy.status != Policy.Status.PUBLISHED:
            raise ValidationError(_("Only a published policy can be withdrawn."))
        policy.status = Policy.Status.WITHDRAWN
        policy.withdrawn_at = timezone.now()
        policy.withdrawn_by = actor
        policy.withdrawal_reason = reason[:500]
        policy._history_user = actor
        policy._change_reason = reason[:100]
        policy.save(
            update_fields=[
                "status", "withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"
            ]
        )  # fmt: skip
    return policy


def add_attachment(*, policy: Policy, actor, upload) -> PolicyAttachment:
    """Keep a file with the policy (checked by the form: policies.forms.AttachmentForm), in
    private storage: it is served only through the policy's access check."""
    if policy.status == Policy.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn policy cannot be changed."))
    return PolicyAttachment.objects.create(
        policy=policy,
        file=upload,
        original_name=(upload.name or "")[:200],
        size=upload.size,
        content_type=getattr(upload, "content_type", "") or "",
        uploaded_by=actor,
    )


def remove_attachment(*, attachment: PolicyAttachment, actor) -> None:
    """Remove a file from a policy, and its stored copy once the removal is committed."""
    if attachment.policy.status == Policy.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn policy cannot be changed."))
    stored = attachment.file
    with transaction.atomic():
        attachment.delete()
        transaction.on_commit(lambda: stored.storage.delete(stored.name))


def set_subscriptions(*, enterprise, actor, topics, departments) -> None:
    """The enterprise follows exactly these topics and departments: those unticked end, the
    new ones begin (an existing subscription keeps its date)."""
    topic_ids = {t.pk for t in topics}
    department_ids = {d.pk for d in departments}
    with transaction.atomic():
        # Two saves at once (two tabs) take turns on the enterprise's row: the later one sees
        # what the earlier added, never a unique-constraint error.
        type(enterprise).objects.select_for_update().only("pk").get(pk=enterprise.pk)
        current = Subscription.objects.select_for_update().filter(enterprise=enterprise)
        held_topics = {s.topic_id for s in current if s.topic_id}
        held_departments = {s.department_id for s in current if s.department_id}
        current.exclude(topic_id__in=topic_ids).filter(topic__isnull=False).delete()
        current.exclude(department_id__in=department_ids).filter(department__isnull=False).delete()
        Subscription.objects.bulk_create(
            [Subscription(enterprise=enterprise, topic_id=pk) for pk in topic_ids - held_topics]
            + [
                Subscription(enterprise=enterprise, department_id=pk)
                for pk in department_ids - held_departments
            ]
        )

"""Use cases of the members app: one function per thing a person does."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core import jobs
from core.queries import is_new_or_changed
from notices.services import notify, notify_each

from .models import (
    Application,
    Enterprise,
    EnterpriseChange,
    EnterpriseDetails,
    EnterpriseQualification,
    MemberNumberCounter,
    PublicPost,
    RepresentativePerson,
    RepresentativeTag,
    TrainingRecord,
    member_number,
)

User = get_user_model()

DETAIL_FIELDS = [
    f.name for f in EnterpriseDetails._meta.get_fields() if f.concrete and not f.auto_created
]


class TransitionError(Exception):
    """The action is not allowed in the object's current state; the message says why."""


class DuplicateRegistration(Exception):
    """The credit code is a member already or under review."""


def credit_code_taken(code: str) -> str | None:
    """Why a code cannot apply now: 'member' or 'pending', or None when it can."""
    if Enterprise.objects.filter(credit_code=code).exists():
        return "member"
    if Application.objects.pending().filter(credit_code=code).exists():
        return "pending"
    return None


def register_enterprise(
    *, email, password, real_name, mobile, details, licence, checksum_ok, consent_version, language
):
    """Create an applicant account and its membership application in one transaction.

    When the e-mail already has an account nothing is created and its owner is told by
    e-mail instead, so the page shown, and the work done before it (hashing the password,
    e-mail queued on commit), is the same either way (no account enumeration).
    Returns the application, or None in that case.
    """
    email = User.objects.normalize_email(email).lower()
    # The password is hashed whether or not the address has an account, so the time the
    # answer takes does not tell either (hashing is most of the work of a registration).
    password_hash = make_password(password)
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            notify(
                recipient=existing,
                kind="account_exists",
                key=f"account_exists:{existing.pk}:{timezone.now():%Y%m%d%H%M}",
                link=reverse("login"),
            )
            return None
    try:
        with transaction.atomic():
            user = User.objects.create(
                email=email,
                password=password_hash,
                real_name=real_name,
                mobile=mobile,
                language=language,
            )
            return submit_application(
                applicant=user,
                details=details,
                licence=licence,
                checksum_ok=checksum_ok,
                consent_version=consent_version,
            )
    except IntegrityError:
        # A double-click or a race with another registration for the same e-mail or code.
        if credit_code_taken(details["credit_code"]):
            raise DuplicateRegistration(details["credit_code"]) from None
        return None


def submit_application(*, applicant, details, licence, checksum_ok, consent_version):
    """Record an application from `applicant`, tell them it was received and tell staff."""
    if credit_code_taken(details["credit_code"]):
        raise DuplicateRegistration(details["credit_code"])
    with transaction.atomic():
        application = Application(
            applicant=applicant,
            licence=licence,
            credit_code_checksum_ok=checksum_ok,
            consent_version=consent_version,
            consent_at=timezone.now(),
            **{name: details[name] for name in DETAIL_FIELDS if name in details},
        )
        application._history_user = applicant
        application.save()
        link = reverse("members:application_detail", args=[application.public_id])
        notify(
            recipient=applicant,
            kind="application_received",
            key=f"application_received:{application.pk}",
            context={"application": application},
            link=link,
        )
        notify_each(
            User.objects.active_staff(),
            kind="application_new",
            key=f"application_new:{application.pk}",
            context={"application": application},
            link=link,
        )
    return application


def next_member_number(year: int) -> str:
    """The next member number for `year`, such as 2026-0042; call inside a transaction."""
    MemberNumberCounter.objects.get_or_create(year=year)
    counter = MemberNumberCounter.objects.select_for_update().get(year=year)
    while True:
        counter.last += 1
        number = member_number(year, counter.last)
        if not Enterprise.objects.filter(member_number=number).exists():
            break
    counter.save(update_fields=["last"])
    return number


def approve_application(*, application, actor):
    """Make the applicant a member: the enterprise gets a member number and join date.

    Allowed only for a pending application; the applicant's account is linked to the new
    member and told by notice. Returns the enterprise.
    """
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != Application.Status.PENDING:
            raise TransitionError(_("This application has already been decided."))
        if Enterprise.objects.filter(credit_code=application.credit_code).exists():
            raise TransitionError(_("An enterprise with this credit code is already a member."))
        today = timezone.localdate()
        enterprise = Enterprise(
            status=Enterprise.Status.MEMBER,
            member_number=next_member_number(today.year),
            joined_on=today,
            **{name: getattr(application, name) for name in DETAIL_FIELDS},
        )
        enterprise._history_user = actor
        enterprise._change_reason = EnterpriseChange.APPROVED
        enterprise.save()

        application.status = Application.Status.APPROVED
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.enterprise = enterprise
        application._history_user = actor
        application.save(update_fields=["status", "decided_at", "decided_by", "enterprise"])

        applicant = application.applicant
        if applicant.enterprise_id is None:
            applicant.enterprise = enterprise
            applicant.save(update_fields=["enterprise"])
        notify(
            recipient=applicant,
            kind="application_approved",
            key=f"application_decided:{application.pk}",
            context={"application": application, "enterprise": enterprise},
            link=reverse("members:profile"),
        )
    return enterprise


def reject_application(*, application, actor, reason: str):
    """Reject a pending application with a reason; it stays on record and the applicant is told."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Give a reason for the rejection."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != Application.Status.PENDING:
            raise TransitionError(_("This application has already been decided."))
        application.status = Application.Status.REJECTED
        application.rejection_reason = reason
        application.decided_at = timezone.now()
        application.decided_by = actor
        application._history_user = actor
        application.save(update_fields=["status", "rejection_reason", "decided_at", "decided_by"])
        notify(
            recipient=application.applicant,
            kind="application_rejected",
            key=f"application_decided:{application.pk}",
            context={"application": application},
            link=reverse("members:application_detail", args=[application.public_id]),
        )
    return application


MEMBERSHIP_TRANSITIONS = {
    Enterprise.Status.MEMBER: {Enterprise.Status.SUSPENDED, Enterprise.Status.WITHDRAWN},
    Enterprise.Status.SUSPENDED: {Enterprise.Status.MEMBER, Enterprise.Status.WITHDRAWN},
    Enterprise.Status.WITHDRAWN: {Enterprise.Status.MEMBER},
}


def change_membership_status(*, enterprise, actor, status: str, reason: str):
    """Suspend, withdraw or reinstate a member. Nothing is deleted; history keeps each change."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Give a reason for the change."))
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if status not in MEMBERSHIP_TRANSITIONS.get(enterprise.status, set()):
            raise TransitionError(
                _("A member that is %(current)s cannot become %(new)s.")
                % {
                    "current": enterprise.get_status_display(),
                    "new": Enterprise.Status(status).label,
                }
            )
        enterprise.status = status
        enterprise.status_reason = reason[:500]
        enterprise._history_user = actor
        enterprise._change_reason = reason[:100]
        enterprise.save(update_fields=["status", "status_reason", "updated_at"])
        notify_each(
            enterprise.users.filter(is_active=True),
            kind="membership_changed",
            key=f"membership_changed:{enterprise.pk}:{enterprise.history.latest().pk}",
            context={"enterprise": enterprise, "reason": reason},
            link=reverse("members:profile"),
        )
    return enterprise


def update_enterprise(*, enterprise, actor, form):
    """Save an edit form for `enterprise`, recording who changed it."""
    with transaction.atomic():
        enterprise = form.save(commit=False)
        enterprise._history_user = actor
        enterprise.save()
    return enterprise


def message_text(subject: str, text: str) -> tuple[str, str]:
    """A message's subject and text as sent, or the refusal of an empty one."""
    subject, text = (subject or "").strip(), (text or "").strip()
    if not subject or not text:
        raise TransitionError(_("Write a subject and a text."))
    return subject, text


def send_message_later(*, actor, subject: str, text: str, sending: str, selection: dict):
    """Staff's message to a large selection, sent by a background job of `actor`'s
    (members/jobs.py) through `send_message`, never in the request. `selection` is how the
    job finds the enterprises again (the admin list's query and the ids ticked). Refused at
    once, with `send_message`'s message, when the subject or the text is empty."""
    from .jobs import ADMIN_NOTICE

    subject, text = message_text(subject, text)
    params = {**selection, "subject": subject, "text": text, "sending": sending}
    return jobs.start(owner=actor, kind=ADMIN_NOTICE, params=params)


def send_message(*, enterprises, actor, subject: str, text: str, sending: str) -> set[int]:
    """Send staff's message to every active user of `enterprises` (a queryset or a list), in
    the inbox and by e-mail, in bulk. `sending` names this sending (drawn when the form was
    shown): sent again, nobody gets it twice. Only one row is written here (notices'
    fan-out); a Celery task writes the notices. Returns the ids of the enterprises it reached
    (those with at least one active user)."""
    subject, text = message_text(subject, text)
    users = list(
        User.objects.filter(enterprise__in=enterprises, is_active=True)
        .order_by("pk")
        .values_list("pk", "enterprise_id")
    )
    with transaction.atomic():  # the notices themselves are written by notices' fan-out task
        notify_each(
            [pk for pk, enterprise_id in users],
            kind="federation_message",
            key=f"federation_message:{sending}",
            context={"subject": subject, "text": text, "sender": actor},
            link=reverse("notices:inbox"),
        )
    return {enterprise_id for pk, enterprise_id in users}


# --- Representative figures ---------------------------------------------------------------------
#
# Staff keep the representative-persons database (代表人士库) in the admin, whose add and change
# pages, and the rows of public posts and trainings on a figure's page, call these services; the
# demo builds its figures through them too. Each `check_*` holds the rules of one kind of record
# and raises a ValidationError keyed by field, which the admin shows on its form; the service
# checks again before it writes and records who did it.

REPRESENTATIVE_FIELDS = [
    "name", "gender", "birth_year", "enterprise", "position", "mobile", "notes", "tags",
]  # fmt: skip
PUBLIC_POST_FIELDS = ["kind", "level", "title", "term", "started_on", "ended_on"]
TRAINING_FIELDS = ["name", "organiser", "attended_on"]
OLDEST_BIRTH_YEAR = 1900


def _only(fields: dict, allowed: list[str]) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return fields


def _record(obj, actor):
    obj._history_user = actor
    obj.save()
    return obj


def _set(obj, changes: dict):
    for name, value in changes.items():
        setattr(obj, name, value)
    return obj


def check_representative_tag(tag: RepresentativeTag) -> None:
    tag.name = (tag.name or "").strip()
    tag.full_clean()


def _save_tag(tag: RepresentativeTag, actor) -> RepresentativeTag:
    check_representative_tag(tag)
    try:
        with transaction.atomic():
            return _record(tag, actor)
    except IntegrityError:  # the same name, saved by someone else at the same moment
        raise ValidationError(
            {"name": tag.unique_error_message(RepresentativeTag, ["name"])}
        ) from None


def add_representative_tag(*, actor, name: str) -> RepresentativeTag:
    """A new label for representative figures (its name is unique)."""
    return _save_tag(RepresentativeTag(name=name), actor)


def rename_representative_tag(*, tag: RepresentativeTag, actor, name: str) -> RepresentativeTag:
    with transaction.atomic():
        tag = RepresentativeTag.objects.select_for_update().get(pk=tag.pk)
        tag.name = name
        return _save_tag(tag, actor)


def remove_representative_tag(*, tag: RepresentativeTag, actor) -> None:
    """A label no longer used: the figures lose it; history keeps what it was and who removed
    it, and each figure's history the labels it had."""
    with transaction.atomic():
        for person in tag.people.select_for_update():
            person._history_user = actor
            person.tags.remove(tag)
        tag._history_user = actor
        tag.delete()


def check_representative(person: RepresentativePerson) -> None:
    """Its fields, a plausible year of birth, and one figure of a name per enterprise (each
    rule on a new figure, or when a field it is about changes)."""
    person.full_clean()
    this_year = timezone.localdate().year
    if (
        person.birth_year is not None
        and not OLDEST_BIRTH_YEAR <= person.birth_year <= this_year
        and is_new_or_changed(person, "birth_year")
    ):
        raise ValidationError(
            {"birth_year": _("Enter a year of birth from %(first)d to %(last)d.")
                % {"first": OLDEST_BIRTH_YEAR, "last": this_year}}
        )  # fmt: skip
    if person.enterprise_id is None or not is_new_or_changed(person, "name", "enterprise"):
        return  # two people of one name without an enterprise may well be two people
    same = RepresentativePerson.objects.filter(name=person.name, enterprise=person.enterprise_id)
    if same.exclude(pk=person.pk).exists():
        raise ValidationError(
            {"name": _("%(name)s of %(enterprise)s is already a representative figure.")
                % {"name": person.name, "enterprise": person.enterprise}}
        )  # fmt: skip


def _save_representative(person: RepresentativePerson, actor, tags) -> RepresentativePerson:
    if person.enterprise_id is not None:  # one figure of a name per enterprise, at a time
        Enterprise.objects.select_for_update().filter(pk=person.enterprise_id).exists()
    check_representative(person)
    _record(person, actor)
    if tags is not None:
        person.tags.set(tags)  # history records the labels, by the same actor
    return person


def add_representative(*, actor, tags=(), **fields) -> RepresentativePerson:
    """A figure in the representative-persons database, with its labels."""
    with transaction.atomic():
        person = RepresentativePerson(**_only(fields, REPRESENTATIVE_FIELDS))
        return _save_representative(person, actor, list(tags))


def change_representative(*, person: RepresentativePerson, actor, **changes):
    """Correct a figure's details or labels (`tags`: the whole new set)."""
    tags = changes.pop("tags", None)
    with transaction.atomic():
        person = RepresentativePerson.objects.select_for_update().get(pk=person.pk)
        _set(person, _only(changes, REPRESENTATIVE_FIELDS))
        return _save_representative(person, actor, None if tags is None else list(tags))


def remove_representative(*, person: RepresentativePerson, actor) -> None:
    """A figure entered by mistake, with its public posts and trainings: history keeps what
    each was and who removed it."""
    with transaction.atomic():
        person = RepresentativePerson.objects.select_for_update().get(pk=person.pk)
        for post in person.posts.all():
            remove_public_post(post=post, actor=actor)
        for record in person.trainings.all():
            remove_training(record=record, actor=actor)
        person._history_user = actor
        person.delete()


def check_public_post(post: PublicPost) -> None:
    if (
        post.started_on
        and post.ended_on
        and post.ended_on < post.started_on
        and is_new_or_changed(post, "started_on", "ended_on")
    ):
        raise ValidationError({"ended_on": _("A public post cannot end before it starts.")})
    post.full_clean(exclude=["person"])  # (a new figure's rows are checked before it exists)


def add_public_post(*, person: RepresentativePerson, actor, **fields) -> PublicPost:
    """A public post the figure holds or held (a deputy, a CPPCC member...)."""
    post = PublicPost(person=person, **_only(fields, PUBLIC_POST_FIELDS))
    check_public_post(post)
    return _record(post, actor)


def change_public_post(*, post: PublicPost, actor, **changes) -> PublicPost:
    _set(post, _only(changes, PUBLIC_POST_FIELDS))
    check_public_post(post)
    return _record(post, actor)


def remove_public_post(*, post: PublicPost, actor) -> None:
    """A post entered by mistake: history keeps what it was and who removed it."""
    post._history_user = actor
    post.delete()


def check_training(record: TrainingRecord) -> None:
    record.full_clean(exclude=["person"])


def add_training(*, person: RepresentativePerson, actor, **fields) -> TrainingRecord:
    """A training the figure attended."""
    record = TrainingRecord(person=person, **_only(fields, TRAINING_FIELDS))
    check_training(record)
    return _record(record, actor)


def change_training(*, record: TrainingRecord, actor, **changes) -> TrainingRecord:
    _set(record, _only(changes, TRAINING_FIELDS))
    check_training(record)
    return _record(record, actor)


def remove_training(*, record: TrainingRecord, actor) -> None:
    """A training entered by mistake: history keeps what it was and who removed it."""
    record._history_user = actor
    record.delete()


def declare_qualification(
    *, enterprise, actor, kind: str, certificate_number: str, valid_until, qualification=None
) -> EnterpriseQualification:
    """The enterprise declares a qualification, or corrects one it declared. A new one, or a
    change of its certificate or dates, waits for staff to verify it again (a verified
    qualification that changed no longer counts until then); a rejected one, corrected, is
    reviewed afresh."""
    with transaction.atomic():
        if qualification is None:
            if EnterpriseQualification.objects.filter(enterprise=enterprise, kind=kind).exists():
                raise ValidationError(
                    {"kind": _("Your enterprise has declared this qualification already.")}
                )
            qualification = EnterpriseQualification(enterprise=enterprise, kind=kind)
        else:
            qualification = EnterpriseQualification.objects.select_for_update().get(
                pk=qualification.pk, enterprise=enterprise
            )
        changed = (
            qualification.pk is None
            or qualification.certificate_number != certificate_number
            or qualification.valid_until != valid_until
            or qualification.rejected_at is not None
        )
        if not changed:
            return qualification
        qualification.certificate_number = certificate_number
        qualification.valid_until = valid_until
        qualification.declared_at = timezone.now()
        qualification.declared_by = actor
        qualification.verified_at = qualification.verified_by = None
        qualification.rejected_at = qualification.rejected_by = None
        qualification.rejection_reason = ""
        qualification.full_clean(exclude=["enterprise"])
        qualification._history_user = actor
        try:
            with transaction.atomic():
                qualification.save()
        except IntegrityError:
            # Two tabs declared the same kind at once: the other one's declaration stands.
            raise ValidationError(
                {"kind": _("Your enterprise has declared this qualification already.")}
            ) from None
    return qualification


def withdraw_qualification(*, qualification, actor) -> None:
    """The enterprise takes back a declaration (it no longer holds the qualification); the
    history keeps it."""
    qualification._history_user = actor
    qualification.delete()


def _review(qualification, actor, seen, **fields):
    """Review the declaration as staff saw it: `seen` is its `declared_at` on their page, so a
    certificate the enterprise corrected since is never verified unseen."""
    with transaction.atomic():
        qualification = (
            EnterpriseQualification.objects.select_for_update().filter(pk=qualification.pk).first()
        )
        if qualification is None:
            raise TransitionError(_("The enterprise has withdrawn this declaration."))
        if qualification.verified_at or qualification.rejected_at:
            raise TransitionError(_("This qualification has already been reviewed."))
        if qualification.declared_at != seen:
            raise TransitionError(
                _(
                    "The enterprise changed this declaration after the page was opened: "
                    "check it again before reviewing it."
                )
            )
        for name, value in fields.items():
            setattr(qualification, name, value)
        qualification._history_user = actor
        qualification.save(update_fields=list(fields))
    return qualification


def verify_qualification(*, qualification, actor, seen) -> EnterpriseQualification:
    """Staff checked the certificate (as declared at `seen`): from now the qualification
    counts for policies."""
    return _review(qualification, actor, seen, verified_at=timezone.now(), verified_by=actor)


def reject_qualification(*, qualification, actor, seen, reason: str) -> EnterpriseQualification:
    """Staff could not verify the declaration; the enterprise's users are told why, and may
    correct it (declare_qualification) for another review."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise TransitionError(_("Give a reason for the rejection."))
    with transaction.atomic():
        qualification = _review(
            qualification,
            actor,
            seen,
            rejected_at=timezone.now(),
            rejected_by=actor,
            rejection_reason=reason[:500],
        )
        with translation.override(settings.LANGUAGE_CODE):
            kind_label = str(qualification.get_kind_display())
        notify_each(
            qualification.enterprise.users.filter(is_active=True),
            kind="qualification_rejected",
            key=f"qualification_rejected:{qualification.pk}:{qualification.history.latest().pk}",
            # Plain text: what staff rejected, whatever the enterprise corrects before the
            # notice is written.
            context={
                "kind": kind_label,
                "certificate_number": qualification.certificate_number,
                "reason": reason,
            },
            link=reverse("members:qualifications"),
        )
    return qualification

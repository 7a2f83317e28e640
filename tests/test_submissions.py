"""Every create form makes one object per rendered form, however often it is sent.

Each test renders the form once, as a browser would, and sends that same page four times
(a double-click, a resent POST, a retry after a lost answer): one object, one tracking
number, one notice, and every answer leads to the same place. A fresh page creates anew.
tests/test_submissions_concurrency.py sends the same form from several threads at once.
"""

import datetime
import io
import re
import uuid
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from chambers.models import (
    Affiliation,
    DutyLogEntry,
    DutyMonth,
    Organization,
    SwapRequest,
    Unavailability,
)
from core.admin import CheckedForm, CheckedRowForm
from core.models import Submission
from core.submissions import OncePerForm, create_once
from events.models import Donation, Event, EventPhoto, Invitation, RaisedProblem, Registration
from members.models import Application, Enterprise, User
from members.resources import EnterpriseResource
from notices.models import Notice
from petitions.forms import SuggestionForm, VersionedForm
from petitions.models import Petition, Suggestion
from tests.conftest import client_for
from tests.core.jobs import post_for_job
from tests.events.factories import EventFactory
from tests.factories import EnterpriseFactory, UserFactory, make_credit_code
from tests.members.test_registration import form_data
from tests.uploads import PDF

pytestmark = pytest.mark.django_db

TIMES = 4


def rendered_token(client, url, prefix=""):
    """The hidden token of the form on the page at `url`, as the browser would send it."""
    name = f"{prefix}-submission" if prefix else "submission"
    page = client.get(url)
    assert page.status_code == 200
    found = re.search(rf'name="{name}" value="([0-9a-f-]{{36}})"', page.content.decode())
    assert found, f"{url} renders no {name} field"
    return {name: found.group(1)}


def send_same_form(client, url, data, files=dict, times=TIMES, same_answer=True):
    """Send one rendered form `times` times; every answer redirects, to the same page."""
    responses = [client.post(url, {**data, **files()}) for _ in range(times)]
    assert {r.status_code for r in responses} == {302}, responses[0].content.decode()[:2000]
    assert len({r["Location"] for r in responses}) == 1 or not same_answer
    return responses[0]


# --- Petitions and suggestions -------------------------------------------------------------


PETITION = {
    "category": "financing",
    "urgency": "normal",
    "title": "贷款续贷困难",
    "description": "银行要求追加抵押，企业流动资金紧张。",
}


def test_a_petition_sent_four_times_is_filed_once(client_a, user_a, staff):
    url = reverse("petitions:new")
    data = {**PETITION, **rendered_token(client_a, url)}

    response = send_same_form(
        client_a, url, data, files=lambda: {"attachments": SimpleUploadedFile("a.pdf", PDF)}
    )

    petition = Petition.objects.get()
    assert response["Location"] == reverse("petitions:detail", args=[petition.public_id])
    assert petition.attachments.count() == 1
    assert Notice.objects.filter(kind="petition_received").count() == 1
    assert Notice.objects.filter(kind="petition_new", recipient=staff).count() == 1
    # Each answer said the same thing: the one tracking number.
    follow = client_a.post(url, data, follow=True)
    assert petition.tracking_number in follow.content.decode()
    assert Petition.objects.count() == 1


def test_a_fresh_petition_form_files_a_new_petition(client_a):
    url = reverse("petitions:new")
    send_same_form(client_a, url, {**PETITION, **rendered_token(client_a, url)})
    send_same_form(client_a, url, {**PETITION, **rendered_token(client_a, url)})

    numbers = set(Petition.objects.values_list("tracking_number", flat=True))
    assert len(numbers) == 2


def test_staff_recording_a_petition_twice_records_it_once(staff_client, enterprise_a):
    url = reverse("petitions:record_new")
    data = {**PETITION, "enterprise": enterprise_a.credit_code, "channel": "phone"}

    send_same_form(staff_client, url, {**data, **rendered_token(staff_client, url)})

    assert Petition.objects.get().channel == "phone"


def test_a_suggestion_sent_four_times_is_kept_once(client_a, user_a):
    url = reverse("petitions:suggestion_new")
    data = {"kind": "suggestion", "title": "建议设立企业服务驿站", "text": "在各镇设立服务点。"}

    response = send_same_form(client_a, url, {**data, **rendered_token(client_a, url)})

    suggestion = Suggestion.objects.get()
    assert suggestion.author == user_a
    assert response["Location"] == reverse(
        "petitions:suggestion_detail", args=[suggestion.public_id]
    )


def test_a_refused_form_can_be_corrected_and_sent_with_its_token(client_a):
    """A form that failed validation made nothing, so its token is still free."""
    url = reverse("petitions:suggestion_new")
    token = rendered_token(client_a, url)
    data = {"kind": "suggestion", "title": "", "text": "在各镇设立服务点。", **token}
    page = client_a.post(url, data)
    assert page.status_code == 200 and token["submission"] in page.content.decode()

    send_same_form(client_a, url, {**data, "title": "建议设立企业服务驿站"})

    assert Suggestion.objects.get().title == "建议设立企业服务驿站"


def test_a_failing_create_releases_the_token(user_a):
    """What the service refuses rolls the claim back with everything else."""
    form = SuggestionForm(
        {"kind": "suggestion", "title": "标题", "text": "内容", "submission": str(uuid.uuid4())}
    )
    assert form.is_valid()

    def refuse():
        Suggestion.objects.create(kind="suggestion", title="t", text="x", author=user_a)
        raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        create_once(form, refuse)
    assert not Submission.objects.exists() and not Suggestion.objects.exists()

    made = create_once(
        form,
        lambda: Suggestion.objects.create(kind="suggestion", title="t", text="x", author=user_a),
    )
    assert create_once(form, lambda: pytest.fail("created twice")) == made


def test_a_repeat_after_the_first_object_was_deleted_is_a_404_not_a_500(user_a):
    from django.http import Http404

    form = SuggestionForm(
        {"kind": "suggestion", "title": "标题", "text": "内容", "submission": str(uuid.uuid4())}
    )
    assert form.is_valid()
    made = create_once(
        form,
        lambda: Suggestion.objects.create(kind="suggestion", title="t", text="x", author=user_a),
    )
    made.delete()
    with pytest.raises(Http404):
        create_once(form, lambda: pytest.fail("created again"))
    assert not Suggestion.objects.exists()


def test_a_post_without_a_token_still_creates(client_a):
    """A client that never rendered the form (a script, an old page) is not refused."""
    url = reverse("petitions:suggestion_new")
    data = {"kind": "suggestion", "title": "建议", "text": "内容"}
    client_a.post(url, data)
    client_a.post(url, data)
    assert Suggestion.objects.count() == 2


# --- Events ---------------------------------------------------------------------------------


def test_an_event_created_four_times_is_one_draft(staff_client):
    url = reverse("events:create")
    data = {
        "kind": "lecture",
        "title": "民企学堂：数字化转型",
        "venue": "延庆区工商联三层会议室",
        "starts_at": "2030-03-05T14:00",
        "ends_at": "2030-03-05T16:00",
        "audience": "members",
        **rendered_token(staff_client, url),
    }

    response = send_same_form(staff_client, url, data)

    event = Event.objects.get()
    assert response["Location"] == reverse("events:dashboard", args=[event.public_id])


def test_invitees_added_four_times_are_invited_once(staff_client):
    event = EventFactory(audience=Event.Audience.INVITATION)
    url = reverse("events:invite", args=[event.public_id])
    data = {"guests": "张明，区发改委副主任，zm@example.cn", **rendered_token(staff_client, url)}

    send_same_form(staff_client, url, data)

    assert Invitation.objects.filter(event=event).count() == 1


def test_a_walk_in_added_four_times_is_one_registration(staff_client, enterprise_b):
    event = EventFactory()
    checkin = reverse("events:checkin", args=[event.public_id])
    data = {"person_name": "临时参会者", "enterprise": enterprise_b.credit_code, "seats": 2}

    send_same_form(
        staff_client,
        reverse("events:walk_in", args=[event.public_id]),
        {**data, **rendered_token(staff_client, checkin)},
    )

    assert Registration.objects.filter(event=event, walk_in=True).count() == 1


@pytest.mark.parametrize(
    ("form", "fields", "model"),
    [
        ("photo", {"caption": "捐赠仪式现场"}, EventPhoto),
        ("problem", {"text": "灾后厂房修缮贷款难"}, RaisedProblem),
        ("donation", {"cash_yuan": "10000", "goods_value_yuan": "0"}, Donation),
    ],
)
def test_an_event_record_sent_four_times_is_kept_once(
    staff_client, enterprise_a, form, fields, model
):
    campaign = EventFactory(kind=Event.Kind.CHARITY, audience="public")
    url = reverse("events:record", args=[campaign.public_id])
    data = {f"{form}-{name}": value for name, value in fields.items()}
    if form != "photo":
        data[f"{form}-enterprise"] = enterprise_a.credit_code
    if form == "donation":
        # A donation is received on a day that has come (the date ranges' rule).
        data["donation-received_on"] = timezone.localdate().isoformat()

    send_same_form(
        staff_client, url, {"form": form, **data, **rendered_token(staff_client, url, form)}
    )

    assert model.objects.count() == 1
    if model is Donation:
        assert Donation.objects.get().cash_yuan == Decimal("10000")


# --- The duty roster and the chambers --------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_a_duty_log_entry_sent_four_times_is_logged_once(leaders):
    november = DutyMonth.objects.create(
        month=datetime.date(2026, 11, 1), chair=leaders[0], status="serving"
    )
    client = client_for(leaders[0])
    data = {
        "day": "2026-11-20",
        "kind": "visit",
        "text": "走访康庄镇会员企业",
        "members_recruited": 0,
        **rendered_token(client, reverse("roster:month", args=["2026-11"])),
    }

    send_same_form(client, reverse("roster:log_add", args=["2026-11"]), data)

    assert DutyLogEntry.objects.filter(duty_month=november).count() == 1


@time_machine.travel(datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_a_swap_request_sent_four_times_is_asked_once(leaders):
    give = DutyMonth.objects.create(month=datetime.date(2027, 1, 1), chair=leaders[0])
    take = DutyMonth.objects.create(month=datetime.date(2027, 2, 1), chair=leaders[1])
    client = client_for(leaders[0])
    url = reverse("roster:swap_new")
    data = {
        "month": give.pk,
        "counterpart": leaders[1].pk,
        "other_month": take.pk,
        "reason": "出差",
        **rendered_token(client, url),
    }

    send_same_form(client, url, data)

    assert SwapRequest.objects.count() == 1
    assert Notice.objects.filter(kind="swap_requested").count() == 1
    # The repeats were not refused as "already has an open swap request": they found it.
    assert "open swap request" not in client.post(url, data, follow=True).content.decode()


def test_an_enterprise_added_to_a_chamber_four_times_is_added_once(staff_client, enterprise_a):
    chamber = Organization.objects.create(slug="ice", name="冰雪产业商会", kind="industry")
    url = reverse("chambers:members", args=[chamber.slug])
    data = {
        "enterprise": enterprise_a.credit_code,
        "role": Affiliation.Role.MEMBER_UNIT,
        **rendered_token(staff_client, url),
    }

    send_same_form(staff_client, url, data)

    assert Affiliation.objects.filter(organization=chamber).count() == 1


# --- Membership ---------------------------------------------------------------------------


def licence():
    return {"licence": SimpleUploadedFile("licence.pdf", PDF)}


def test_a_registration_sent_four_times_makes_one_account_and_application(client):
    url = reverse("members:register")
    data = form_data(**rendered_token(client, url))

    response = send_same_form(client, url, data, files=licence)

    assert response["Location"] == reverse("members:register_done")
    user = User.objects.get(email="liu@example.com")
    assert Application.objects.filter(applicant=user).count() == 1
    assert Notice.objects.filter(kind="application_received").count() == 1
    # The repeats are not mistaken for someone registering an address that has an account.
    assert not Notice.objects.filter(kind="account_exists").exists()


def test_an_application_from_a_signed_in_user_sent_four_times_is_one(db):
    user = UserFactory(email="again@example.com")
    client = client_for(user)
    url = reverse("members:register")
    data = form_data(**rendered_token(client, url))

    # The repeats meet the page's own rule first: an account with an application under
    # review is sent home (with that said) rather than to the application.
    send_same_form(client, url, data, files=licence, same_answer=False)

    assert Application.objects.filter(applicant=user).count() == 1


# --- Forms whose rows have a natural key: sending twice changes nothing --------------------


def test_the_same_roster_import_four_times_keeps_one_enterprise_per_code(staff_client):
    source = EnterpriseFactory(name="北京延庆冰雪文旅有限公司")
    exported = EnterpriseResource(include_private=True).export(
        queryset=Enterprise.objects.filter(pk=source.pk)
    )
    workbook = exported.export("xlsx")
    Enterprise.objects.all().delete()
    assert openpyxl.load_workbook(io.BytesIO(workbook)).active.max_row == 2

    for _ in range(TIMES):
        post_for_job(
            staff_client,
            reverse("members:import"),
            {"file": SimpleUploadedFile("roster.xlsx", workbook), "dry_run": ""},
        )

    assert Enterprise.objects.filter(credit_code=source.credit_code).count() == 1


@time_machine.travel(datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_the_roster_planned_four_times_keeps_one_duty_month_a_month(staff_client, leaders):
    for _ in range(TIMES):
        staff_client.post(reverse("roster:generate"), {"first": "2027-01", "last": "2027-06"})

    months = list(DutyMonth.objects.values_list("month", flat=True))
    assert len(months) == 6 == len(set(months))


def test_unavailability_declared_four_times_is_one_row(leaders):
    client = client_for(leaders[0])
    for _ in range(TIMES):
        client.post(reverse("roster:unavailable"), {"month": "2030-03", "reason": "出差"})

    assert Unavailability.objects.filter(user=leaders[0]).count() == 1


def test_a_second_enterprise_signing_up_is_not_affected(client):
    """Tokens are per form: another applicant's form is not taken for a repeat."""
    url = reverse("members:register")
    send_same_form(client, url, form_data(**rendered_token(client, url)), files=licence)
    other = Client()
    data = form_data(
        **{"account-email": "song@example.com"},
        credit_code=make_credit_code(434343),
        name="北京延庆松山旅游有限公司",
    )
    send_same_form(other, url, {**data, **rendered_token(other, url)}, files=licence)
    assert Application.objects.count() == 2


# --- Every form of the portal is accounted for ------------------------------------------------

# The forms that carry no token, and why a second sending of one creates nothing twice. A new
# form fails the test below until it carries the token (`OncePerForm`) or is listed here.
WITHOUT_TOKEN = {
    "core.admin.ReasonForm": "a state change (the admin's actions)",
    "core.held_uploads.KeepsUploads": "a mixin: the create forms it is mixed into carry the token",
    "core.admin.CheckedRowForm": "an inline's row: its page's form carries the token",
    "members.admin.PublicPostForm": "a row of a figure's page, saved with it once",
    "members.admin.TrainingRecordForm": "a row of a figure's page, saved with it once",
    "members.admin.MessageForm": (
        "one notice per user and sending, drawn with the page (tests/admin/test_admin_actions.py)"
    ),
    "chambers.roster.forms.AssignForm": "edits a duty month",
    "chambers.roster.forms.GenerateForm": "one duty month per month (tested above)",
    "chambers.roster.forms.SummaryForm": "edits a duty month",
    "chambers.roster.forms.UnavailableForm": "one row per leader and month (tested above)",
    "events.forms.CancelForm": "a state change",
    "events.forms.MinutesForm": "edits an event",
    "events.forms.RespondForm": "answers an invitation",
    "members.forms.AccountForm": "sent with ApplicationForm, which carries the token",
    "members.forms.ImportForm": "one enterprise per credit code (tested above)",
    "members.forms.MembershipStatusForm": "a state change",
    "members.forms.ProfileForm": "edits an enterprise",
    "members.forms.RejectForm": "a state change",
    "members.forms.StaffEnterpriseForm": "edits an enterprise",
    "members.password_reset.PasswordResetForm": "each request sends its own link (as Django)",
    "notices.views.EmailPreferencesForm": "edits preferences",
    "reports.ledgers.filters.PetitionFilterForm": "a search",
    "reports.timeline.forms.TimelineFilter": "a search",
    "petitions.forms.PetitionFromProblemForm": "one petition per problem (unique, row lock)",
    "petitions.forms.SuggestionRoutingForm": "edits a suggestion",
    "visits.forms.VisitorsMixin": "a mixin: the plan form it is mixed into carries the token",
    "visits.forms.VisitRecordForm": "edits a visit",
    "visits.forms.CancelForm": "a state change",
    "visits.forms.FindingPetitionForm": "one petition per problem found (unique, row lock)",
    "visits.forms.VisitFilterForm": "a search",
    "members.forms.QualificationReviewForm": "a state change, of the version seen",
    "members.forms.QualificationRejectForm": "a state change",
    "policies.forms.WithdrawForm": "a state change",
    "policies.follow_forms.MarkForm": "the enterprise's one mark on a policy (kept in history)",
    "policies.follow_views.YearForm": "a search",
    "policies.follow_views.PairsForm": "a search",
    "policies.forms.StatusFilterForm": "a search",
    "policies.forms.SearchForm": "a search",
    "policies.forms.SubscriptionForm": "edits an enterprise's subscriptions (one per topic)",
    "policies.announcements.forms.SendForm": "a state change (draft → scheduled, once)",
    "policies.announcements.forms.RemindForm": "one reminder per round seen (tested)",
}
APPS = (
    "chambers", "core", "events", "members", "notices", "petitions", "policies", "reports",
    "visits", "ylqgsl",
)  # fmt: skip


def project_forms():
    get_resolver().url_patterns  # noqa: B018  (imports every view, and so every form)
    found, todo = {}, [forms.BaseForm]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.split(".")[0] in APPS and cls is not OncePerForm:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


def test_every_form_that_creates_carries_the_token():
    found = project_forms()
    assert "petitions.forms.PetitionForm" in found
    for name, cls in found.items():
        if issubclass(cls, VersionedForm):
            # A petition's actions carry the version the person saw: a repeat meets the new one.
            assert not issubclass(cls, OncePerForm), name
        elif issubclass(cls, CheckedRowForm) and not issubclass(cls, CheckedForm):
            # An admin inline's row: its page's form carries the token; a repeat of the page
            # saves no row again (tests/admin/test_admin_adds_once.py).
            assert not issubclass(cls, OncePerForm), name
        elif name in WITHOUT_TOKEN:
            assert not issubclass(cls, OncePerForm), f"{name} is listed as having no token"
        else:
            assert issubclass(cls, OncePerForm), f"{name} creates without a token?"
    assert set(WITHOUT_TOKEN) <= set(found)

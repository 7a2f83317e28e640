from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from chambers.models import Affiliation, Organization, Post
from core.submissions import OncePerForm
from members.choices import Industry
from members.enterprise_fields import MemberEnterpriseField, MemberEnterprisesField
from members.models import Enterprise, Township

from .models import Donation, Event, EventPhoto, Invitation, RaisedProblem

User = get_user_model()

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y年%m月%d日 %H:%M"]
# Those whose firms count as "committee members" when staff invite by filter (执常委).
COMMITTEE_POSITIONS = [
    Post.Position.CHAIR,
    Post.Position.VICE_CHAIR,
    Post.Position.STANDING_COMMITTEE,
    Post.Position.EXECUTIVE_COMMITTEE,
]


def form_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class EventForm(OncePerForm, forms.ModelForm):
    feedback_url = forms.URLField(
        label=_("Feedback form address"),
        required=False,
        assume_scheme="https",
        help_text=_("Sent with the thank-you notice after the event."),
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "organizer",
            "venue",
            "starts_at",
            "ends_at",
            "audience",
            "capacity",
            "needs_approval",
            "registration_opens_at",
            "registration_closes_at",
            "invitations_send_at",
            "description",
            "feedback_url",
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "registration_opens_at": DATETIME_WIDGET,
            "registration_closes_at": DATETIME_WIDGET,
            "invitations_send_at": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = Organization.objects.active().exclude(
            kind=Organization.Kind.FRIENDLY
        )
        self.fields["organizer"].empty_label = _("The federation")
        for name in (
            "starts_at",
            "ends_at",
            "registration_opens_at",
            "registration_closes_at",
            "invitations_send_at",
        ):
            self.fields[name].input_formats = DATETIME_FORMATS
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The event cannot end before it starts."))
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if opens and closes and closes < opens:
            self.add_error(
                "registration_closes_at", _("Registration cannot close before it opens.")
            )
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=500,
        help_text=_("Everyone registered or invited is told, with this reason."),
    )


def parse_guests(text: str) -> list[dict]:
    """One guest a line: name, title, e-mail (separated by commas; Chinese commas too)."""
    guests = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if not any(parts):
            continue
        name = parts[0]
        title = parts[1] if len(parts) > 1 else ""
        email = parts[2] if len(parts) > 2 else ""
        if not name or len(name) > 50 or len(parts) > 3:
            raise ValidationError(_("Line %(n)d: write name, title, e-mail.") % {"n": number})
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(
                    _("Line %(n)d: %(email)s is not an e-mail address.")
                    % {"n": number, "email": email}
                ) from None
        guests.append({"name": name, "title": title, "email": email})
    return guests


class InviteForm(OncePerForm, forms.Form):
    """Invitees by filter (all filters given must match), by name, leaders and named guests."""

    industry = forms.ChoiceField(
        label=_("Enterprises of the industry"),
        required=False,
        choices=[("", "---------"), *Industry.choices],
    )
    township = forms.ModelChoiceField(
        label=_("Enterprises of the township or street"),
        queryset=Township.objects.served(),
        required=False,
    )
    chamber = forms.ModelChoiceField(
        label=_("Member enterprises of the chamber"),
        queryset=Organization.objects.active().chambers(),
        required=False,
    )
    committee_members = forms.BooleanField(
        label=_("Only firms of the federation's chair, vice-chairs and committee members"),
        required=False,
    )
    enterprises = MemberEnterprisesField(label=_("Enterprises by name"), required=False)
    leaders = forms.ModelMultipleChoiceField(
        label=_("Leaders"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    guests = forms.CharField(
        label=_("Guests without an account"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One a line: name, title, e-mail — such as Zhang Ming, deputy director, zm@example.cn"
        ),
    )

    FILTERS = ("industry", "township", "chamber", "committee_members")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        holders = Post.objects.current().values("holder_id")
        self.fields["leaders"].queryset = User.objects.filter(pk__in=holders, is_active=True)
        self.helper = form_helper()

    def clean_guests(self):
        return parse_guests(self.cleaned_data["guests"])

    def clean(self):
        cleaned = super().clean()
        if not (
            self.uses_filter
            or cleaned.get("enterprises")
            or cleaned.get("leaders")
            or cleaned.get("guests")
        ):
            raise ValidationError(_("Choose at least one invitee or filter."))
        return cleaned

    @property
    def uses_filter(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.FILTERS)

    def chosen_enterprises(self) -> list[Enterprise]:
        chosen = {e.pk: e for e in self.cleaned_data.get("enterprises") or []}
        if self.uses_filter:
            data = self.cleaned_data
            found = Enterprise.objects.members()
            if data.get("industry"):
                found = found.filter(industry=data["industry"])
            if data.get("township"):
                found = found.filter(township=data["township"])
            if data.get("chamber"):
                current = Affiliation.objects.filter(
                    organization=data["chamber"], left_on__isnull=True
                )
                found = found.filter(pk__in=current.values("enterprise_id"))
            if data.get("committee_members"):
                posts = Post.objects.current().filter(
                    position__in=COMMITTEE_POSITIONS, enterprise__isnull=False
                )
                found = found.filter(pk__in=posts.values("enterprise_id"))
            chosen.update((e.pk, e) for e in found)
        return list(chosen.values())


class RespondForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("I will come")), ("decline", _("I cannot come"))],
        widget=forms.RadioSelect,
    )
    attendees = forms.IntegerField(
        label=_("How many people will come"),
        min_value=1,
        max_value=Invitation.MAX_ATTENDEES,
        initial=1,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class WalkInForm(OncePerForm, forms.Form):
    person_name = forms.CharField(label=_("Name"), max_length=50)
    enterprise = MemberEnterpriseField(required=False)
    organisation_name = forms.CharField(label=_("Or organisation"), max_length=100, required=False)
    mobile = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    seats = forms.IntegerField(label=_("People"), min_value=1, max_value=10, initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class PhotoForm(OncePerForm, forms.ModelForm):
    class Meta:
        model = EventPhoto
        fields = ["caption", "file_reference", "credit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class ProblemForm(OncePerForm, forms.ModelForm):
    enterprise = MemberEnterpriseField(required=False)

    class Meta:
        model = RaisedProblem
        fields = ["enterprise", "raised_by", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class DonationForm(OncePerForm, forms.ModelForm):
    enterprise = MemberEnterpriseField(required=False)

    class Meta:
        model = Donation
        fields = [
            "enterprise",
            "organization",
            "cash_yuan",
            "goods_value_yuan",
            "description",
            "received_on",
        ]
        widgets = {"received_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.chambers()
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("enterprise") is None) == (cleaned.get("organization") is None):
            raise ValidationError(_("Name either an enterprise or a chamber as the donor."))
        if not (cleaned.get("cash_yuan") or cleaned.get("goods_value_yuan")):
            raise ValidationError(_("Enter the money, the value of the goods, or both."))
        return cleaned

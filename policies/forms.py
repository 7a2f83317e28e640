"""Staff's policy form (with eligibility in friendly widgets), the attachment and withdrawal
forms, the public search, and an enterprise's subscriptions."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.dates import CALENDAR, PAST
from core.submissions import OncePerForm
from members.choices import Industry, Qualification, SizeClass
from members.models import Township
from members.validators import is_division_of, to_half_width
from petitions.forms import MultipleFileField, attachments_help
from petitions.models import Department

from .models import Policy, Topic, validate_industry_codes
from .services import POLICY_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TICKS = forms.CheckboxSelectMultiple


class PolicyForm(OncePerForm, forms.ModelForm):
    """A draft or an edit. Industries are ticked by section, with divisions typed ("C13,
    C39"); the model's own checks (Policy.clean) show on their fields."""

    sections = forms.MultipleChoiceField(
        label=_("Industries (sections)"),
        choices=Industry.choices,
        required=False,
        widget=TICKS,
        help_text=_("None ticked and no division typed: every industry."),
    )
    divisions = forms.CharField(
        label=_("Industries (divisions)"),
        required=False,
        max_length=500,
        help_text=_("GB/T 4754 divisions, separated by commas: C13, C39."),
    )
    sizes = forms.MultipleChoiceField(
        label=_("Size classes"),
        choices=SizeClass.choices,
        required=False,
        widget=TICKS,
        help_text=_("None ticked: every size."),
    )
    qualifications = forms.MultipleChoiceField(
        label=_("Qualifications"),
        choices=Qualification.choices,
        required=False,
        widget=TICKS,
        help_text=_("The enterprise must hold one of them, verified and unexpired."),
    )

    class Meta:
        model = Policy
        fields = [
            name for name in POLICY_FIELDS if name not in ("industries", "sizes", "qualifications")
        ] + ["departments", "topics", "townships"]
        widgets = {
            "issued_on": DATE,
            "valid_from": DATE,
            "valid_until": DATE,
            "window_opens": DATE,
            "window_closes": DATE,
            "departments": TICKS,
            "topics": TICKS,
            "townships": TICKS,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 12}),
            "interpretation": forms.Textarea(attrs={"rows": 6}),
            "beneficiaries": forms.Textarea(attrs={"rows": 2}),
            "conditions": forms.Textarea(attrs={"rows": 4}),
            "benefit": forms.Textarea(attrs={"rows": 2}),
            "where_to_apply": forms.Textarea(attrs={"rows": 2}),
            "unchecked_conditions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(is_active=True)
        self.fields["topics"].queryset = Topic.objects.all()
        for name in ("departments", "topics"):  # by code in the form, as in the list's query
            self.fields[name].to_field_name = "code"
        self.fields["townships"].queryset = Township.objects.served().order_by("code")
        self.fields["townships"].required = False
        self.fields["issued_on"].validators = [PAST]
        policy = self.instance
        if policy.pk:
            # A retired department the policy names stays ticked.
            self.fields["departments"].queryset = Department.objects.filter(
                pk__in=[*policy.departments.values_list("pk", flat=True)]
            ) | Department.objects.filter(is_active=True)
            self.initial["sections"] = [c for c in policy.industries if len(c) == 1]
            self.initial["divisions"] = ", ".join(c for c in policy.industries if len(c) > 1)
            self.initial["sizes"] = policy.sizes
            self.initial["qualifications"] = policy.qualifications
        for name in ("valid_from", "valid_until", "window_opens", "window_closes"):
            self.fields[name].validators = [CALENDAR]

    def clean_divisions(self):
        codes = []
        typed = to_half_width(self.cleaned_data["divisions"]).upper()
        for code in re.split(r"[,，、\s]+", typed):
            if not code:
                continue
            if not (
                re.fullmatch(r"[A-T]\d{2}", code, re.ASCII) and is_division_of(code[0], code[1:])
            ):
                raise ValidationError(
                    _("“%(code)s” is not a GB/T 4754 division (a letter and two digits: C13)."),
                    params={"code": code},
                )
            if code not in codes:
                codes.append(code)
        return codes

    def _post_clean(self):
        data = self.cleaned_data
        self.instance.industries = list(data.get("sections") or []) + list(
            data.get("divisions") or []
        )
        self.instance.sizes = list(data.get("sizes") or [])
        self.instance.qualifications = list(data.get("qualifications") or [])
        super()._post_clean()
        try:
            validate_industry_codes(self.instance.industries)
        except ValidationError as error:
            self.add_error("divisions", error)

    def values(self) -> dict:
        """What services.create_policy / change_policy take."""
        data = self.cleaned_data
        values = {name: data[name] for name in self._meta.fields if name in data}
        values["industries"] = self.instance.industries
        values["sizes"] = self.instance.sizes
        values["qualifications"] = self.instance.qualifications
        return values


class AttachmentForm(OncePerForm, forms.Form):
    files = MultipleFileField(label=_("Attachments"), help_text=attachments_help())

    def clean_files(self):
        if not self.cleaned_data["files"]:
            raise ValidationError(_("Choose a file to attach."))
        return self.cleaned_data["files"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("Such as: replaced by a newer policy")}),
    )


class StatusFilterForm(forms.Form):
    STATUSES = [
        ("", pgettext_lazy("policy", "Every status")),
        *Policy.Status.choices,
        ("expired", _("Expired")),
    ]
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class SearchForm(forms.Form):
    """The public list's search and filters (all optional)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Title, text, document number or pinyin"), "type": "search"}
        ),
    )
    department = forms.ModelChoiceField(
        label=_("Issuing department"), queryset=Department.objects.none(), required=False,
        to_field_name="code",
    )  # fmt: skip
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.none(), required=False, to_field_name="code"
    )
    open_now = forms.BooleanField(label=_("Open for applications now"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only departments with a published policy: a draft's department is nobody's business.
        self.fields["department"].queryset = Department.objects.filter(
            policies__status=Policy.Status.PUBLISHED
        ).distinct()
        self.fields["topic"].queryset = Topic.objects.all()
        self.fields["topic"].label_from_instance = lambda topic: topic.label


class SubscriptionForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.none(), required=False, widget=TICKS,
        to_field_name="code",
    )  # fmt: skip
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"), queryset=Department.objects.none(), required=False, widget=TICKS,
        to_field_name="code",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.all()
        self.fields["topics"].label_from_instance = lambda topic: topic.label
        self.fields["departments"].queryset = Department.objects.filter(is_active=True)

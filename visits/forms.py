import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from chambers.models import DutyLogEntry, Organization
from core.dates import CALENDAR, PAST
from core.submissions import OncePerForm
from members.enterprise_fields import MemberEnterpriseField, MemberEnterprisesField
from petitions.models import Category

from .models import Visit

User = get_user_model()

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# How far from the planned day a duty-log entry may be to be offered as this visit's record.
DUTY_LOG_WINDOW = datetime.timedelta(days=62)


def form_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


def staff_choices():
    return User.objects.active_staff().order_by("real_name", "pk").only("real_name", "email")


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.real_name or obj.email


class VisitorsMixin(forms.Form):
    visitors = StaffChoiceField(
        label=_("Visitors (staff)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    other_visitors = forms.CharField(
        label=_("Other visitors"),
        max_length=300,
        required=False,
        help_text=Visit._meta.get_field("other_visitors").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitors"].queryset = staff_choices()
        self.helper = form_helper()


class VisitPlanForm(OncePerForm, VisitorsMixin):
    planned_on = forms.DateField(label=_("Planned date"), widget=DATE_WIDGET, validators=[CALENDAR])
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)
    enterprises = MemberEnterprisesField(label=_("Enterprises to visit"), required=False)
    organizations = forms.ModelMultipleChoiceField(
        label=_("Chambers to visit"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    field_order = [
        "planned_on", "purpose", "enterprises", "organizations", "visitors", "other_visitors",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = (
            Organization.objects.active().chambers().only("name").order_by("kind", "name")
        )

    def clean(self):
        cleaned = super().clean()
        nobody = not cleaned.get("enterprises") and not cleaned.get("organizations")
        if nobody and not self.errors:
            raise ValidationError(_("Choose at least one enterprise or chamber to visit."))
        return cleaned


class DutyLogChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{date_format(obj.day)} {obj.author.real_name}: {obj.text[:40]}"


class VisitRecordForm(VisitorsMixin):
    done_on = forms.DateField(label=_("Date visited"), widget=DATE_WIDGET, validators=[PAST])
    met = forms.CharField(
        label=_("Whom they met"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    found = forms.CharField(
        label=_("What they found"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "The visit's notes. Add each problem to follow up on the visit's page, one by one."
        ),
    )
    duty_log_entry = DutyLogChoiceField(
        label=_("Duty-log entry"),
        queryset=DutyLogEntry.objects.none(),
        required=False,
        help_text=_(
            "The executive chair's duty-log entry of the kind “visit to members” that records "
            "this visit, if there is one."
        ),
    )

    field_order = ["done_on", "met", "found", "visitors", "other_visitors", "duty_log_entry"]

    def __init__(self, *args, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        near = (visit.planned_on - DUTY_LOG_WINDOW, visit.planned_on + DUTY_LOG_WINDOW)
        self.fields["duty_log_entry"].queryset = (
            DutyLogEntry.objects.filter(kind=DutyLogEntry.Kind.VISIT, day__range=near)
            .filter(Q(visit__isnull=True) | Q(visit__pk=visit.pk))
            .select_related("author")
            .order_by("-day", "-id")
        )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)


class FindingForm(OncePerForm, forms.Form):
    """A problem found: for one of the enterprises visited, or (a visit to a chamber) any
    member enterprise typed by name."""

    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=None, required=False, empty_label="—"
    )
    other_enterprise = MemberEnterpriseField(label=_("Another member enterprise"), required=False)
    text = forms.CharField(
        label=_("Problem found"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = visit.enterprises.only("name").order_by(
            "name_pinyin", "id"
        )
        self.visits_chambers = visit.organizations.exists()
        if not self.visits_chambers:
            del self.fields["other_enterprise"]
        self.helper = form_helper()

    def clean(self):
        cleaned = super().clean()
        other = cleaned.pop("other_enterprise", None)
        chosen = cleaned.get("enterprise") or other
        if chosen is None and not self.errors:
            raise ValidationError(_("Choose the enterprise the problem concerns."))
        cleaned["enterprise"] = chosen
        return cleaned


class FindingPetitionForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"),
        choices=Category.choices,
        initial=Category.OTHER,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class VisitFilterForm(forms.Form):
    """The visits list's filters; a value that does not validate lists nothing."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Visit.Status.choices]
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"placeholder": _("Any year")}),
    )

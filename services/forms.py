import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from chambers.models import Organization
from core.dates import PAST
from core.submissions import OncePerForm
from events.models import Event
from members.enterprise_fields import MemberEnterprisesField
from petitions.models import Petition

from .models import Partner, ServiceField, ServiceRecipient

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The events a service may have come from: those of the last two years and the next month
# (a <select> of every event ever held would grow without end).
EVENT_DAYS_BACK, EVENT_DAYS_AHEAD = 730, 31


def form_helper():
    helper = FormHelper()
    helper.form_tag = False
    return helper


def show_refusal(form, refusal: ValidationError) -> None:
    """A service's refusal on the form: by the field it names, above the form otherwise."""
    for field, errors in refusal.update_error_dict({}).items():
        form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)


def recent_events():
    today = timezone.localdate()
    start = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=EVENT_DAYS_BACK), datetime.time())
    )
    end = timezone.make_aware(
        datetime.datetime.combine(
            today + datetime.timedelta(days=EVENT_DAYS_AHEAD), datetime.time()
        )
    )
    return Event.objects.filter(starts_at__gte=start, starts_at__lt=end).order_by("-starts_at")


class EventChoice(forms.ModelChoiceField):
    def label_from_instance(self, event):
        day = formats.date_format(timezone.localtime(event.starts_at), "SHORT_DATE_FORMAT")
        return f"{day} {event.title}"


class ServiceForm(OncePerForm, forms.Form):
    """Staff record a service given to one or several member enterprises."""

    enterprises = MemberEnterprisesField(label=_("Enterprises served"))
    field = forms.ModelChoiceField(
        label=_("Field"), queryset=ServiceField.objects.active(), to_field_name="code"
    )
    what = forms.CharField(label=_("What was done"), max_length=300)
    given_on = forms.DateField(
        label=_("Date"), widget=DATE_INPUT, validators=[PAST], initial=timezone.localdate
    )
    staff_member = forms.ModelChoiceField(
        label=_("Given by staff member"),
        queryset=get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .order_by("real_name", "pk"),
        required=False,
    )
    organization = forms.ModelChoiceField(
        label=_("Given by chamber"),
        queryset=Organization.objects.active().chambers().order_by("name"),
        to_field_name="slug",
        required=False,
    )
    partner = forms.ModelChoiceField(
        label=_("Given by partner"),
        queryset=Partner.objects.filter(is_active=True),
        required=False,
        help_text=_("A law firm, bank or other partner; staff add partners in the admin."),
    )
    loan_yuan = forms.DecimalField(
        label=_("Loan amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Finance services only."),
    )
    bank = forms.CharField(label=_("Lending bank"), max_length=100, required=False)
    legal_hours = forms.DecimalField(
        label=_("Hours of legal advice"),
        max_digits=6,
        decimal_places=1,
        min_value=0,
        required=False,
        help_text=_("Legal services only."),
    )
    legal_matter = forms.CharField(label=_("Legal matter"), max_length=200, required=False)
    people_placed = forms.IntegerField(
        label=_("People placed"), min_value=0, required=False, help_text=_("Talent services only.")
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    petition = forms.CharField(
        label=_("From petition"),
        max_length=20,
        required=False,
        help_text=_("The petition's tracking number, if the service answered one."),
    )
    event = EventChoice(
        label=_("At event"),
        queryset=Event.objects.none(),
        to_field_name="public_id",
        required=False,
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "staff_member" in self.fields and actor is not None and actor.is_staff:
            self.fields["staff_member"].initial = actor.pk
        self.fields["event"].queryset = recent_events()
        self.helper = form_helper()

    def clean_petition(self):
        number = self.cleaned_data["petition"].strip()
        if not number:
            return None
        petition = Petition.objects.filter(tracking_number=number).first()
        if petition is None:
            raise ValidationError(_("No petition has this tracking number."), code="not_found")
        return petition


class ChamberServiceForm(ServiceForm):
    """A chamber's president or secretary-general records a service of their chamber, to its
    own member enterprises: the chamber is the giver, no petition is linked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("staff_member", "organization", "petition"):
            del self.fields[name]


class ServiceFilterForm(forms.Form):
    field = forms.ModelChoiceField(
        label=_("Field"),
        queryset=ServiceField.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Every field"),
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        required=False,
        widget=forms.NumberInput(attrs={"placeholder": _("Any year")}),
    )


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Your rating"),
        choices=[c for c in ServiceRecipient.Rating.choices if c[0] != "unrated"],
        widget=forms.RadioSelect,
    )

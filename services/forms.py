import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.forms.models import fields_for_model
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from chambers.models import Organization
from core.dates import PAST
from core.submissions import OncePerForm
from events.models import Event
from members.enterprise_fields import MemberEnterprisesField
from petitions.models import Petition
from policies.models import Policy

from .models import Partner, ServiceField, ServiceRecipient, ServiceRecord

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


def recent_policies():
    """The policies a service may have come from: those published and still valid, or whose
    validity ended in the last two years (the same reach back as events)."""
    since = timezone.localdate() - datetime.timedelta(days=EVENT_DAYS_BACK)
    return (
        Policy.objects.published()
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=since))
        .order_by("-issued_on", "-pk")
    )


class EventChoice(forms.ModelChoiceField):
    def label_from_instance(self, event):
        day = formats.date_format(timezone.localtime(event.starts_at), "SHORT_DATE_FORMAT")
        return f"{day} {event.title}"


def from_model(model_field, **kwargs):
    """The model field's form field, with the bounds its validators set (a plain form runs no
    model validation): a minimum and a maximum value (an integer column's range, which the
    database would refuse with an error page), a maximum length."""
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator):
            kwargs.setdefault("min_value", validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            kwargs.setdefault("max_value", validator.limit_value)
        elif isinstance(validator, MaxLengthValidator):
            kwargs.setdefault("max_length", validator.limit_value)
    return model_field.formfield(**kwargs)


# The outcome in the field's terms, as the model declares it (label, size, bounds): the form
# and the model cannot drift apart.
OUTCOME_FIELDS = fields_for_model(
    ServiceRecord,
    fields=["loan_yuan", "bank", "legal_hours", "legal_matter", "people_placed", "outcome"],
    formfield_callback=from_model,
    help_texts={
        "loan_yuan": _("Finance services only."),
        "legal_hours": _("Legal services only."),
        "people_placed": _("Talent services only."),
    },
    widgets={"outcome": forms.Textarea(attrs={"rows": 3})},
)


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
    loan_yuan = OUTCOME_FIELDS["loan_yuan"]
    bank = OUTCOME_FIELDS["bank"]
    legal_hours = OUTCOME_FIELDS["legal_hours"]
    legal_matter = OUTCOME_FIELDS["legal_matter"]
    people_placed = OUTCOME_FIELDS["people_placed"]
    outcome = OUTCOME_FIELDS["outcome"]
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
    policy = forms.ModelChoiceField(
        label=_("From policy"),
        queryset=Policy.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("The policy the service helped the enterprise use, if any."),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "staff_member" in self.fields and actor is not None and actor.is_staff:
            self.fields["staff_member"].initial = actor.pk
        self.fields["event"].queryset = recent_events()
        self.fields["policy"].queryset = recent_policies()
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

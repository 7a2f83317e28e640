"""The ledgers' filters: django-filter FilterSets in the member directory's style.

Every parameter is optional. A value that does not validate (a year of letters, an unknown
choice) is reported on the field, and the page then lists nothing rather than rows the filter
was meant to leave out.
"""

import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from chambers.models import DutyMonth, FourGoodEvaluation, Organization
from core.dates import PAST
from core.months import add_months
from core.pagecache import cached_fragment
from core.widgets import QuickSelect
from events.models import Event, Registration
from members.choices import Industry, PartyOrganisation, SizeClass
from members.filters import search_enterprises, township_choices
from members.models import Enterprise, PublicPost, RepresentativePerson, RepresentativeTag
from petitions.models import Category, Department, Suggestion, Urgency
from petitions.states import Status
from services.models import ServiceField, ServiceRecipient
from visits.models import Visit

MIN_YEAR, MAX_YEAR = 1900, 2100
MONTH_CHOICES = [(str(number), name) for number, name in MONTHS.items()]
COVERED = [PartyOrganisation.OWN_BRANCH, PartyOrganisation.JOINT_BRANCH]


class YearField(forms.IntegerField):
    """A four-digit year."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"placeholder": _("Any year")}))
        super().__init__(**kwargs)


def day_range(field: str, start: datetime.date, end: datetime.date, *, datetimes: bool) -> Q:
    """`field` on or after `start` and before `end`; for a datetime, in local time."""
    if datetimes:
        start = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
        end = timezone.make_aware(datetime.datetime.combine(end, datetime.time.min))
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def period(field: str, year: int | None, month: int | None, *, datetimes: bool) -> Q:
    """A year, a month of a year, or (month alone) that month of every year."""
    if year and month:
        start = datetime.date(year, month, 1)
        return day_range(field, start, add_months(start, 1), datetimes=datetimes)
    if year:
        return day_range(
            field, datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1), datetimes=datetimes
        )
    if month:
        return Q(**{f"{field}__month": month})
    return Q()


class YearFilter(django_filters.Filter):
    """Rows whose date (a datetime: its local date) falls in the year."""

    field_class = YearField

    def __init__(self, *args, datetimes: bool = False, **kwargs):
        self.datetimes = datetimes
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(period(self.field_name, value, None, datetimes=self.datetimes))


class YearNumberFilter(django_filters.NumberFilter):
    """A year kept as a number (a four-good evaluation's)."""

    field_class = YearField


class Choice(django_filters.ChoiceFilter):
    """A choice of a fixed list, with "All" first, rendered by QuickSelect."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("All"))
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(*args, **kwargs)


class ModelChoice(django_filters.ModelChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("All"))
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(*args, **kwargs)


class EventChoice(ModelChoice):
    """An event of `queryset`, chosen by its public id (`?event=<uuid>`). The filter set says
    which events its `<select>` offers (`offer_events`): a municipal federation holds
    thousands, and drawing each as a model instance cost 0.1 ms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "public_id")
        super().__init__(*args, **kwargs)


def event_options(events) -> list[tuple[str, str]]:
    """(public id, "date title") of these events, newest first."""
    rows = events.order_by("-starts_at", "-id").values_list("public_id", "starts_at", "title")
    return [
        (str(public_id), f"{short_date(starts_at)} {title}") for public_id, starts_at, title in rows
    ]


def short_date(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def offer_events(filterset, options: list[tuple[str, str]]) -> None:
    """The event field's `<select>` offers these options after "All"."""
    field = filterset.form.fields["event"]
    field.widget.choices = [("", field.empty_label), *options]


def campaign_options() -> list[tuple[str, str]]:
    """Every charity campaign, newest first, in the active language (hundreds at a municipal
    federation), kept under the event table's stamp as the township choices are."""
    return cached_fragment(
        "campaign-choices",
        depends_on=(Event,),
        vary_on=(translation.get_language(),),
        render=lambda: event_options(Event.objects.filter(kind=Event.Kind.CHARITY)),
    )


def organizations_for_choice():
    return Organization.objects.only("name", "kind").order_by("kind", "name")


class LedgerFilterSet(django_filters.FilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            widget.attrs["class"] = (
                "form-select" if isinstance(widget, forms.Select) else "form-control"
            )


class PeriodFilterSet(LedgerFilterSet):
    """`year` and `month` (1–12) together on one date or datetime field."""

    period_field = ""
    period_datetimes = False

    year = YearFilter(label=_("Year"), method="keep")
    month = Choice(label=_("Month"), choices=MONTH_CHOICES, method="keep")

    def keep(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        month = int(data["month"]) if data.get("month") else None
        return queryset.filter(
            period(self.period_field, data.get("year"), month, datetimes=self.period_datetimes)
        )


def date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberFilter(LedgerFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)
    status = Choice(label=_("Membership status"), choices=Enterprise.Status.choices)
    industry = Choice(label=_("Industry"), choices=Industry.choices)
    township = Choice(label=_("Township or street"), choices=township_choices)
    size = Choice(label=_("Size"), choices=SizeClass.choices)
    year = YearFilter(label=_("Year joined"), field_name="joined_on")
    member_on = django_filters.DateFilter(
        label=_("On the roll on"),
        method="filter_member_on",
        widget=date_widget(),
        validators=[PAST],
    )
    left_year = YearFilter(label=_("Year left"), field_name="left_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget.attrs["placeholder"] = _("Name, pinyin or credit code")

    def filter_q(self, queryset, name, value):
        return search_enterprises(queryset, value)

    def filter_member_on(self, queryset, name, value):
        return queryset.members_on(value)


class PartyFilter(LedgerFilterSet):
    """The members on the roll today unless a status (or "All") or another day is chosen."""

    status = Choice(label=_("Membership status"), choices=Enterprise.Status.choices)
    kind = Choice(
        label=_("Party organisation"),
        field_name="party_organisation",
        choices=PartyOrganisation.choices,
    )
    covered = Choice(
        label=_("Organisational coverage"),
        choices=[("1", _("Own or joint branch")), ("0", _("Not covered"))],
        method="filter_covered",
    )
    township = Choice(label=_("Township or street"), choices=township_choices)
    industry = Choice(label=_("Industry"), choices=Industry.choices)
    year = YearFilter(label=_("Year set up"), field_name="party_organisation_since")
    member_on = django_filters.DateFilter(
        label=_("On the roll on"),
        method="filter_member_on",
        widget=date_widget(),
        validators=[PAST],
    )

    def __init__(self, data=None, *args, **kwargs):
        # The members on the roll today, as the dashboard's coverage counts them.
        if data is not None and "status" not in data and "member_on" not in data:
            data = data.copy()
            data["member_on"] = timezone.localdate().isoformat()
        super().__init__(data, *args, **kwargs)

    def filter_member_on(self, queryset, name, value):
        return queryset.members_on(value)

    def filter_covered(self, queryset, name, value):
        covered = Q(party_organisation__in=COVERED)
        return queryset.filter(covered if value == "1" else ~covered)


class RepresentativeFilter(LedgerFilterSet):
    """`post_kind` and `post_level` together ask for one post of that kind at that level."""

    tag = ModelChoice(
        label=_("Tag"), field_name="tags", queryset=RepresentativeTag.objects.order_by("name")
    )
    post_kind = Choice(label=_("Public post"), choices=PublicPost.Kind.choices, method="keep")
    post_level = Choice(
        label=_("Level of the post"), choices=PublicPost.Level.choices, method="keep"
    )
    gender = Choice(label=_("Gender"), choices=RepresentativePerson.Gender.choices)

    def keep(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        wanted = {key: data[name] for name, key in (("post_kind", "kind"), ("post_level", "level"))}
        wanted = {key: value for key, value in wanted.items() if value}
        if not wanted:
            return queryset
        posts = PublicPost.objects.filter(person=OuterRef("pk"), **wanted)
        return queryset.filter(Exists(posts))


class OrganizationFilter(LedgerFilterSet):
    kind = Choice(label=_("Kind"), choices=Organization.Kind.choices)


class EvaluationFilter(LedgerFilterSet):
    year = YearNumberFilter(label=_("Year"), field_name="year")
    level = Choice(label=_("Level"), choices=FourGoodEvaluation.Level.choices)
    kind = Choice(
        label=_("Kind of organisation"),
        field_name="organization__kind",
        choices=Organization.Kind.choices,
    )


class EventFilter(PeriodFilterSet):
    period_field = "starts_at"
    period_datetimes = True

    kind = Choice(label=_("Kind"), choices=Event.Kind.choices)
    status = Choice(label=_("Status"), choices=Event.Status.choices)
    organizer = ModelChoice(
        label=_("Organiser"),
        queryset=organizations_for_choice(),
        null_label=_("The federation"),
    )


class AttendanceFilter(PeriodFilterSet):
    """Any event may be chosen (the events ledger links here with `?event=<uuid>`); the list
    offers the events of the year and month chosen, and the one chosen: a municipal
    federation holds thousands of events, a `<select>` of 450 KB that took 30 ms to draw."""

    period_field = "event__starts_at"
    period_datetimes = True

    kind = Choice(label=_("Kind of event"), field_name="event__kind", choices=Event.Kind.choices)
    event = EventChoice(
        label=_("Event"),
        queryset=Event.objects.all(),
        help_text=_("Choose a year and a month to list their events."),
    )
    status = Choice(label=_("Registration"), choices=Registration.Status.choices)
    checked_in = Choice(
        label=_("Checked in"),
        choices=[("1", _("Checked in only")), ("0", _("Not checked in"))],
        method="filter_checked_in",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_valid()  # cleans the form: its valid fields are in cleaned_data
        data = getattr(self.form, "cleaned_data", {})
        year, month, chosen = data.get("year"), data.get("month"), data.get("event")
        events = Event.objects.none()
        if year and month:
            events = Event.objects.filter(period("starts_at", year, int(month), datetimes=True))
            if data.get("kind"):
                events = events.filter(kind=data["kind"])
        if chosen is not None:
            events = events | Event.objects.filter(pk=chosen.pk)
        offer_events(self, event_options(events))  # no query when none is chosen

    def filter_checked_in(self, queryset, name, value):
        return queryset.filter(checked_in_at__isnull=value != "1")


class DonationFilter(LedgerFilterSet):
    year = YearFilter(label=_("Year received"), field_name="received_on")
    event = EventChoice(label=_("Campaign"), queryset=Event.objects.filter(kind=Event.Kind.CHARITY))
    organization = ModelChoice(label=_("Donor chamber"), queryset=organizations_for_choice())
    enterprise = django_filters.CharFilter(
        label=_("Donor enterprise"), method="filter_enterprise", max_length=100
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["enterprise"].widget.attrs["placeholder"] = _(
            "Name, pinyin or credit code"
        )
        offer_events(self, campaign_options())

    def filter_enterprise(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(
            enterprise__in=search_enterprises(Enterprise.objects.all(), value).values("pk")
        )


SUGGESTION_STATES = {
    "submitted": Q(),
    "sent": Q(sent_on__isnull=False),
    "forwarded": Q(forwarded_on__isnull=False),
    "adopted": ~Q(adopted_level=""),
}


class SuggestionFilter(LedgerFilterSet):
    year = YearFilter(label=_("Year submitted"), field_name="created_at", datetimes=True)
    kind = Choice(label=_("Kind"), choices=Suggestion.Kind.choices)
    state = Choice(
        label=_("Reached"),
        choices=[
            ("submitted", _("Submitted (all)")),
            ("sent", _("Sent on")),
            ("forwarded", _("Forwarded to the next level")),
            ("adopted", _("Adopted")),
        ],
        method="filter_state",
    )
    level = Choice(
        label=_("Adopted at level"), field_name="adopted_level", choices=Suggestion.Level.choices
    )

    def filter_state(self, queryset, name, value):
        return queryset.filter(SUGGESTION_STATES[value])


class DutyFilter(LedgerFilterSet):
    year = YearFilter(label=_("Year"), field_name="month")
    status = Choice(label=_("Status"), choices=DutyMonth.Status.choices)


class VisitFilter(PeriodFilterSet):
    """By the visit's day (`Visit.objects.with_day`): the day it was made, else planned."""

    period_field = "visit_day"

    status = Choice(label=_("Status"), choices=Visit.Status.choices)
    enterprise = django_filters.CharFilter(
        label=_("Enterprise visited"), method="filter_enterprise", max_length=100
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["enterprise"].widget.attrs["placeholder"] = _(
            "Name, pinyin or credit code"
        )

    def filter_enterprise(self, queryset, name, value):
        if not value.strip():
            return queryset
        enterprises = search_enterprises(Enterprise.objects.all(), value).values("pk")
        visited = Visit.enterprises.through.objects.filter(enterprise__in=enterprises)
        return queryset.filter(pk__in=visited.values("visit_id"))


class PetitionFilterForm(forms.Form):
    """The petition ledger's filters: a plain form, applied by `PetitionsLedger.filtered`."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), *Status.choices],
        widget=QuickSelect,
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("Any")), *Category.choices],
        widget=QuickSelect,
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        required=False,
        choices=[("", _("Any")), *Urgency.choices],
        widget=QuickSelect,
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.only("name"),
        widget=QuickSelect,
    )
    handler = forms.ModelChoiceField(
        label=_("Handler"),
        required=False,
        queryset=get_user_model()
        .objects.filter(is_staff=True)
        .order_by("real_name", "pk")
        .only("real_name", "email"),
        widget=QuickSelect,
    )
    month = forms.DateField(
        label=_("Month filed"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        validators=[PAST],
    )
    year = YearField(label=_("Year filed"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Rendered by hand in the ledger (crispy costs milliseconds a field on a hot page).
        for field in self.fields.values():
            widget = field.widget
            if widget.input_type == "checkbox":
                widget.attrs["class"] = "form-check-input"
            elif widget.input_type == "select":
                widget.attrs["class"] = "form-select mb-3"
            else:
                widget.attrs["class"] = "form-control mb-3"


class ServiceFilter(LedgerFilterSet):
    year = YearFilter(label=_("Year"), field_name="given_on")
    field = ModelChoice(label=_("Field"), queryset=ServiceField.objects.all(), to_field_name="code")
    # The fields whose outcome is a loan, hours or people placed, however many there are: what
    # the dashboard's and the report's outcome figures add up (services.models.outcome_sums).
    terms = Choice(
        label=_("Outcome recorded as"),
        field_name="field__terms",
        choices=ServiceField.Terms.choices,
    )
    organization = ModelChoice(label=_("Given by chamber"), queryset=organizations_for_choice())
    enterprise = django_filters.CharFilter(
        label=_("Enterprise served"), method="filter_enterprise", max_length=100
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["enterprise"].widget.attrs["placeholder"] = _(
            "Name, pinyin or credit code"
        )

    def filter_enterprise(self, queryset, name, value):
        if not value.strip():
            return queryset
        served = ServiceRecipient.objects.filter(
            enterprise__in=search_enterprises(Enterprise.objects.all(), value).values("pk")
        )
        return queryset.filter(pk__in=served.values("record_id"))

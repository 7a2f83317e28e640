from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import CALENDAR
from core.months import add_months, month_end, month_start, months_between
from core.submissions import OncePerForm

from ..models import DutyLogEntry, DutyMonth
from ..services import eligible_posts

User = get_user_model()
MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d", "%Y年%m月"]


class MonthField(forms.DateField):
    widget = MONTH_WIDGET

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [CALENDAR])
        super().__init__(input_formats=MONTH_FORMATS, **kwargs)

    def clean(self, value):
        day = super().clean(value)
        return month_start(day) if day else day


def leader_choices(day):
    posts = eligible_posts(day)
    users = {p.holder_id: p.holder for p in posts.values()}
    return [(pk, f"{users[pk]} · {posts[pk].get_position_display()} · {posts[pk].organization}")
            for pk in posts]  # fmt: skip


class GenerateForm(forms.Form):
    first = MonthField(label=_("From month"))
    last = MonthField(label=_("To month"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        start = add_months(month_start(timezone.localdate()), 1)
        self.fields["first"].initial = start
        self.fields["last"].initial = add_months(start, 11)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last:
            if last < first:
                raise forms.ValidationError(_("The last month comes before the first."))
            if months_between(first, last) >= 36:
                raise forms.ValidationError(_("Plan at most three years at a time."))
        return cleaned


class AssignForm(forms.Form):
    chair = forms.TypedChoiceField(label=_("Executive chair"), coerce=int, required=False,
                                   empty_value=None)  # fmt: skip
    status = forms.ChoiceField(label=_("Status"), choices=DutyMonth.Status.choices)
    reason = forms.CharField(label=_("Reason for the change"), max_length=100)

    def __init__(self, *args, duty_month, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].choices = [("", _("(nobody yet)")), *leader_choices(duty_month.month)]

    def clean_chair(self):
        pk = self.cleaned_data["chair"]
        return User.objects.get(pk=pk) if pk else None


class LogEntryForm(OncePerForm, forms.ModelForm):
    class Meta:
        model = DutyLogEntry
        fields = ["day", "kind", "text", "members_recruited"]
        widgets = {
            "day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, month=None, **kwargs):
        super().__init__(*args, **kwargs)
        if month is not None:  # the date picker offers the month's days up to today
            last = min(month_end(month), timezone.localdate())
            self.fields["day"].widget.attrs.update(min=month.isoformat(), max=last.isoformat())


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Monthly summary"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the month achieved and what the next chair should pick up."),
    )


class SwapForm(OncePerForm, forms.Form):
    month = forms.ModelChoiceField(label=_("My month to give"), queryset=DutyMonth.objects.none())
    counterpart = forms.TypedChoiceField(label=_("Swap with"), coerce=int)
    other_month = forms.ModelChoiceField(
        label=_("Their month I take in exchange"),
        queryset=DutyMonth.objects.none(),
        required=False,
        help_text=_("Leave empty to ask them to take your month over."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        future = DutyMonth.objects.filter(month__gt=today).select_related("chair")
        self.fields["month"].queryset = future.filter(chair=user)
        self.fields["other_month"].queryset = future.exclude(chair=user).exclude(chair=None)
        self.fields["counterpart"].choices = [
            c for c in leader_choices(add_months(month_start(today), 1)) if c[0] != user.pk
        ]

    def clean_counterpart(self):
        return User.objects.get(pk=self.cleaned_data["counterpart"])


class UnavailableForm(forms.Form):
    month = MonthField(label=_("Month"))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    available = forms.BooleanField(required=False, widget=forms.HiddenInput)

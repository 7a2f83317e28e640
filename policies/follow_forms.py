"""The follow-through panel's forms: an enterprise's mark on a policy, and its question."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.submissions import OncePerForm

from .models import FollowUp

# A leading blank, so that an enterprise that has not marked the policy chooses its mark
# (rather than sending the first one without reading it).
MARK_CHOICES = [
    ("", "—"),
    *((state.value, state.label) for state in FollowUp.State if state.value),
]


class MarkForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Where your enterprise stands"),
        choices=MARK_CHOICES,
        error_messages={"required": _("Choose a mark from the list.")},
    )
    amount = forms.DecimalField(
        label=_("Amount granted (yuan)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text=_("Required when the support was granted."),
    )

    def __init__(self, *args, follow_up=None, **kwargs):
        if follow_up is not None and follow_up.state and "initial" not in kwargs:
            kwargs["initial"] = {"state": follow_up.state, "amount": follow_up.amount}
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("state") == FollowUp.State.GRANTED:
            amount = cleaned.get("amount")
            if amount is None and "amount" not in self.errors:
                self.add_error("amount", _("Give the amount granted, in yuan."))
            elif amount is not None and amount <= 0:
                self.add_error("amount", _("The amount granted must be more than 0 yuan."))
        return cleaned


class AskForm(OncePerForm, forms.Form):
    """A create form: sent twice, it files one petition (core/submissions.py)."""

    text = forms.CharField(
        label=_("Your question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("It is filed as a petition about this policy; staff answer it there."),
    )

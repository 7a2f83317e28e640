from django import forms
from django.utils.translation import gettext_lazy as _

from ..ledgers.filters import YearField
from .kinds import KINDS, BadCursor, Cursor


def kind_choices():
    return [(kind.code, kind.label) for kind in KINDS.values()]


class TimelineFilter(forms.Form):
    """What the timeline shows: some kinds (every kind when none is ticked), a year, and where
    the page begins (`after`: the cursor of an "older" link of this enterprise's timeline; the
    newest entries without one, or with one that is not a cursor for this enterprise, which
    `refused` then tells)."""

    kind = forms.MultipleChoiceField(
        label=_("Show"),
        required=False,
        choices=kind_choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    year = YearField(label=_("Year"), required=False)
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs["class"] = "form-control"
        self.enterprise = enterprise
        self.refused = False

    def clean_after(self) -> Cursor | None:
        value = self.cleaned_data["after"]
        if not value:
            return None
        try:
            return Cursor.loads(value, enterprise=self.enterprise.pk)
        except BadCursor:
            self.refused = True
            return None

    def kinds(self):
        """The kinds chosen, in the timeline's order; every kind when none is."""
        chosen = self.cleaned_data["kind"]
        return [kind for code, kind in KINDS.items() if not chosen or code in chosen]

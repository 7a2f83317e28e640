from django import forms
from django.utils.translation import gettext_lazy as _

from ..ledgers.filters import YearField
from .kinds import KINDS

# Page 1,000 is 50,000 entries back: past any enterprise's record.
MAX_PAGE = 100  # fifty a page: the newest 5,000 entries of each kind at the most


def kind_choices():
    return [(kind.code, kind.label) for kind in KINDS.values()]


class TimelineFilter(forms.Form):
    """What the timeline shows: some kinds (every kind when none is ticked), a year, a page."""

    kind = forms.MultipleChoiceField(
        label=_("Show"),
        required=False,
        choices=kind_choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    year = YearField(label=_("Year"), required=False)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs["class"] = "form-control"

    def kinds(self):
        """The kinds chosen, in the timeline's order; every kind when none is."""
        chosen = self.cleaned_data["kind"]
        return [kind for code, kind in KINDS.items() if not chosen or code in chosen]

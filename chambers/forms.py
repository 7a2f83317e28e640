from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.dates import PAST
from core.submissions import OncePerForm
from members.enterprise_fields import find_member

from .models import Affiliation


class AddMemberForm(OncePerForm, forms.Form):
    """A chamber's keeper names an enterprise of the federation, by credit code or exact name."""

    enterprise = forms.CharField(
        label=_("Credit code or exact name"),
        max_length=100,
        help_text=_("The enterprise must be a current member of the federation."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Affiliation.Role.choices, initial=Affiliation.Role.MEMBER_UNIT
    )
    joined_on = forms.DateField(
        label=_("Joined"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for today."),
        validators=[PAST],
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "submission",
            Row(
                Column("enterprise", css_class="col-md-5"),
                Column("role", css_class="col-md-3"),
                Column("joined_on", css_class="col-md-2"),
                Column(
                    Submit("add", _("Add member"), css_class="mt-md-4"),
                    css_class="col-md-2",
                ),
            ),
        )

    def clean_enterprise(self):
        enterprise = find_member(self.cleaned_data["enterprise"])
        if self.organization.affiliations.filter(
            enterprise=enterprise, left_on__isnull=True
        ).exists():
            raise ValidationError(
                _("%(name)s is already a member of %(organization)s.")
                % {"name": enterprise.name, "organization": self.organization.name},
                code="duplicate",
            )
        return enterprise

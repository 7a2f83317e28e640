"""The member roster as an Excel sheet: one column definition for export and import."""

import functools

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from core import excel

from .choices import Industry, LegalForm, Ownership, PartyOrganisation, SizeClass
from .models import Enterprise, Township
from .roll import CellError


class ChoiceWidget(widgets.Widget):
    """Reads a choice by its code or by its label (in either language); writes the label."""

    def __init__(self, choices, *, required=True):
        super().__init__()
        self.choices = choices
        self.required = required

    @functools.cached_property
    def names(self) -> dict[str, str]:
        """{code or label in any language, lower case: code}, made once per widget."""
        names = {}
        for code, label in self.choices.choices:
            names[code.lower()] = code
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    names.setdefault(str(label).lower(), code)
        return names

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            if self.required:
                raise ValueError(_("This column must not be empty."))
            return ""
        try:
            return self.names[text.lower()]
        except KeyError:
            raise ValueError(
                _("“%(value)s” is not one of the allowed values.") % {"value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return str(self.choices(value).label)


class DayWidget(widgets.DateWidget):
    """A date as the roster writes it (2024-05-01) or an Excel date cell; anything else is
    refused in the reader's language (the library's own message is English only)."""

    written = "%Y-%m-%d"

    def __init__(self):
        super().__init__(self.written)

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date: write it as 2024-05-01.") % {"value": value}
            ) from None


class TownshipWidget(widgets.ForeignKeyWidget):
    """Writes the township's name; reads the name or code as typed, which members.roll looks
    up among the townships the federation serves (all of them in one query per import)."""

    def __init__(self):
        super().__init__(Township, field="name")

    def clean(self, value, row=None, **kwargs):
        name = str(value or "").strip()
        if not name:
            raise ValueError(_("This column must not be empty."))
        return name


SHEET_TITLE = _("Member directory")


def column(attribute, label, widget=None):
    return fields.Field(attribute=attribute, column_name=label, widget=widget)


class EnterpriseResource(resources.ModelResource):
    member_number = column("member_number", _("member number"))
    name = column("name", _("enterprise name"))
    credit_code = column("credit_code", _("unified social credit code"))
    status = column(
        "status", _("membership status"), ChoiceWidget(Enterprise.Status, required=False)
    )
    legal_representative = column("legal_representative", _("legal representative"))
    industry = column("industry", _("industry"), ChoiceWidget(Industry))
    industry_division = column("industry_division", _("industry division"))
    size = column("size", _("size"), ChoiceWidget(SizeClass))
    ownership = column("ownership", _("ownership"), ChoiceWidget(Ownership))
    legal_form = column("legal_form", _("legal form"), ChoiceWidget(LegalForm, required=False))
    township = column("township", _("township or street"), TownshipWidget())
    address = column("address", _("address"))
    founded_on = column("founded_on", _("date founded"), DayWidget())
    employees = column("employees", _("employees"), widgets.IntegerWidget())
    registered_capital = column(
        "registered_capital", _("registered capital (10,000 yuan)"), widgets.DecimalWidget()
    )
    joined_on = column("joined_on", _("date joined the federation"), DayWidget())
    contact_name = column("contact_name", _("contact person"))
    contact_mobile = column("contact_mobile", _("contact mobile"))
    contact_phone = column("contact_phone", _("office telephone"))
    email = column("email", _("e-mail"))
    party_organisation = column(
        "party_organisation",
        _("party organisation"),
        ChoiceWidget(PartyOrganisation, required=False),
    )
    party_members = column("party_members", _("party members"), widgets.IntegerWidget())
    party_instructor = column("party_instructor", _("party-building instructor"))

    PRIVATE_FIELDS = ("contact_mobile", "contact_phone")

    class Meta:
        model = Enterprise
        import_id_fields = ["credit_code"]
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True
        use_transactions = True
        fields = [
            "member_number", "name", "credit_code", "status", "legal_representative",
            "industry", "industry_division", "size", "ownership", "legal_form", "township",
            "address", "founded_on", "employees", "registered_capital", "joined_on",
            "contact_name", "contact_mobile", "contact_phone", "email", "party_organisation",
            "party_members", "party_instructor",
        ]  # fmt: skip

    def __init__(self, *, include_private: bool = False, **kwargs):
        super().__init__(**kwargs)
        if not include_private:
            for name in self.PRIVATE_FIELDS:
                self.fields.pop(name, None)
        # The sheet's headers are always in the portal's main language, whatever the UI shows.
        with translation.override(settings.LANGUAGE_CODE):
            for field in self.fields.values():
                field.column_name = str(field.column_name)

    def export_workbook(self, queryset, progress=None):
        """The roster as a workbook in a rewound temporary file, streamed a chunk of rows at a
        time: dates, numbers and text as such, through the portal's one Excel writer.
        `progress` (a background job's) counts the rows written."""
        enterprises = self.iter_queryset(queryset)
        if progress is not None:
            enterprises = progress.counted(enterprises, queryset.count())
        rows = (
            self.export_resource(enterprise, force_native_type=True) for enterprise in enterprises
        )
        return excel.write(SHEET_TITLE, self.get_export_headers(), rows)


def read_roster(dataset) -> list[dict]:
    """A roster sheet's rows as the enterprises' field values (members.roll puts them on the
    roll), one per data row in order; the columns the sheet has, by their headers, each cell
    read by its column's widget. A cell that cannot be read is a `CellError` saying why."""
    resource = EnterpriseResource(include_private=True)
    headers = list(dataset.headers or [])
    columns = [
        (name, field, headers.index(field.column_name))
        for name, field in resource.fields.items()
        if field.column_name in headers
    ]
    rows = []
    for values in dataset:
        row = {}
        for name, field, index in columns:
            try:
                row[name] = field.widget.clean(values[index])
            except ArithmeticError:  # a number column's text that is no number
                row[name] = CellError(gettext("Enter a number."))
            except ValueError as error:
                row[name] = CellError(str(error))
        rows.append(row)
    return rows

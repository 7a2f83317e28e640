"""The member roster as an Excel sheet: one column definition for export and import."""

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from core import excel

from .choices import Industry, LegalForm, Ownership, PartyOrganisation, SizeClass
from .models import Enterprise, Township
from .validators import normalize_credit_code, normalize_landline, normalize_mobile


class ChoiceWidget(widgets.Widget):
    """Reads a choice by its code or by its label (in either language); writes the label."""

    def __init__(self, choices, *, required=True):
        super().__init__()
        self.choices = choices
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            if self.required:
                raise ValueError(_("This column must not be empty."))
            return ""
        for code, label in self.choices.choices:
            names = {code.lower(), str(label).lower()}
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    names.add(str(label).lower())
            if text.lower() in names:
                return code
        raise ValueError(_("“%(value)s” is not one of the allowed values.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return str(self.choices(value).label)


class TownshipWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Township, field="name")

    def clean(self, value, row=None, **kwargs):
        name = str(value or "").strip()
        if not name:
            raise ValueError(_("This column must not be empty."))
        township = (
            Township.objects.filter(name=name).first() or Township.objects.filter(code=name).first()
        )
        if township is None:
            raise ValueError(_("Unknown township or street: %(name)s") % {"name": name})
        return township


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
    founded_on = column("founded_on", _("date founded"), widgets.DateWidget("%Y-%m-%d"))
    employees = column("employees", _("employees"), widgets.IntegerWidget())
    registered_capital = column(
        "registered_capital", _("registered capital (10,000 yuan)"), widgets.DecimalWidget()
    )
    joined_on = column("joined_on", _("date joined the federation"), widgets.DateWidget("%Y-%m-%d"))
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

    def __init__(self, *, include_private: bool = False, progress=None, total=None, **kwargs):
        super().__init__(**kwargs)
        self.progress, self.total, self.rows_done = progress, total, 0
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

    def after_import_row(self, row, row_result, **kwargs):
        self.rows_done += 1
        if self.progress is not None:
            self.progress(self.rows_done, self.total)

    def before_import_row(self, row, **kwargs):
        header = {name: field.column_name for name, field in self.fields.items()}
        code = header["credit_code"]
        row[code] = normalize_credit_code(str(row.get(code) or ""))
        for name, normalise in (
            ("contact_mobile", normalize_mobile),
            ("contact_phone", normalize_landline),
        ):
            if name in header and row.get(header[name]) is not None:
                row[header[name]] = normalise(str(row[header[name]]))
        if row.get(header["party_members"]) in (None, ""):
            row[header["party_members"]] = 0
        # An empty cell of a text column is an empty string, not NULL.
        for name, column_name in header.items():
            model_field = Enterprise._meta.get_field(name)
            text = isinstance(model_field, (models.CharField, models.TextField))
            if text and row.get(column_name) is None and not model_field.null:
                row[column_name] = ""

    def before_save_instance(self, instance, row, **kwargs):
        from .services import next_member_number

        # A dry run keeps the placeholder: nothing it saves is kept, and taking real numbers
        # would lock the year's counter (and so every approval) for the whole check.
        if getattr(instance, "_needs_member_number", False) and not self._is_dry_run(kwargs):
            instance.member_number = next_member_number(instance.joined_on.year)

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            # Defaults for new rows before full_clean, so it judges the real values (and a
            # row with one bad cell reports only that cell).
            if not instance.joined_on:
                instance.joined_on = timezone.localdate()
            if not instance.status:
                instance.status = Enterprise.Status.MEMBER
            if not instance.party_organisation:
                instance.party_organisation = PartyOrganisation.NONE
            if not instance.member_number:
                # A placeholder that passes validation; the real number is taken on save.
                instance._needs_member_number = True
                instance.member_number = f"+{instance.credit_code}"

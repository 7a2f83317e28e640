from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import excel
from core.dates import PAST
from core.held_uploads import KeepsUploads
from core.submissions import OncePerForm
from core.uploads import (
    PDF_AND_IMAGES,
    max_megabytes,
    max_megapixels,
    max_unzipped_megabytes,
    upload_problem,
    zip_problem,
)
from core.widgets import QuickSelect

from .choices import INDUSTRY_DIVISIONS
from .models import Application, Enterprise, EnterpriseQualification
from .services import credit_code_taken
from .validators import (
    credit_code_checksum_ok,
    is_division_of,
    normalize_division,
    normalize_landline,
    normalize_mobile,
    validate_mobile,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def clean_upload(upload):
    """Only PDF, JPEG or PNG, checked by extension and by content, within the size limit."""
    if upload is None:
        return upload
    problem = upload_problem(upload, PDF_AND_IMAGES)
    messages = {
        "file_type": _("Upload a PDF, JPEG or PNG file."),
        "file_size": _("The file is too large: at most %(mb)d MB.") % {"mb": max_megabytes()},
        "file_content": _("The file's content is not a PDF, JPEG or PNG image."),
        "image_pixels": _(
            "The image has too many pixels: at most %(megapixels)d million. "
            "Scan or photograph it at a lower resolution."
        )
        % {"megapixels": max_megapixels()},
    }
    if problem:
        raise ValidationError(messages[problem], code=problem)
    return upload


class EnterpriseDetailsMixin:
    """Normalisation and checks of the fields an enterprise fills in about itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Its lists (industries, their 97 divisions, townships, sizes...) drawn without a
        # template an option: Django's Select took half of the page's 25-50 ms of CPU
        # (bench/pages.py).
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                quick = QuickSelect(attrs=field.widget.attrs)
                quick.choices = field.widget.choices
                field.widget = quick
        # People type "+86 136-0000-1234": accept that much, store the 11 digits.
        if "contact_mobile" in self.fields:
            field = self.fields["contact_mobile"]
            self.fields["contact_mobile"] = forms.CharField(
                label=field.label, max_length=24, help_text=_("11 digits, such as 13800138000.")
            )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_contact_mobile(self):
        return normalize_mobile(self.cleaned_data["contact_mobile"])

    def clean_contact_phone(self):
        return normalize_landline(self.cleaned_data.get("contact_phone", ""))

    def clean(self):
        cleaned = super().clean()
        division = normalize_division(cleaned.get("industry_division", ""))
        cleaned["industry_division"] = division
        industry = cleaned.get("industry")
        if division and industry:
            low, high = INDUSTRY_DIVISIONS[industry]
            if not is_division_of(industry, division):
                self.add_error(
                    "industry_division",
                    _("Divisions of this industry run from %(low)02d to %(high)02d.")
                    % {"low": low, "high": high},
                )
        return cleaned


class ApplicationForm(OncePerForm, KeepsUploads, EnterpriseDetailsMixin, forms.ModelForm):
    confirm_credit_code = forms.BooleanField(
        label=_("I confirm the code is exactly as printed on our business licence"),
        required=False,
        help_text=_("Only needed when the code's check character does not verify."),
    )
    consent = forms.BooleanField(
        label=_("I agree that the federation handles the personal data in this form"),
        help_text=_(
            "The contact person's name, mobile phone and e-mail are used only to handle the "
            "membership and to contact the enterprise; phone numbers are shown only to "
            "federation staff."
        ),
        error_messages={"required": _("Registration needs your consent.")},
    )

    class Meta:
        model = Application
        fields = [
            "name", "credit_code", "legal_representative", "industry", "industry_division",
            "size", "ownership", "legal_form", "township", "address", "founded_on",
            "employees", "registered_capital", "business_scope", "contact_name",
            "contact_mobile", "contact_phone", "email", "licence",
        ]  # fmt: skip
        widgets = {
            "founded_on": DATE_WIDGET,
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "licence": forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checksum_ok = True

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"]  # normalised and 18 valid characters
        taken = credit_code_taken(code)
        if taken == "member":
            raise ValidationError(
                _("An enterprise with this credit code is already a member of the federation."),
                code="duplicate",
            )
        if taken == "pending":
            raise ValidationError(
                _("An application for this credit code is already under review."),
                code="duplicate",
            )
        return code

    def clean_licence(self):
        return clean_upload(self.cleaned_data.get("licence"))

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("credit_code")
        if code and not credit_code_checksum_ok(code):
            self.checksum_ok = False
            if not cleaned.get("confirm_credit_code"):
                self.add_error(
                    "credit_code",
                    _(
                        "The check character of this code does not verify. Check it against "
                        "the business licence; if it is exactly as printed, tick the "
                        "confirmation below."
                    ),
                )
        return cleaned

    def details(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields if name != "licence"}


class AccountForm(forms.Form):
    real_name = forms.CharField(label=_("Your name"), max_length=50)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("You log in with this address."), max_length=254
    )
    mobile = forms.CharField(label=_("Mobile phone"), max_length=20)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_mobile(self):
        mobile = normalize_mobile(self.cleaned_data["mobile"])
        validate_mobile(mobile)
        return mobile

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            from .models import User

            probe = User(email=cleaned.get("email", ""), real_name=cleaned.get("real_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        if not (self.has_error("password1") or self.has_error("password2")):
            # Good passwords are shown again (masked) when another field sends the form
            # back, so that the applicant need not type them twice more.
            for name in ("password1", "password2"):
                self.fields[name].widget.render_value = True
        return cleaned


def account_layout() -> Layout:
    return Layout(
        Fieldset(_("Your account"), "real_name", "email", "mobile", "password1", "password2")
    )


def application_layout() -> Layout:
    return Layout(
        Fieldset(
            _("The enterprise"),
            "name", "credit_code", "confirm_credit_code", "legal_representative",
            "industry", "industry_division", "size", "ownership", "legal_form", "township",
            "address", "founded_on", "employees", "registered_capital", "business_scope",
        ),
        Fieldset(_("Contact"), "contact_name", "contact_mobile", "contact_phone", "email"),
        Fieldset(_("Documents and consent"), "licence", "held_uploads", "consent", "submission"),
        Submit("submit", _("Submit application"), css_class="btn-primary"),
    )  # fmt: skip


def form_helper(layout=None, *, form_tag=False) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    if layout is not None:
        helper.layout = layout
    return helper


class ProfileForm(EnterpriseDetailsMixin, forms.ModelForm):
    """What an enterprise may change about itself: not its code, name or status."""

    class Meta:
        model = Enterprise
        fields = [
            "legal_representative", "industry", "industry_division", "size", "ownership",
            "legal_form", "township", "address", "founded_on", "employees",
            "registered_capital", "business_scope", "contact_name", "contact_mobile",
            "contact_phone", "email",
        ]  # fmt: skip
        widgets = {"founded_on": DATE_WIDGET, "business_scope": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class StaffEnterpriseForm(ProfileForm):
    """Staff keep the whole record, party-organisation data included."""

    class Meta(ProfileForm.Meta):
        fields = [
            "name", "credit_code", "member_number", "joined_on", *ProfileForm.Meta.fields,
            "party_organisation", "party_members", "party_instructor",
            "party_organisation_since",
        ]  # fmt: skip
        widgets = {
            **ProfileForm.Meta.widgets,
            "joined_on": DATE_WIDGET,
            "party_organisation_since": DATE_WIDGET,
        }

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"]
        clash = Enterprise.objects.filter(credit_code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another member already has this credit code."))
        return code


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant sees this reason."),
    )


class MembershipStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Enterprise.Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file; import nothing"), required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an Excel workbook (.xlsx)."))
        if upload.size > 20 * 1024 * 1024:
            raise ValidationError(_("The file is too large: at most 20 MB."))
        if upload.read(4) != b"PK\x03\x04":
            raise ValidationError(_("This file is not an Excel workbook."))
        upload.seek(0)
        problem = zip_problem(upload)
        if problem == "zip_size":
            raise ValidationError(
                _("The workbook unpacks to more than %(mb)d MB or is implausibly compressed.")
                % {"mb": max_unzipped_megabytes()},
                code=problem,
            )
        if problem:
            raise ValidationError(_("This file is not an Excel workbook."), code=problem)
        # The declared size only (instant); the background job counts the rows themselves.
        limit = settings.IMPORT_MAX_ROWS
        if excel.row_count(upload, limit, declared_only=True) > limit:
            raise ValidationError(too_many_rows(), code="rows")
        return upload


def too_many_rows() -> str:
    return _(
        "The workbook has more than %(limit)s rows: split it into files of at most "
        "%(limit)s rows and import them one after another."
    ) % {"limit": f"{settings.IMPORT_MAX_ROWS:,}"}


class QualificationForm(OncePerForm, forms.ModelForm):
    """An enterprise's declaration of a qualification: its kind (fixed once declared), the
    certificate and how long it is valid."""

    class Meta:
        model = EnterpriseQualification
        fields = ["kind", "certificate_number", "valid_until"]
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate_number"].required = True
        if self.instance.pk:
            self.fields["kind"].disabled = True

    def validate_unique(self):
        """The service says when the kind is declared already (the form has no enterprise)."""


class QualificationReviewForm(forms.Form):
    """The declaration as the reviewer saw it: its `declared_at`, sent back with the action."""

    declared = forms.DateTimeField(widget=forms.HiddenInput, validators=[PAST])


class QualificationRejectForm(QualificationReviewForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)

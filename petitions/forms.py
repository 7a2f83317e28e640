from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.held_uploads import KeepsUploads
from core.submissions import OncePerForm
from core.uploads import (
    max_megabytes,
    max_megapixels,
    max_unzipped_megabytes,
    upload_problem,
)
from core.widgets import QuickSelect
from members.enterprise_fields import MemberEnterpriseField

from .models import (
    MEETING_CHANNELS,
    Category,
    Channel,
    Department,
    Petition,
    Rating,
    Suggestion,
)

User = get_user_model()

ALLOWED_ATTACHMENTS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx", "pptx", "doc", "xls", "ppt")
ACCEPT = ",".join(f".{ext}" for ext in ALLOWED_ATTACHMENTS)
MAX_FILES = 5


def clean_attachment(upload):
    """PDF, images or Office files, by extension and by content, within the size limit."""
    name = upload.name or ""
    problem = upload_problem(upload, ALLOWED_ATTACHMENTS)
    messages = {
        "file_type": _("%(name)s: attach PDF, JPEG, PNG or Office (Word, Excel, PowerPoint) files.")
        % {"name": name},
        "file_size": _("%(name)s is too large: at most %(mb)d MB a file.")
        % {"name": name, "mb": max_megabytes()},
        "file_content": _("%(name)s: the content does not match the file type.") % {"name": name},
        "image_pixels": _(
            "%(name)s has too many pixels: at most %(megapixels)d million. "
            "Scan or photograph it at a lower resolution."
        )
        % {"name": name, "megapixels": max_megapixels()},
        "zip_size": _(
            "%(name)s unpacks to more than %(mb)d MB or is implausibly compressed; "
            "save it again, or attach it as a PDF."
        )
        % {"name": name, "mb": max_unzipped_megabytes()},
    }
    if problem:
        raise ValidationError(messages[problem], code=problem)
    return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern), each checked."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [single(f) for f in files if f] or list(initial or [])  # held ones, if none new
        if len(files) > MAX_FILES:
            raise ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_FILES})
        errors = []
        for upload in files:
            try:
                clean_attachment(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files


def _attachments_help() -> str:
    return _("PDF, images or Office files, up to %(n)d files of %(mb)d MB each.") % {
        "n": MAX_FILES,
        "mb": max_megabytes(),
    }


# The forms' fields are made once, when the module is imported: the help text is formatted
# when it is shown, in the language of that page.
attachments_help = lazy(_attachments_help, str)


def attachments_field():
    return MultipleFileField(
        label=_("Attachments"),
        help_text=attachments_help(),
    )


def form_helper(form_tag=False):
    helper = FormHelper()
    helper.form_tag = form_tag
    return helper


class PetitionForm(OncePerForm, KeepsUploads, forms.ModelForm):
    attachments = attachments_field()

    class Meta:
        model = Petition
        fields = ["category", "urgency", "title", "description", "anonymous_sharing"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())


class StaffPetitionForm(PetitionForm):
    """Staff record a petition raised through another channel, for an enterprise."""

    enterprise = MemberEnterpriseField(label=_("Enterprise"))
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE]
    )

    class Meta(PetitionForm.Meta):
        fields = ["enterprise", "channel", "source_event", *PetitionForm.Meta.fields]
        # Every event the federation held: thousands of options, drawn without a template each.
        widgets = {**PetitionForm.Meta.widgets, "source_event": QuickSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from events.models import Event

        # Problems can be recorded at any of the federation's events, not only the meetings
        # held for them.
        self.fields["source_event"].queryset = Event.objects.exclude(
            status=Event.Status.DRAFT
        ).order_by("-starts_at", "-id")
        self.fields["source_event"].required = False

    def clean(self):
        cleaned = super().clean()
        channel, event = cleaned.get("channel"), cleaned.get("source_event")
        meeting = channel in MEETING_CHANNELS
        if meeting and event is None:
            self.add_error("source_event", _("Choose the meeting it was raised at."))
        if event is not None and not meeting:
            self.add_error("source_event", _("Only a meeting channel links to an event."))
        return cleaned


class PetitionFromProblemForm(forms.Form):
    """Open a petition for a problem raised at an event: its category, and the enterprise
    when the problem was recorded without one (a guest raised it)."""

    category = forms.ChoiceField(
        label=_("Category"),
        choices=Category.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    enterprise = MemberEnterpriseField(
        label=_("Enterprise"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm",
                "placeholder": _("Credit code or exact name"),
            }
        ),
    )

    def __init__(self, *args, problem=None, **kwargs):
        super().__init__(*args, **kwargs)
        if problem is not None and problem.enterprise_id:
            del self.fields["enterprise"]


class VersionedForm(KeepsUploads, forms.Form):
    """Every action form carries the version of the petition the person saw, and keeps the
    files chosen (those with files) when it is sent back."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def note_field(label=None, required=False, rows=3):
    return forms.CharField(
        label=label or _("Note"),
        required=required,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class AcceptForm(VersionedForm):
    title = _("Accept")
    is_complex = forms.BooleanField(
        label=_("Complex case: the longer reply limit applies"), required=False
    )
    note = note_field(_("Message to the enterprise"))


class DeclineForm(VersionedForm):
    title = _("Decline")
    reason = note_field(_("Reason for declining"), required=True)


class MergeForm(VersionedForm):
    title = _("Merge into a duplicate")
    into = forms.CharField(label=_("Tracking number of the petition to merge into"), max_length=20)
    note = note_field(_("Message to the enterprise"))

    def clean_into(self):
        number = self.cleaned_data["into"].strip().upper()
        try:
            return Petition.objects.get(tracking_number=number)
        except Petition.DoesNotExist:
            raise ValidationError(_("No petition has this tracking number.")) from None


class DispatchForm(VersionedForm):
    title = _("Dispatch to a handler")
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=User.objects.active_staff())
    note = note_field(_("Internal note"))


class ForwardForm(VersionedForm):
    title = _("Forward to a department")
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True)
    )
    reference = forms.CharField(
        label=_("Department's reference number"), max_length=50, required=False
    )
    note = note_field(_("Message to the enterprise"))


class StartForm(VersionedForm):
    title = _("Start work")
    note = note_field(_("Message to the enterprise (optional)"))


class RequestInfoForm(VersionedForm):
    title = _("Ask the enterprise for information")
    question = note_field(_("What the enterprise should add"), required=True)


class UpdateForm(VersionedForm):
    title = _("Post an update")
    note = note_field(_("Update"), required=True)
    visible = forms.BooleanField(label=_("The enterprise may see this update"), required=False)


class ReplyForm(VersionedForm):
    title = _("Reply")
    text = note_field(_("Reply to the enterprise"), required=True, rows=6)
    attachments = attachments_field()


class CloseForm(VersionedForm):
    title = _("Close")
    note = note_field(_("Closing note"))


class ExtendForm(VersionedForm):
    title = _("Extend the deadline")
    working_days = forms.IntegerField(
        label=_("Extend by (working days)"), min_value=1, max_value=60
    )
    reason = note_field(_("Reason for the extension"), required=True)


class EscalateForm(VersionedForm):
    title = _("Escalate")
    note = note_field(_("Why it is escalated"), required=True)


class ProvideInfoForm(VersionedForm):
    text = note_field(_("Information you add"), required=True, rows=5)
    attachments = attachments_field()


class RateForm(VersionedForm):
    rating = forms.ChoiceField(
        label=_("Your rating"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = note_field(_("Comment"))


STAFF_ACTION_FORMS = {
    "accept": AcceptForm,
    "decline": DeclineForm,
    "merge": MergeForm,
    "dispatch": DispatchForm,
    "forward": ForwardForm,
    "start": StartForm,
    "request_info": RequestInfoForm,
    "update": UpdateForm,
    "reply": ReplyForm,
    "close": CloseForm,
    "extend": ExtendForm,
    "escalate": EscalateForm,
}


class SuggestionForm(OncePerForm, forms.ModelForm):
    class Meta:
        model = Suggestion
        fields = ["kind", "title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}


class SuggestionRoutingForm(forms.ModelForm):
    class Meta:
        model = Suggestion
        fields = [
            "sent_to",
            "sent_on",
            "forwarded_to",
            "forwarded_on",
            "adopted_level",
            "adopted_by",
            "adopted_on",
            "instruction",
            "instruction_by",
            "instruction_on",
            "points",
        ]
        widgets = {
            "sent_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "forwarded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "adopted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "instruction_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "instruction": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sent_to") and not cleaned.get("sent_on"):
            self.add_error("sent_on", _("Give the date it was sent."))
        if cleaned.get("forwarded_to") and not cleaned.get("sent_to"):
            self.add_error("forwarded_to", _("Record where it was sent first."))
        if cleaned.get("forwarded_to") and not cleaned.get("forwarded_on"):
            self.add_error("forwarded_on", _("Give the date it was forwarded."))
        if cleaned.get("adopted_level") and not cleaned.get("adopted_on"):
            self.add_error("adopted_on", _("Give the date it was adopted."))
        return cleaned

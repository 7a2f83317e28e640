"""The announcement's form (text, attachments, audience) and the sending form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chambers.models import Organization, Post
from core.dates import CALENDAR
from core.held_uploads import KeepsUploads
from core.submissions import OncePerForm
from members.choices import Industry, Qualification, SizeClass
from members.models import Township
from petitions.forms import attachments_field

from . import audience, html
from .models import Announcement, Segment

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "audience-choices"})

# What a kind's template fills in: a title and a skeleton of the text, for staff to complete.
SKELETONS = {
    Announcement.Kind.MEETING: (
        _("Notice of the meeting on …"),
        _(
            "<p>To the member enterprises:</p><p>The federation will hold … on … at …</p>"
            "<h3>Agenda</h3><ol><li>…</li></ol><h3>Participants</h3><p>…</p>"
            "<h3>Please reply</h3><p>Tell us who will attend by …, contact: …</p>"
        ),
    ),
    Announcement.Kind.BRIEFING: (
        _("Policy briefing: …"),
        _(
            "<p>To the member enterprises:</p><p>To help enterprises use the new policy … , "
            "the federation and … will hold a briefing.</p><h3>Time and place</h3><p>…</p>"
            "<h3>Who should attend</h3><p>…</p><h3>Registration</h3><p>…</p>"
        ),
    ),
    Announcement.Kind.HOLIDAY: (
        _("Holiday notice: …"),
        _(
            "<p>To the member enterprises:</p><p>Under the State Council's holiday "
            "arrangements, the federation's office is closed from … to …, and open again "
            "on … (working days in lieu: …).</p><p>During the holiday, please contact … "
            "for urgent matters.</p>"
        ),
    ),
}


def skeleton(kind: str) -> dict:
    """The initial title and text of a new announcement of `kind` (empty for other kinds)."""
    if kind not in SKELETONS:
        return {}
    title, body = SKELETONS[kind]
    return {"kind": kind, "title": str(title), "body": str(body)}


class AnnouncementForm(OncePerForm, KeepsUploads, forms.ModelForm):
    attachments = attachments_field()
    segment = forms.ModelChoiceField(
        label=_("Saved segment"),
        queryset=Segment.objects.all(),
        required=False,
        help_text=_("Send to a segment saved earlier; the criteria below are then ignored."),
    )
    all_members = forms.BooleanField(label=_("All member enterprises"), required=False)
    industries = forms.MultipleChoiceField(
        label=_("Industries"), choices=Industry.choices, required=False, widget=CHECKBOXES
    )
    sizes = forms.MultipleChoiceField(
        label=_("Sizes"), choices=SizeClass.choices, required=False, widget=CHECKBOXES
    )
    townships = forms.ModelMultipleChoiceField(
        label=_("Townships and streets"),
        queryset=Township.objects.served(),
        required=False,
        widget=CHECKBOXES,
    )
    chambers = forms.ModelMultipleChoiceField(
        label=_("Members of the chambers"),
        queryset=Organization.objects.active().chambers(),
        required=False,
        widget=CHECKBOXES,
    )
    qualifications = forms.MultipleChoiceField(
        label=_("Qualifications (verified, valid)"),
        choices=Qualification.choices,
        required=False,
        widget=CHECKBOXES,
    )
    positions = forms.MultipleChoiceField(
        label=_("Holders of the posts"),
        choices=Post.Position.choices,
        required=False,
        widget=CHECKBOXES,
    )
    leaders = forms.BooleanField(
        label=_("Leaders who take turns as executive chair"), required=False
    )
    seconded = forms.BooleanField(
        label=_("Staff seconded to the federation (now or in a coming month)"), required=False
    )
    save_as = forms.CharField(
        label=_("Save these criteria as a segment named"), max_length=60, required=False
    )

    class Meta:
        model = Announcement
        fields = ["kind", "title", "body", "is_public"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "class": "font-monospace"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk:
            self.initial.update(instance.audience)
            self.initial["segment"] = instance.segment_id

    def clean_body(self):
        body = html.clean(self.cleaned_data["body"])
        if not html.text(body):
            raise forms.ValidationError(_("Write the announcement's text."))
        return body

    def criteria(self) -> dict:
        data = self.cleaned_data
        return audience.clean_criteria(
            {
                "all_members": data.get("all_members"),
                "industries": data.get("industries"),
                "sizes": data.get("sizes"),
                "townships": [t.pk for t in data.get("townships") or []],
                "chambers": [o.pk for o in data.get("chambers") or []],
                "qualifications": data.get("qualifications"),
                "positions": data.get("positions"),
                "leaders": data.get("leaders"),
                "seconded": data.get("seconded"),
            }
        )

    def clean(self):
        cleaned = super().clean()
        narrowed = [key for key in audience.ENTERPRISE_KEYS if cleaned.get(key)]
        if cleaned.get("all_members") and narrowed:
            # All members means every one: a condition beside it would be shown yet ignored.
            message = _("“All member enterprises” takes no conditions on enterprises.")
            self.add_error("all_members", message)
        if not self.errors and not cleaned.get("segment") and not self.criteria():
            raise forms.ValidationError(
                _("Choose whom it is for: all members, a segment, or some criteria.")
            )
        if cleaned.get("segment") and cleaned.get("save_as"):
            self.add_error("save_as", _("A saved segment is chosen: there is nothing new to save."))
        return cleaned


class SendForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When"),
        choices=[("now", _("Send now")), ("later", _("Send at a set time"))],
        initial="now",
        widget=forms.RadioSelect,
    )
    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[CALENDAR],
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") == "later":
            send_at = cleaned.get("send_at")
            if not send_at:
                self.add_error("send_at", _("Give the time to send it."))
            elif send_at <= timezone.now():
                self.add_error("send_at", _("Give a time in the future."))
        else:
            cleaned["send_at"] = None
        return cleaned


class RemindForm(forms.Form):
    round = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

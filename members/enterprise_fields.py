"""Form fields that name a current member enterprise by its credit code or exact name.

A text box rather than a list of every member: at a municipal federation's size (100,000
enterprises) a <select> of them made a form page take seconds to render and megabytes to
send (bench/pages.py), and nobody scrolls such a list anyway.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Enterprise
from .validators import normalize_credit_code, to_half_width


def find_enterprise(text: str) -> Enterprise:
    """The enterprise whose credit code or exact name `text` is; ValidationError if none or
    several (then the credit code tells them apart). When none is, the error names up to
    five members the directory's search finds for `text`, to copy a name from."""
    value = " ".join(text.split())
    if "\x00" in value:  # never reaches the database
        raise ValidationError(_("No enterprise has this credit code or name."), code="not_found")
    found = list(
        Enterprise.objects.filter(credit_code=normalize_credit_code(value))
        or Enterprise.objects.filter(name__in=spellings(value))[:2]
    )
    if not found:
        from .filters import search_enterprises  # the directory's search (filters use models)

        near = search_enterprises(Enterprise.objects.members(), value)
        names = [f"{e.name}（{e.credit_code}）" for e in near.order_by("name_pinyin")[:5]]
        message = _("No enterprise has this credit code or name.")
        if names:
            message = _("No enterprise has this credit code or name. Did you mean: %(names)s?") % {
                "names": "；".join(names)
            }
        raise ValidationError(message, code="not_found")
    if len(found) > 1:
        raise ValidationError(
            _("Several enterprises have this name: give the credit code."), code="ambiguous"
        )
    return found[0]


def spellings(value: str) -> set[str]:
    """The name as typed, with its brackets half-width, and full-width (as names are mostly
    registered): 「北京延庆(八达岭)」 finds 「北京延庆（八达岭）」 and the other way round."""
    half = to_half_width(value)
    return {value, half, half.replace("(", "（").replace(")", "）")}


def find_member(text: str) -> Enterprise:
    """find_enterprise, and it must be a current member of the federation."""
    enterprise = find_enterprise(text)
    if enterprise.status != Enterprise.Status.MEMBER:
        raise ValidationError(
            _("%(name)s is not a current member of the federation.") % {"name": enterprise.name},
            code="not_member",
        )
    return enterprise


def _name_of(value) -> str:
    if isinstance(value, Enterprise):
        return value.name
    if isinstance(value, int):  # a model form's initial value: the primary key
        return Enterprise.objects.filter(pk=value).values_list("name", flat=True).first() or ""
    return value or ""


class MemberEnterpriseField(forms.CharField):
    """One current member enterprise, typed as its credit code or exact name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Member enterprise"))
        kwargs.setdefault("help_text", _("Its unified social credit code or exact name."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return _name_of(value)

    def to_python(self, value):
        text = super().to_python(value)
        return find_member(text) if text else None


class MemberEnterprisesField(forms.CharField):
    """Current member enterprises, one a line, each its credit code or exact name."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("One a line: the credit code or exact name."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(_name_of(item) for item in value)
        return _name_of(value)

    def to_python(self, value):
        text = super().to_python(value)
        found, errors = {}, []
        for line in filter(None, (" ".join(line.split()) for line in text.splitlines())):
            try:
                enterprise = find_member(line)
            except ValidationError as error:
                errors += [f"{line}: {message}" for message in error.messages]
            else:
                found[enterprise.pk] = enterprise
        if errors:
            raise ValidationError(errors)
        return list(found.values())

"""The unified social credit code as people enter it (docs/domain.md, Credit codes).

Codes are pasted from licences, spreadsheets and chat messages: with spaces (full-width ones
too), hyphens, full-width characters and lower case. The form field normalises first and
checks afterwards, so the length it counts is the code's, and the browser is given no
`maxlength` that would silently cut a paste down to 18 characters (a 19-character code cut to
a valid 18 would be accepted as someone else's).
"""

from django import forms
from django.db import models

from .validators import normalize_credit_code, validate_credit_code_format


class CreditCodeFormField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs["max_length"] = None
        kwargs.setdefault("validators", [validate_credit_code_format])
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalize_credit_code(super().to_python(value))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs.update(autocomplete="off", spellcheck="false", autocapitalize="characters")
        return attrs


class CreditCodeField(models.CharField):
    """A CharField whose every form (the portal's and the admin's) takes CreditCodeFormField."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CreditCodeFormField, **kwargs})

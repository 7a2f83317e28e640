"""One object per rendered create form, however often and however fast it is sent.

A create form carries a hidden token drawn when the form is rendered (`OncePerForm`); the view
runs its service through `create_once`, which first claims the token under a unique constraint
and then creates. A double-click, a resent POST or a retry after a lost response therefore
finds the claim and gets the first sending's object: concurrent sendings wait on the unique
index, not on a read-then-write. A fresh page draws a fresh token, so it creates anew.
"""

from django import forms
from django.db import IntegrityError, models, transaction
from django.forms.utils import ErrorDict
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from . import pagecache
from .models import Submission


class OncePerForm(forms.Form):
    """Mix into a create form (before the Form or ModelForm base) to give it the token."""

    submission = forms.UUIDField(
        # The label is never shown (the admin writes it in a hidden row): in the page's language.
        label=_("Form token"),
        widget=forms.HiddenInput,
        required=False,
        initial=pagecache.form_token,  # a new one each time the page is sent
    )
    submission_token = None

    def full_clean(self):
        super().full_clean()
        if not hasattr(self, "cleaned_data"):
            return
        # Kept apart so that views can hand the cleaned data on to their services as it is.
        self.submission_token = self.cleaned_data.pop("submission", None)
        if self._errors and self.submission_token is not None:
            # A repeat of a form that was saved can trip checks the saving itself now fails
            # ("this credit code is under review"): it is answered as the first sending was.
            sent = Submission.objects.filter(form=form_name(self), token=self.submission_token)
            if sent.exists():
                self._errors = ErrorDict()


def form_name(form) -> str:
    cls = type(form)
    return f"{cls.__module__}.{cls.__qualname__}"[:100]


def create_once(form, create):
    """Call `create()` once per rendered `form` and return its result.

    `form` is valid. When its token was used already, nothing is called and the object the
    first sending made is returned (None when that result was not a single object; a 404
    when that object has since been deleted). A failing `create()` rolls the claim back, so
    the corrected form can be sent again.
    A form without the token (not a create form, or a client that never rendered it) simply
    creates.
    """
    token = getattr(form, "submission_token", None)
    if token is None:
        return create()
    name = form_name(form)
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = Submission.objects.create(form=name, token=token)
        except IntegrityError:
            # Another sending holds (or held) the claim; its transaction has ended by now.
            form.submission_repeated = True  # the caller may skip what the first did with it
            claim = Submission.objects.get(form=name, token=token)
            if claim.target_id is not None and claim.target is None:
                raise Http404("What this form made is gone.") from None
            return claim.target
        result = create()
        if isinstance(result, models.Model) and result.pk is not None:
            claim.target = result
            claim.save(update_fields=["target_type", "target_id"])
    return result

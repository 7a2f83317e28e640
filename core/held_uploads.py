"""Uploaded files kept across a form's round trip: `KeepsUploads`, for every form with files.

A browser cannot put a chosen file back into a form: when a form comes back (a credit code
to confirm, a field to correct, a petition a colleague changed meanwhile), the user would
have to pick the files again. Instead the files that passed their checks are kept in private
storage under random names, and the page carries a signed token for them. The token names an
entry of the session that uploaded the files (so it cannot reach another user's files, even
if copied) and expires; the form's object takes its own copies when the form is accepted.
Files nobody came back for are removed the next time files are held. A session keeps one
form's files at most (new ones replace them), and nothing more is held while the folder is
over HELD_MAX_BYTES: a flood of failing forms cannot fill the disk, it only makes those users
pick their files again.
"""

import datetime
import uuid

from django import forms
from django.core import signing
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .storage import private_storage

SALT = "core.held-uploads"
MAX_AGE = 60 * 60  # an hour to correct the form
SESSION_KEY = "held_uploads"
FOLDER = "held"
HELD_MAX_BYTES = 200 * 1024 * 1024


def hold(files: dict[str, list], session) -> str | None:
    """Keep `files` ({field name: [file, ...]}) for this session in place of what it held;
    the token to send back with the form, or None when the folder is full (the user then
    picks the files again)."""
    previous = [entry[1] for entries in _held(session).values() for entry in entries]
    session[SESSION_KEY] = {}
    size = sum(f.size for group in files.values() for f in group)
    entries = []
    if _sweep() + size <= HELD_MAX_BYTES:
        for field, group in files.items():
            for upload in group:
                ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else "bin"
                upload.seek(0)
                stored = private_storage().save(f"{FOLDER}/{uuid.uuid4().hex}.{ext}", upload)
                content_type = getattr(upload, "content_type", "") or ""
                entries.append([field, stored, upload.name, content_type])
    for stored in previous:  # after the new copies: a held file may be among `files`
        private_storage().delete(stored)
    if not entries:
        return None
    key = uuid.uuid4().hex
    session[SESSION_KEY] = {key: entries}
    return signing.dumps(key, salt=SALT)


def _held(session) -> dict:
    return session.get(SESSION_KEY, {}) if session is not None else {}


def _entry(token: str, session):
    try:
        key = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # tampered with, or expired
        return None, None
    return key, _held(session).get(key)


def claim(token: str, session) -> dict[str, list[File]]:
    """The files held under `token` by this session, by field, under their uploaded names."""
    _key, entries = _entry(token, session)
    storage = private_storage()
    files: dict[str, list[File]] = {}
    for field, stored, original, content_type in entries or []:
        if storage.exists(stored):
            held = File(storage.open(stored), name=original)
            held.content_type = content_type
            files.setdefault(field, []).append(held)
    return files


def release(token: str, session) -> None:
    """Forget the files held under `token` (the form's object now has its own copies)."""
    key, entries = _entry(token, session)
    if entries is None:
        return
    for _field, stored, _original, _type in entries:
        private_storage().delete(stored)
    held = dict(_held(session))
    held.pop(key, None)
    session[SESSION_KEY] = held


def _sweep() -> int:
    """Remove files older than a token can be; the bytes still held."""
    storage = private_storage()
    if not storage.exists(FOLDER):
        return 0
    cutoff = timezone.now() - datetime.timedelta(seconds=MAX_AGE)
    kept = 0
    for name in storage.listdir(FOLDER)[1]:
        path = f"{FOLDER}/{name}"
        if storage.get_modified_time(path) < cutoff:
            storage.delete(path)
        else:
            kept += storage.size(path)
    return kept


class KeepsUploads(forms.Form):
    """Mix into a form with file fields (before the Form or ModelForm base), made with
    `session=request.session`. The view calls `keep_uploads()` before showing the form again
    and `release_uploads()` once the form's object has taken its copies.

    A file field left empty on the next round takes the files held for it (they are checked
    again, as a new upload would be); choosing files replaces them.
    """

    held_uploads = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        token = self.data.get(self.add_prefix("held_uploads"), "") if self.is_bound else ""
        self.held = claim(token, session) if token and session is not None else {}
        self.held_lost = bool(token) and not self.held  # expired, or replaced by another form
        for name, files in self.held.items():
            if name in self.fields:
                self.initial[name] = files if _multiple(self.fields[name]) else files[0]
                self._say_kept(name, files)

    def full_clean(self):
        super().full_clean()
        if not hasattr(self, "cleaned_data"):
            return
        self.cleaned_data.pop("held_uploads", None)  # the form's own field, not its object's
        if self.held_lost:  # never saved without the files the page said it kept
            self.data = self.data.copy()  # said once: sent again, the form goes without them
            self.data[self.add_prefix("held_uploads")] = ""
            self.held_lost = False
            for name, field in self.fields.items():
                if isinstance(field, forms.FileField) and not self.files.getlist(
                    self.add_prefix(name)
                ):
                    self.add_error(
                        name, _("The files chosen earlier are no longer kept: choose them again.")
                    )

    def _say_kept(self, name, files):
        names = "、".join(f.name for f in files)
        text = ngettext(
            "Kept from your last attempt: %(names)s. Choose a file only to replace it.",
            "Kept from your last attempt: %(names)s. Choose files only to replace them.",
            len(files),
        ) % {"names": names}
        text = escape(text)  # crispy shows help text unescaped
        # The bound field copies its help text once made (the form may be cleaned already).
        self.fields[name].help_text = self[name].help_text = text

    def keep_uploads(self):
        """Before the form is shown again: hold the files of this round that passed their
        checks (new ones, and held ones taken again), and say so beside their fields."""
        if self.session is None:
            return
        cleaned = getattr(self, "cleaned_data", {})
        files = {}
        for name, field in self.fields.items():
            if isinstance(field, forms.FileField) and cleaned.get(name):
                value = cleaned[name]
                files[name] = list(value) if isinstance(value, list | tuple) else [value]
        new = any(isinstance(f, UploadedFile) for group in files.values() for f in group)
        if not new:
            return  # nothing chosen this round: what was held (if anything) still stands
        token = hold(files, self.session)
        self.data = self.data.copy()
        self.data[self.add_prefix("held_uploads")] = token or ""
        for name, group in files.items():
            if token is None:
                self.fields[name].help_text = self[name].help_text = _(
                    "The files could not be kept: choose them again."
                )
            else:
                self._say_kept(name, group)

    def release_uploads(self):
        """After the form's object took its copies: the held files are no longer needed."""
        token = self.data.get(self.add_prefix("held_uploads"))
        if self.session is None or not token:
            return
        for group in self.held.values():
            for held in group:
                held.close()
        release(token, self.session)


def _multiple(field) -> bool:
    return getattr(field.widget, "allow_multiple_selected", False)

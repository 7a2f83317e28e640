"""An uploaded file kept across a form's round trip (today: a registration's licence).

A browser cannot put a chosen file back into a form: when a form comes back (a credit code
to confirm, a field to correct), the user would have to pick the file again. Instead the
file, once it has passed its checks, is kept in private storage under a random name, and the
page carries a signed token for it. The token names an entry of the session that uploaded
the file (so it cannot reach another user's file, even if copied) and expires; the form's
object takes its own copy when the form is accepted. Files nobody came back for are removed
the next time a file is held. A session keeps one file at most (a new one replaces it), and
nothing more is held while the folder is over HELD_MAX_BYTES: a flood of failing forms
cannot fill the disk, it only makes those users pick their file again.
"""

import datetime
import uuid

from django.core import signing
from django.core.files import File
from django.utils import timezone

from .storage import private_storage

SALT = "members.held-licence"  # as first named: tokens already handed out stay valid
MAX_AGE = 60 * 60  # an hour to correct the form
SESSION_KEY = "held_licences"
FOLDER = "held"
HELD_MAX_BYTES = 200 * 1024 * 1024


def hold(upload, session) -> str | None:
    """Keep `upload` for this session; the token to send back with the form, or None when
    the folder is full (the applicant then picks the file again)."""
    for stored, _original in session.get(SESSION_KEY, {}).values():
        private_storage().delete(stored)
    session[SESSION_KEY] = {}
    if _sweep() + upload.size > HELD_MAX_BYTES:
        return None
    ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else "bin"
    upload.seek(0)
    stored = private_storage().save(f"{FOLDER}/{uuid.uuid4().hex}.{ext}", upload)
    key = uuid.uuid4().hex
    session[SESSION_KEY] = {key: [stored, upload.name]}
    return signing.dumps(key, salt=SALT)


def _entry(token: str, session):
    try:
        key = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # tampered with, or expired
        return None, None
    return key, session.get(SESSION_KEY, {}).get(key)


def claim(token: str, session) -> File | None:
    """The file held under `token` by this session, under the name it was uploaded with."""
    _key, entry = _entry(token, session)
    if entry is None:
        return None
    stored, original = entry
    storage = private_storage()
    if not storage.exists(stored):
        return None
    return File(storage.open(stored), name=original)


def release(token: str, session) -> None:
    """Forget the file held under `token` (the application now has its own copy)."""
    key, entry = _entry(token, session)
    if entry is None:
        return
    private_storage().delete(entry[0])
    held = dict(session.get(SESSION_KEY, {}))
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

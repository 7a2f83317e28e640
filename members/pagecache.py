"""Rendered parts of pages, kept until a table they show changes.

A part is cached under its name, what it varies on (viewer, language, the query string) and
the "stamp" of each table it reads: the time of its last change, which django-cachalot renews
on every ORM write (inside a transaction, at commit) and renew_after_write below renews again
once a write outside a transaction is done. A change to any of those tables gives the part a
new key, so a cached part is never older than the data it shows; PAGE_CACHE_SECONDS bounds
what a change made outside Django (psql) leaves.

Only with a shared cache (settings.CACHE_IS_SHARED): with the per-process default, one
process would not see the stamps another process's writes renewed. Without one, or with
PAGE_CACHE_SECONDS = 0, every part is rendered on every request.

A part that holds a form posting back carries a placeholder for the CSRF token, filled in
per request: a masked token from another request or browser would not be valid.
"""

import functools
import hashlib
import pickle
import re
import threading
import time
from pathlib import Path

import cachetools
from cachalot.api import invalidate
from cachalot.cache import cachalot_caches
from cachalot.settings import cachalot_settings
from cachalot.signals import post_invalidation
from cachalot.utils import is_cachable
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def placeholder(name: str) -> str:
    """A marker to fill in per request, that no visitor can guess and so type into a page
    (the same in every process of a release: parts are shared)."""
    return f"{name}-{salted_hmac('ylqgsl.pagecache', name).hexdigest()[:20]}"


CSRF_PLACEHOLDER = placeholder("csrf")


def enabled() -> bool:
    return settings.CACHE_IS_SHARED and settings.PAGE_CACHE_SECONDS > 0


def stamp(*models) -> tuple[float, ...]:
    """When the tables of these models (or these tables) last changed, one time a table.

    All of them, not the latest: a write stamped by a process whose clock is behind must
    change the key too.

    In a request, the stamps are read once, in one cache round trip for every table a part
    has asked about so far (with the session, members/sessions.py), and kept until the
    request ends or a write in it renews a stamp. In a transaction they are read every time:
    its writes renew stamps that only it sees, and without a signal.
    """
    global _asked
    tables = _tables(models)
    stamps = getattr(_request, "stamps", None)
    if stamps is None or connection.in_atomic_block:
        found = _read_stamps(tables)
        return tuple(found.get(table, 0.0) for table in tables)
    if not all(table in stamps for table in tables):
        _asked = _asked.union(tables)
        missing = [table for table in _asked if table not in stamps]
        stamps.update(dict.fromkeys(missing, 0.0))
        stamps.update(_read_stamps(missing))
    return tuple(stamps[table] for table in tables)


_request = threading.local()
_asked: frozenset[str] = frozenset()  # tables some part has asked about: read together


def prefetch_keys() -> dict[str, str]:
    """{cache key: table} of the stamps this request will ask for, if not read yet: the
    session store reads them in its own round trip and hands them to seed()."""
    if getattr(_request, "stamps", None) != {} or not enabled() or connection.in_atomic_block:
        return {}
    return {_stamp_key(table): table for table in _asked}


def seed(found: dict[str, float]) -> None:
    """Stamps read by the session store ({table: stamp}); any missing are read on first use."""
    stamps = getattr(_request, "stamps", None)
    if stamps is not None:
        stamps.update(found)


@functools.cache
def _stamp_key(table: str) -> str:
    return cachalot_settings.CACHALOT_TABLE_KEYGEN("default", table)


def _read_stamps(tables) -> dict[str, float]:
    """{table: stamp}, through django-cachalot's cache (which sees a transaction's own writes)."""
    untracked = [table for table in tables if not tracked(table)]
    if untracked:
        raise ImproperlyConfigured(f"No stamps are kept for {untracked} (CACHALOT_*_TABLES).")
    keys = {_stamp_key(table): table for table in tables}
    if not keys:
        return {}
    stamps = cachalot_caches.get_cache("default", "default")
    found = stamps.get_many(list(keys))
    missing = [key for key in keys if key not in found]
    if missing:
        # Never written since the cache was emptied (a restart): stamped now, so that no
        # part cached under an old "never" is taken for current.
        now = time.time()
        for key in missing:
            cache.add(key, now, cachalot_settings.CACHALOT_TIMEOUT)
        found.update(stamps.get_many(missing))
    return {keys[key]: value for key, value in found.items()}


@functools.cache
def _tables(models) -> tuple[str, ...]:
    """Table names of models, "app_label.Model" labels or table names."""
    return tuple(
        model if isinstance(model, str) and "." not in model
        else (apps.get_model(model) if isinstance(model, str) else model)._meta.db_table
        for model in models
    )  # fmt: skip


def query_tables(sql: str) -> tuple[str, ...]:
    """The tables a statement names (joined or in a subquery): every quoted name that is one."""
    return tuple(sorted(set(QUOTED.findall(sql)) & model_tables()))


QUOTED = re.compile(r'"([^"]+)"')


@functools.cache
def model_tables() -> frozenset[str]:
    return frozenset(model._meta.db_table for model in apps.get_models(include_auto_created=True))


def tracked(table: str) -> bool:
    """Whether writes to this table renew a stamp."""
    return is_cachable(table)


def renew_after_write(execute, sql, params, many, context):
    """A database execute wrapper: outside a transaction, the tables a write names get a new
    stamp once it is done. django-cachalot renews them just before it, and a part rendered
    in between (new stamp, old rows) would be kept as current; in a transaction it renews
    them at commit, after the rows are there."""
    result = execute(sql, params, many, context)
    if not context["connection"].in_atomic_block and sql[:6].upper() in WRITES:
        tables = [table for table in query_tables(sql) if tracked(table)]
        if tables:
            invalidate(*tables, cache_alias="default", db_alias=context["connection"].alias)
    return result


WRITES = {"INSERT", "UPDATE", "DELETE"}


def _install_wrapper(sender, connection, **kwargs):
    if renew_after_write not in connection.execute_wrappers:
        connection.execute_wrappers.append(renew_after_write)


def _start_request(**kwargs):
    _request.stamps = {}  # read on first use


def _end_request(**kwargs):
    _request.stamps = None


def _forget_stamps(sender, **kwargs):
    if getattr(_request, "stamps", None):
        _request.stamps = {}


request_started.connect(_start_request, dispatch_uid="pagecache_start")
request_finished.connect(_end_request, dispatch_uid="pagecache_end")
post_invalidation.connect(_forget_stamps, dispatch_uid="pagecache_forget")
connection_created.connect(_install_wrapper, dispatch_uid="pagecache_renew_after_write")


def key(name: str, *parts) -> str:
    digest = hashlib.blake2b(repr((release(), *parts)).encode(), digest_size=16).hexdigest()
    return f"part:{name}:{digest}"


@functools.cache
def release() -> str:
    """A digest of the code, templates and translations this process renders with: a part
    rendered by the previous release (still in the shared cache after a deploy) is not used."""
    digest = hashlib.blake2b(digest_size=8)
    for folder in [settings.BASE_DIR / "templates", *(settings.LOCALE_PATHS or ())]:
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix in {".html", ".txt", ".mo"}:
                digest.update(path.read_bytes())
    for config in apps.get_app_configs():
        if Path(config.path).parent == settings.BASE_DIR:  # the project's own apps
            for path in sorted(Path(config.path).rglob("*.py")):
                digest.update(path.read_bytes())
    return digest.hexdigest()


def cached(name: str, models, vary, compute, *, copy=False, shared=True):
    """compute(), or what it returned last time for the same name, vary and table stamps.

    A value is kept in the shared cache (unless not `shared`) and, as the key names the
    stamps it was made under, also in this process's memory, where a new stamp cannot find
    it either. `copy` gives a fresh copy on every call, for a value the caller may change (a
    model instance).
    """
    if not enabled():
        return compute()
    part_key = key(name, stamp(*models), *vary)
    with _local_lock:
        found = _local.get(part_key)
    if found is None:
        found = cache.get(part_key) if shared else None
        if found is None:
            value = compute()
            if value is None:
                return None
            found = pickle.dumps(value) if copy else value
            if shared:
                cache.set(part_key, found, settings.PAGE_CACHE_SECONDS)
        with _local_lock:
            _local[part_key] = found
    return pickle.loads(found) if copy else found  # noqa: S301 — pickled above, by us


_local = cachetools.TTLCache(maxsize=500, ttl=max(settings.PAGE_CACHE_SECONDS, 1))
_local_lock = threading.Lock()


def clear_local() -> None:
    """Forget this process's copies (tests that clear the shared cache call this too)."""
    with _local_lock:
        _local.clear()
    _frames.clear()


def render_part(template_name: str, context: dict) -> str:
    """The template rendered from `context` alone, with a placeholder for the CSRF token (see
    fill_csrf). Never with the request: no context processor adds the viewer (user, perms,
    their unread notices) behind the caller's back, so a part shows only what its caller
    passed, and varies it on; a template reaching for `user` finds nothing."""
    context = {"PORTAL_NAME": settings.PORTAL_NAME, **context, "csrf_token": CSRF_PLACEHOLDER}
    return str(render_to_string(template_name, context))


def fill_csrf(request, html: str) -> SafeString:
    """A rendered part with this request's CSRF token in place of the placeholder."""
    if CSRF_PLACEHOLDER in html:
        # One masked token for every part of the page (masking one costs ~30 µs).
        token = getattr(request, "_pagecache_csrf", None)
        if token is None:
            token = request._pagecache_csrf = get_token(request)
        html = html.replace(CSRF_PLACEHOLDER, token)
    return mark_safe(html)  # rendered, and escaped, by the template engine


# --- Frames -------------------------------------------------------------------------------
#
# A page whose content is a cached part spends a third of its time rendering base.html
# around it. Its frame (the page with placeholders for the parts, the navigation and the
# language menu) depends on nothing but the template, the language and the release, so it is
# rendered once a process and filled in per request. A part that changes with each request
# (a search's results) has a frame of its own the same way: its headings, labels and links
# rendered once, its rows and counts put in.

FRAME = "pagecache_frame"  # in a frame's context: the slot tags put their placeholders
_slots: dict[str, object] = {}  # placeholder: fill(request) -> html
# (template, language, parts, variant): (frame, pattern, holes)
_frames: dict[tuple, tuple] = {}


def frame_slot(name: str, fill) -> str:
    """Declare a slot of every frame (the navigation bar...): its tag returns the placeholder
    returned here when the context holds FRAME, and render_frame puts fill(request) there."""
    marker = placeholder(f"frame-slot-{name}")
    _slots[marker] = fill
    return marker


def render_frame(request, template_name: str, parts: dict, variant: dict | None = None) -> str:
    """The template rendered with `parts` and `variant` as its context, from its frame.

    `parts` are strings the template shows as `{{ name }}` and nothing else (no filters, no
    conditions): safe ones as they are, others escaped. `variant` holds the few hashable
    values the template decides on ({% if staff %}): each set of them has a frame of its
    own. The frame is rendered without the request, so that nothing of one visitor's (user,
    messages, CSRF token, path) can be in it: base.html shows those through its slots.
    """
    variant = variant or {}
    if not enabled():
        return render_part(template_name, {**variant, **parts})
    key = (
        template_name, translation.get_language(), tuple(sorted(parts)),
        tuple(sorted(variant.items())),
    )  # fmt: skip
    entry = _frames.get(key)
    if entry is None:
        holes = {placeholder(f"frame-part-{name}"): name for name in parts}
        context = {name: mark_safe(marker) for marker, name in holes.items()}
        context.update(variant)
        context.update({FRAME: True, "PORTAL_NAME": settings.PORTAL_NAME})
        frame = render_to_string(template_name, context)
        pattern = re.compile("|".join(re.escape(m) for m in [*holes, *_slots]))
        entry = _frames[key] = (frame, pattern, holes)
    frame, pattern, holes = entry

    # One pass: nothing put in (a visitor's search, path or name) is searched again.
    def fill(found):
        marker = found.group()
        if marker in holes:
            return conditional_escape(parts[holes[marker]])
        return _slots[marker](request)

    return pattern.sub(fill, frame)


def render_page(request, template_name: str, parts: dict) -> HttpResponse:
    """render(request, template_name, parts) for a page whose context is only `parts` (see
    render_frame). A page with messages to show is rendered in full (they are shown once)."""
    if not enabled() or not parts or len(messages.get_messages(request)):
        return render(request, template_name, parts)
    return HttpResponse(render_frame(request, template_name, parts))

"""Rendered parts of pages, kept until a table they show changes: cached_fragment().

A part is cached under its name, what it varies on (viewer, language, the query string) and
the "stamp" of each table it reads: the time of its last change, renewed by every ORM write
(core/stamps.py, the one module that knows django-cachalot). A change to any of those tables
gives the part a new key, so a cached part is never older than the data it shows;
PAGE_CACHE_SECONDS bounds what a change made outside Django (psql) leaves.

Only with a shared cache (settings.CACHE_IS_SHARED): with the per-process default, one
process would not see the stamps another process's writes renewed. Without one, or with
PAGE_CACHE_SECONDS = 0, every part is rendered on every request.

A part that holds a form posting back carries a placeholder for the CSRF token, filled in
per request: a masked token from another request or browser would not be valid.
"""

import functools
import hashlib
import re
import threading
import time
import uuid
from pathlib import Path

import cachetools
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from . import stamps


def placeholder(name: str) -> str:
    """A marker to fill in per request, that no visitor can guess and so type into a page
    (the same in every process of a release: parts are shared)."""
    return f"{name}-{salted_hmac('ylqgsl.pagecache', name).hexdigest()[:20]}"


CSRF_PLACEHOLDER = placeholder("csrf")


def enabled() -> bool:
    return settings.CACHE_IS_SHARED and settings.PAGE_CACHE_SECONDS > 0


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


def cached_fragment(name: str, *, depends_on, vary_on, render, shared=True):
    """render(), or what it returned last time for the same name, vary_on and stamps of the
    tables depends_on names (models, "app.Model" labels or table names).

    `render` takes nothing: what it shows must come from what the caller closed over, and
    everything of that which differs between viewers must be in `vary_on` (see
    docs/caching.md). A value is kept in the shared cache (unless not `shared`) and, as the
    key names the stamps it was made under, also in this process's memory, where a new stamp
    cannot find it either. None is never kept.
    """
    if not enabled():
        return render()
    keeping = _keeping()
    if keeping is not None:  # a kept page shows this part: it depends on the same tables
        keeping.tables.update(stamps.tables(*depends_on))
    part_key = key(name, stamps.stamp(*depends_on), *vary_on)
    with _local_lock:
        found = _local.get(part_key)
    if found is None:
        found = cache.get(part_key) if shared else None
        if found is None:
            found = render()
            if found is None:
                return None
            if shared:
                cache.set(part_key, found, settings.PAGE_CACHE_SECONDS)
        with _local_lock:
            _local[part_key] = found
    return found


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
    """A rendered part with this request's CSRF token in place of the placeholder (left in
    place while a kept page is rendered: kept_page fills the whole page each time it is sent)."""
    if CSRF_PLACEHOLDER in html and _keeping() is None:
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
# rendered once a process and filled in per request.

FRAME = "pagecache_frame"  # in a frame's context: the slot tags put their placeholders
_slots: dict[str, object] = {}  # placeholder: fill(request) -> html
# (template, language, parts): (frame, pattern, holes)
_frames: dict[tuple, tuple] = {}


def frame_slot(name: str, fill) -> str:
    """Declare a slot of every frame (the navigation bar...): its tag returns the placeholder
    returned here when the context holds FRAME, and render_frame puts fill(request) there."""
    marker = placeholder(f"frame-slot-{name}")
    _slots[marker] = fill
    return marker


def render_frame(request, template_name: str, parts: dict) -> str:
    """The template rendered with `parts` as its context, from its frame.

    `parts` are strings the template shows as `{{ name }}` and nothing else (no filters, no
    conditions): safe ones as they are, others escaped. The frame is rendered without the
    request, so that nothing of one visitor's (user,
    messages, CSRF token, path) can be in it: base.html shows those through its slots.
    """
    if not enabled():
        return render_part(template_name, parts)
    key = (template_name, translation.get_language(), tuple(sorted(parts)))
    entry = _frames.get(key)
    if entry is None:
        holes = {placeholder(f"frame-part-{name}"): name for name in parts}
        context = {name: mark_safe(marker) for marker, name in holes.items()}
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


# --- Kept pages ---------------------------------------------------------------------------
#
# Measured (bench/README.md, issue 15): a list or detail page at full size spends 10-35 ms of
# CPU rendering fifty rows, its filters and forms, the page shell; the target is about
# a third of that. A page asked for again by the same viewer is therefore kept whole.


class _Keeping:
    """What a page being kept showed: the tables it read, and whether it can be kept at all."""

    def __init__(self):
        self.tables: set[str] = set()
        self.keepable = True

    def saw(self, sql: str) -> None:
        if sql.lstrip()[:6].upper() in stamps.WRITES or "FOR UPDATE" in sql.upper():
            self.keepable = False  # a page that writes is not the same page twice
            return
        found = stamps.named_tables(sql)
        if not all(stamps.tracked(table) for table in found):
            self.keepable = False  # no stamp would tell when it changed (sessions...)
        self.tables.update(found)


_state = threading.local()


def _keeping() -> _Keeping | None:
    return getattr(_state, "keeping", None)


def _record_query(execute, sql, params, many, context):
    keeping = _keeping()
    if keeping is not None:
        keeping.saw(sql)
    return execute(sql, params, many, context)


FORM_TOKEN_PLACEHOLDER = placeholder("form-token")
KEPT_HEADERS_LEFT_OUT = {"content-length", "set-cookie"}


def shows(*models) -> None:
    """Say that the page being kept shows these tables although it read them before it
    rendered (an object its access check read and passed on)."""
    keeping = _keeping()
    if keeping is not None:
        keeping.tables.update(stamps.tables(*models))


def form_token():
    """A create form's one-use token (core.submissions.OncePerForm): a new one each time a
    page is sent, kept or not."""
    return FORM_TOKEN_PLACEHOLDER if _keeping() is not None else uuid.uuid4()


def kept_csrf(request) -> dict:
    """Context processor (after Django's own): while a kept page renders, its CSRF tokens are
    the placeholder that kept_page fills in each time the page is sent."""
    return {"csrf_token": CSRF_PLACEHOLDER} if _keeping() is not None else {}


def kept_page(view):
    """Keep the page `view` answers to a GET, whole, for the same viewer asking again.

    Put it last, under the view's access decorators: those still run for every request. A
    page is sent again only to the same user (or to anonymous visitors alike), for the same
    address, host and language, within the same KEPT_PAGE_SECONDS (a minute: whatever the
    page shows of the clock, a deadline passed or "now", is at most that old), and while no
    table it showed has changed since it was rendered. The tables are every one its queries
    named and every cached part or count it showed, recorded as it renders (a query added to
    the page is covered without a word here), with the signed-in user's own tables.

    Not kept: a page that wrote anything, read a table whose writes renew no stamp
    (sessions), set a cookie, showed or added a message, or answered anything but a 200 (an
    image drawn for the page, a QR code, is kept like a page; a streamed file is not). Its
    CSRF tokens and create-form tokens are filled in anew each time it is sent.
    See docs/caching.md.
    """

    @functools.wraps(view)
    def keep(request, *args, **kwargs):
        seconds = settings.KEPT_PAGE_SECONDS
        if (
            not enabled()
            or not seconds
            or request.method != "GET"
            or len(messages.get_messages(request))
        ):
            return view(request, *args, **kwargs)
        user = request.user
        viewer = user.pk if user.is_authenticated else None
        page_key = key(
            "page",
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            viewer,
            translation.get_language(),
            int(time.time() // seconds),
        )
        kept = cache.get(page_key)
        if kept is not None:
            tables, stamped, content, headers = kept
            if stamps.stamp(*tables) == stamped:
                return _filled(request, HttpResponse(content, headers=headers))
        # Before rendering (a write meanwhile leaves the page under old stamps), and no newer
        # than what this request already read (the user, parts found before the view ran).
        before = stamps.every_stamp()
        _state.keeping = keeping = _Keeping()
        try:
            with connection.execute_wrapper(_record_query):
                response = view(request, *args, **kwargs)
                if callable(getattr(response, "render", None)):
                    response = response.render()
        finally:
            _state.keeping = None
        if keeping.keepable and _keepable(request, response):
            if viewer is not None:
                keeping.tables.update(viewer_tables())
            tables = tuple(sorted(keeping.tables))
            content = response.content
            headers = {
                name: value
                for name, value in response.items()
                if name.lower() not in KEPT_HEADERS_LEFT_OUT
            }
            stamped = tuple(before.get(table) for table in tables)
            if None not in stamped:  # (a stamp evicted meanwhile: not kept)
                cache.set(page_key, (tables, stamped, content, headers), seconds)
        return _filled(request, response)

    keep.kept = True  # the URL's view is kept (outer decorators copy it): tests find them all
    return keep


@functools.cache
def viewer_tables() -> frozenset[str]:
    """The signed-in user's tables, read before the page (by the access checks, from
    core.auth's cache): their row and what is cached with it, their groups and permissions."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from .auth import cached_models

    User = get_user_model()
    models = (
        *cached_models(),
        Group,
        Group.permissions.field.related_model,
        User.groups.through,
        User.user_permissions.through,
        Group.permissions.through,
    )
    return frozenset(model._meta.db_table for model in models)


def _keepable(request, response) -> bool:
    storage = messages.get_messages(request)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not getattr(storage, "used", False)
        and not getattr(storage, "added_new", False)
    )


def _filled(request, response):
    """An HTML page rendered to be kept, with this request's tokens in it (see fill)."""
    if not response.streaming and response.get("Content-Type", "").startswith("text/html"):
        response.content = fill(request, response.content.decode(response.charset))
    return response


def fill(request, content: str) -> str:
    """A page rendered to be kept, with this request's CSRF token and new form tokens."""
    content = fill_csrf(request, content)
    if FORM_TOKEN_PLACEHOLDER in content:
        content = content.replace(FORM_TOKEN_PLACEHOLDER, str(uuid.uuid4()))
    return content

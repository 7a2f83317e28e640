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
from pathlib import Path

import cachetools
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
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

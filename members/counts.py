"""Exact result counts of directory queries, cached until an enterprise changes.

Counting 100,000 enterprises reads every entry of an index (8 ms for staff, 17 ms for the
90,000 members), on every page of every listing. A count is cached under its query's SQL and
an "enterprise generation" that any save or delete of an enterprise renews (at once and again
at commit), so a count is never older than the last change seen by the cache; the timeout
bounds what a change made outside the ORM (a bulk update, a shell) can leave behind. Counts
are cached only in a shared cache (CACHE_URL=redis://...), where every server process sees
the same generation; with the default per-process cache they are counted every time.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "members:enterprise-generation"
COUNT_TIMEOUT = 300  # seconds


def generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, value, None):
            value = cache.get(GENERATION_KEY, value)
    return value


def renew_generation(**kwargs) -> None:
    """Now, and again at commit: a count taken in between saw the old rows."""
    _renew()
    transaction.on_commit(_renew)


def _renew() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def cache_is_shared() -> bool:
    """A per-process cache would keep counts another process has made stale."""
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def cached_count(queryset) -> int:
    """queryset.count(), from the cache when nothing has changed since it was counted.

    Only with a shared cache (CACHE_URL=redis://...): the mirrored pages rely on an exact
    count, and a count cached in one gunicorn worker would not see another's changes.
    """
    if queryset.query.is_empty():
        return 0
    if not cache_is_shared():
        return queryset.count()
    sql, params = queryset.query.sql_with_params()
    digest = hashlib.blake2b(repr((sql, params)).encode(), digest_size=16).hexdigest()
    key = f"members:count:{generation()}:{digest}"
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, COUNT_TIMEOUT)
    return count

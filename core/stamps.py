"""When each table last changed: django-cachalot's record, behind the few calls the page cache
makes (core/pagecache.py). Nothing else in the project imports cachalot.

A stamp is the time a table last changed. django-cachalot renews it on every ORM write (inside
a transaction, at commit); its query cache stays off (CACHALOT_ENABLED = False). Outside a
transaction it renews the stamp just *before* the statement runs, so renew_after_write, a
database execute wrapper on every connection, renews it again once the write is done.
"""

import functools
import re
import threading
import time

from cachalot.api import invalidate
from cachalot.cache import cachalot_caches
from cachalot.settings import cachalot_settings
from cachalot.signals import post_invalidation
from cachalot.utils import is_cachable
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.backends.signals import connection_created


def stamp(*models) -> tuple[float, ...]:
    """When the tables of these models (or these tables) last changed, one time a table.

    All of them, not the latest: a write stamped by a process whose clock is behind must
    change the key too.

    In a request, the stamps are read once, in one cache round trip for every table a part
    has asked about so far, and kept until the request ends or a write in it renews a stamp.
    In a transaction they are read every time: its writes renew stamps that only it sees, and
    without a signal.
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


@functools.cache
def stamp_key(table: str) -> str:
    """The cache key of a table's stamp."""
    return cachalot_settings.CACHALOT_TABLE_KEYGEN("default", table)


def _read_stamps(tables) -> dict[str, float]:
    """{table: stamp}, through django-cachalot's cache (which sees a transaction's own writes)."""
    untracked = [table for table in tables if not tracked(table)]
    if untracked:
        raise ImproperlyConfigured(f"No stamps are kept for {untracked} (CACHALOT_*_TABLES).")
    keys = {stamp_key(table): table for table in tables}
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


def tables(*models) -> tuple[str, ...]:
    """The table names of these models, "app_label.Model" labels or table names."""
    return _tables(models)


def every_stamp() -> dict[str, float]:
    """{table: stamp} for every table of the project's models whose writes renew one, in one
    cache round trip (core.pagecache.kept_page reads them before rendering a page: it learns
    which tables the page shows only by rendering it).

    In a request, what the request read already stands (the signed-in user and any part were
    found under those stamps: a page showing them is keyed no newer), and the rest of the
    request reads these.
    """
    found = _read_stamps(tracked_model_tables())
    read = getattr(_request, "stamps", None)
    if read is not None and not connection.in_atomic_block:
        found.update(read)
        read.update(found)
    return found


@functools.cache
def tracked_model_tables() -> tuple[str, ...]:
    return tuple(sorted(table for table in model_tables() if tracked(table)))


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


def named_tables(sql: str) -> frozenset[str]:
    """The project's tables a statement names, quoted or not (raw SQL may leave them bare)."""
    return frozenset(WORD.findall(sql)) & model_tables()


WORD = re.compile(r"\w+")


@functools.cache
def model_tables() -> frozenset[str]:
    return frozenset(model._meta.db_table for model in apps.get_models(include_auto_created=True))


def tracked(table: str) -> bool:
    """Whether writes to this table renew a stamp (not one of CACHALOT_UNCACHABLE_TABLES)."""
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


request_started.connect(_start_request, dispatch_uid="stamps_start")
request_finished.connect(_end_request, dispatch_uid="stamps_end")
post_invalidation.connect(_forget_stamps, dispatch_uid="stamps_forget")
connection_created.connect(_install_wrapper, dispatch_uid="stamps_renew_after_write")

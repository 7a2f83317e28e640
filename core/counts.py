"""Exact result counts of long lists (the directory, the ledgers, the home page's figures),
cached until a table they read changes.

Counting 100,000 enterprises reads every entry of an index (8 ms for staff, 17 ms for the
90,000 members), on every page of every listing. A count is cached under its query's SQL and
the stamps of the tables its SQL names (core/stamps.py), so it is never older than the last
change; PAGE_CACHE_SECONDS bounds what a change made outside Django can leave behind. Only
with a shared cache (core.pagecache.enabled()).
"""

from . import pagecache, stamps


def cached_count(queryset) -> int:
    """queryset.count(), from the cache while none of its tables has changed."""
    if queryset.query.is_empty():
        return 0
    if not pagecache.enabled():
        return queryset.count()
    sql, params = queryset.query.sql_with_params()
    tables = stamps.query_tables(sql)
    if not all(stamps.tracked(table) for table in tables):
        return queryset.count()  # a table whose writes renew no stamp
    return pagecache.cached_fragment(
        "count", depends_on=tables, vary_on=(sql, params), render=queryset.count
    )

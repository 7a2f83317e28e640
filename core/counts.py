"""Exact result counts and figures of long lists (the directory, the ledgers, the home page's
figures), cached until a table they read changes.

Counting 100,000 enterprises reads every entry of an index (8 ms for staff, 17 ms for the
90,000 members), on every page of every listing; a ledger's totals over 200,000 registrations
(a distinct count of the enterprises present) take about 100 ms. A count or a set of figures
is cached under its query's SQL and the stamps of the tables its SQL names (core/stamps.py),
so it is never older than the last change; PAGE_CACHE_SECONDS bounds what a change made
outside Django can leave behind. Only with a shared cache (core.pagecache.enabled()).
"""

from . import pagecache, stamps


def _cached(query, compute):
    """compute(), cached under the query's SQL and its tables' stamps; computed each time
    when a table's writes renew no stamp."""
    sql, params = query.sql_with_params()
    tables = stamps.query_tables(sql)
    if not all(stamps.tracked(table) for table in tables):
        return compute()
    return pagecache.cached_fragment(
        "count", depends_on=tables, vary_on=(sql, params), render=compute
    )


def cached_count(queryset) -> int:
    """queryset.count(), from the cache while none of its tables has changed."""
    if queryset.query.is_empty():
        return 0
    if not pagecache.enabled():
        return queryset.count()
    return _cached(queryset.query, queryset.count)


def cached_aggregate(queryset, **aggregates) -> dict:
    """queryset.aggregate(**aggregates), from the cache while none of its tables has changed.

    Keyed on the SQL of the same aggregates annotated on each row: it names every table and
    parameter they read (a filter's values, a joined table). A new dictionary each time: the
    caller may add to it without changing the copy this process keeps.
    """
    if queryset.query.is_empty() or not pagecache.enabled():
        return queryset.aggregate(**aggregates)
    named = {f"aggregate_{name}": aggregate for name, aggregate in aggregates.items()}
    keyed = queryset.order_by().annotate(**named).values(*named)
    return dict(_cached(keyed.query, lambda: queryset.aggregate(**aggregates)))


def cached_rows(queryset) -> list:
    """list(queryset) for counts by group (`values_list(...).annotate(n=Count(...))`, a few
    hundred rows), cached as a count is, under its SQL and its tables' stamps."""
    if queryset.query.is_empty():
        return []
    if not pagecache.enabled():
        return list(queryset)
    # Read through a copy: the caller's queryset keeps no rows that would answer next time.
    return list(_cached(queryset.query, lambda: list(queryset.all())))

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property

MATCHES = "matches_counted_in_window"


class MirroredPaginator(Paginator):
    """Numbered pages whose last pages cost no more than the first.

    An OFFSET query reads and discards every row before the page, so page 2,000 of a
    directory is far slower than page 1. For a page in the second half, this reads the list
    in the reverse order with the (small) offset from the end and flips the rows back. The
    queryset must be totally ordered (a unique last key) for both directions to agree.

    Two more cases read the page's primary keys first and then its rows by key:
    - a deep page (an offset of `deep_offset` rows or more, such as the middle of the list):
      the keys come from an index-only scan when an index covers the order, not from the
      whole rows;
    - a short result (at most `read_whole` rows): its keys are read whole, without LIMIT.
      With ORDER BY ... LIMIT, PostgreSQL may walk the index of the order hoping to meet
      the few matches early, and read most of the table when they come late.

    `count` (if already known) saves the COUNT query; otherwise `counter`, if given, counts
    (when the count is first needed). `search` is for a search's queryset: its first pages
    (up to `read_whole` rows deep) are read in one query that also counts the matches
    (COUNT(*) OVER ()): PostgreSQL reads every match from the search's index to sort them
    anyway. `fields`, for a model queryset, makes the page's rows dictionaries of those
    fields (as QuerySet.values).
    """

    deep_offset = 1000
    read_whole = 500

    def __init__(
        self, object_list, per_page, *args, count=None, counter=None, search=False, fields=None,
        **kwargs,
    ):  # fmt: skip
        super().__init__(object_list, per_page, *args, **kwargs)
        self.fields = fields
        self.counter = counter
        self.search = search and isinstance(object_list, QuerySet)
        if count is not None:
            self.count = count

    @cached_property
    def count(self):
        if self.counter is not None:
            return self.counter(self.object_list)
        return super().count

    def get_page(self, number):
        if self.search and "count" not in self.__dict__ and not self.orphans:
            try:
                number = int(number)
            except (TypeError, ValueError):
                number = 1  # as Paginator.get_page
            if 1 <= number <= max(1, self.read_whole // self.per_page):
                page = self.counted_page(number)
                if page is not None:
                    return page
        return super().get_page(number)

    def counted_page(self, number):
        """Page `number` and the count in one query; None past the last page (no count).

        Every match is read to be counted, as it is to be sorted. A search that most names
        match costs about as much as counting it and reading its page apart would (100 ms
        for 90,000 of 100,000 names), once a page; bounding the matches read (a subquery
        with LIMIT) cost a tenth more on every other search.
        """
        queryset = self.object_list
        rows = queryset.annotate(**{MATCHES: Window(Count("*"))})
        # Sorted by the count first (the same for every row, so the order is unchanged): a
        # sort after the count, so that PostgreSQL does not walk an index of the order
        # hoping to stop early (the count reads every match anyway).
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        rows = rows.order_by(MATCHES, *ordering)
        if self.fields:
            rows = rows.values(*self.fields, MATCHES)
        bottom = (number - 1) * self.per_page
        found = list(rows[bottom : bottom + self.per_page])
        if not found and (number > 1 or not self.allow_empty_first_page):
            return None  # Paginator.get_page shows the last page, or raises EmptyPage
        count = 0
        for row in found:
            count = row.pop(MATCHES) if self.fields else getattr(row, MATCHES)
        self.count = count
        return self._get_page(found, number, self)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return self._get_page(rows[bottom:top], number, self)
        flip = bottom > self.count // 2
        if flip:
            rows, bottom, top = rows.reverse(), self.count - top, self.count - bottom
        if self.count <= self.read_whole:
            keys = list(rows.values_list("pk", flat=True))[bottom:top]
        elif bottom >= self.deep_offset:
            keys = list(rows.values_list("pk", flat=True)[bottom:top])
        else:
            keys = None
        rows = rows[bottom:top] if keys is None else rows.filter(pk__in=keys)
        found = list(rows.values(*self.fields) if self.fields else rows)
        if flip:
            found.reverse()
        return Page(found, number, self)

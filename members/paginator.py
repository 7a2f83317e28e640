from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


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
    - a short result (at most `read_whole` rows, as searches give): its keys are read whole,
      without LIMIT. With ORDER BY ... LIMIT, PostgreSQL may walk the index of the order
      hoping to meet the few matches early, and read most of the table when they come late.

    `count` (if already known) saves the COUNT query, as does `probe` for a search: it reads
    the keys of at most `read_whole` + 1 matches first, in no order (so that PostgreSQL uses
    the search's index), and when that is all of them their number is the count; when they
    fit on one page, the page is read by those keys. Otherwise `counter`, if given, counts.
    `fields`, for a model queryset, makes the page's rows dictionaries of those fields (as
    QuerySet.values).
    """

    deep_offset = 1000
    read_whole = 500

    def __init__(
        self, object_list, per_page, *args, count=None, counter=None, probe=False, fields=None,
        **kwargs,
    ):  # fmt: skip
        super().__init__(object_list, per_page, *args, **kwargs)
        self.fields = fields
        self.keys = None
        if probe and isinstance(object_list, QuerySet):
            keys = list(object_list.order_by().values_list("pk", flat=True)[: self.read_whole + 1])
            if len(keys) <= self.read_whole:
                count = len(keys)
                self.keys = keys if count <= per_page else None
        if count is None and counter is not None:
            count = counter(object_list)
        if count is not None:
            self.count = count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return self._get_page(rows[bottom:top], number, self)
        if self.keys is not None:
            rows = rows.filter(pk__in=self.keys)
            return Page(list(rows.values(*self.fields) if self.fields else rows), number, self)
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

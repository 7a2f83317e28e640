from django.core.paginator import Page, Paginator


class MirroredPaginator(Paginator):
    """Numbered pages whose last pages cost no more than the first.

    An OFFSET query reads and discards every row before the page, so page 2,000 of a
    directory is far slower than page 1. For a page in the second half, this reads the list
    in the reverse order with the (small) offset from the end and flips the rows back. The
    queryset must be totally ordered (a unique last key) for both directions to agree.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom > self.count // 2 and hasattr(self.object_list, "reverse"):
            rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
            rows.reverse()
            return Page(rows, number, self)
        return self._get_page(self.object_list[bottom:top], number, self)

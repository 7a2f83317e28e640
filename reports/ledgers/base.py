"""The declarative base of the staff ledgers (台账) and their Excel writer.

A ledger is a title, a queryset, a FilterSet, a list of columns and an order with a unique
last key. Rows are read with `values()` (dictionaries, no model instances); what a row holds
several of (a figure's public posts, a month's seconded staff) is added by `Ledger.extend`
with one query per batch of rows. So a page costs the same few queries whatever its length;
its last pages are read from the other end of the order (`core.paginator.MirroredPaginator`)
and its count and totals are cached until a table they read changes (`core.counts`). An
export reads the database in chunks and writes the sheet row by row through `core.excel` to
a temporary file: a ledger of any length is exported in constant memory.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, NamedTuple

from django.core.paginator import Page
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core import excel
from core.counts import cached_count
from core.paginator import MirroredPaginator

# How a column's value is shown on the page and written to the sheet.
TEXT = "text"
DATE = "date"
DATETIME = "datetime"
MONTH = "month"  # a date standing for its month (a duty month)
NUMBER = "number"
MONEY = "money"  # yuan, two decimals
BOOL = "bool"
LIST = "list"  # several texts in one cell

NUMERIC = {NUMBER, MONEY}
WIDTHS = {TEXT: 22, DATE: 12, DATETIME: 17, MONTH: 10, NUMBER: 10, MONEY: 14, BOOL: 8, LIST: 32}
CHUNK_SIZE = 2000
PAGE_SIZE = 50


@dataclass(frozen=True)
class Column:
    """One column of a ledger: its label and where its value comes from.

    The value is `row[key]`, or `get(row)` when the cell is worked out from several keys
    (`needs` names the keys `get` reads, so the ledger selects them).
    """

    label: Any
    key: str = ""
    kind: str = TEXT
    choices: Mapping | None = None  # code → label, for a field with choices
    get: Callable[[dict], Any] | None = None
    needs: tuple[str, ...] = ()
    link: Callable[[dict], str | None] | None = None  # on the page, the cell links there
    on_page: bool = True  # False: in the export only (long texts)
    width: int | None = None  # in the sheet, in characters

    def value(self, row: dict):
        value = self.get(row) if self.get is not None else row.get(self.key)
        if self.choices is not None:
            if self.kind == LIST:
                return [self.choices.get(item, item) for item in value or ()]
            return self.choices.get(value, value) if value not in (None, "") else ""
        return value

    def translated(self) -> Column:
        """The column with the labels of its choices translated once, for a page or an
        export, rather than once a row."""
        if self.choices is None:
            return self
        return replace(self, choices={code: str(label) for code, label in self.choices.items()})

    def exporter(self) -> Callable[[dict], Any]:
        """What a row's cell holds in the sheet (`cell_value`), for one export: the labels of
        choices translated once rather than once a row, and a plain key read directly."""
        column = self.translated()
        if self.kind in (DATE, MONTH, BOOL, LIST):
            kind = self.kind
            return lambda row: cell_value(column.value(row), kind)
        if column.get is None and column.choices is None:
            key = self.key
            return lambda row: row.get(key)
        return column.value


class Cell(NamedTuple):
    text: str
    url: str | None
    numeric: bool

    def html(self) -> str:
        text = conditional_escape(self.text)
        if self.url:
            text = f'<a href="{conditional_escape(self.url)}">{text}</a>'
        return f'<td class="text-end">{text}</td>' if self.numeric else f"<td>{text}</td>"


class Row(tuple):
    """A row's cells, which the page writes as one `<tr>` built here: fifty rows of ten cells
    through the template's tags cost 4.4 ms of CPU a page, built here 1.2 ms."""

    def __str__(self) -> str:
        # Each cell escapes its text and link (Cell.html).
        return mark_safe(f"<tr>{''.join(cell.html() for cell in self)}</tr>")

    __html__ = __str__


@dataclass(frozen=True)
class Total:
    """A figure over all the filtered rows, shown above the table."""

    label: Any
    value: Any
    kind: str = NUMBER
    key: str = ""  # the element id on the page, for links and tests

    @property
    def text(self) -> str:
        return display(self.value, self.kind)


def choices(text_choices) -> dict:
    """code → (lazy) label of a TextChoices class or a list of pairs."""
    pairs = text_choices.choices if hasattr(text_choices, "choices") else text_choices
    return dict(pairs)


def list_separator() -> str:
    return pgettext("between the items of a list in one cell", ", ")


def local_date(value) -> datetime.date:
    """A date, or the local date of a datetime."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def display(value, kind: str) -> str:
    """The text of a value on the page, in the active language's formats."""
    if value is None or value == "" or (kind == LIST and not value):
        return "—"
    if kind == DATETIME:
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if kind == DATE:
        return formats.date_format(local_date(value), "DATE_FORMAT")
    if kind == MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    if kind == MONEY:
        return formats.number_format(value, 2, use_l10n=True, force_grouping=True)
    if kind == NUMBER:
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if kind == BOOL:
        return _("yes") if value else "—"
    if kind == LIST:
        return list_separator().join(str(item) for item in value)
    return str(value)


def cell_value(value, kind: str):
    """The value of a cell in the sheet, before `core.excel` writes it by its type."""
    if value is None:
        return None
    if kind == DATE:
        return local_date(value)
    if kind == MONTH:
        return excel.Month.of(value)
    if kind == BOOL:
        return _("yes") if value else ""
    if kind == LIST:
        return list_separator().join(str(item) for item in value)
    return value


class Ledger:
    """One ledger. Subclasses set the attributes and `get_queryset`, and may override
    `extend` (values held several to a row) and `totals` (figures over the filtered rows)."""

    name = ""
    title: Any = ""
    description: Any = ""
    filterset_class = None
    columns: list[Column] = []
    ordering: tuple[str, ...] = ("-id",)  # ends with a unique key: pages never overlap
    row_keys: tuple[str, ...] = ("id",)  # selected for links and `extend`, not shown
    extended: frozenset[str] = frozenset()  # keys that `extend` fills, not selected
    per_page = PAGE_SIZE
    empty = gettext_lazy("Nothing matches these filters.")

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError

    def filterset(self, data):
        return self.filterset_class(data, queryset=self.get_queryset())

    @cached_property
    def fields(self) -> list[str]:
        keys = list(self.row_keys)
        for column in self.columns:
            keys += column.needs if column.get is not None else [column.key]
        return [k for k in dict.fromkeys(keys) if k and k not in self.extended]

    @cached_property
    def export_fields(self) -> list[str]:
        """The keys an export reads: the columns' own, and the row keys only when `extend`
        needs them (they serve the page's links otherwise, which a sheet has none of)."""
        if type(self).extend is not Ledger.extend:
            return self.fields
        keys = []
        for column in self.columns:
            keys += column.needs if column.get is not None else [column.key]
        return [k for k in dict.fromkeys(keys) if k and k not in self.extended]

    @property
    def page_columns(self) -> list[Column]:
        return [column for column in self.columns if column.on_page]

    def extend(self, rows: list[dict]) -> None:
        """Add the values a row holds several of, for this batch of rows, in one query each."""

    def totals(self, queryset: QuerySet) -> list[Total]:
        return []

    def paginate(self, queryset: QuerySet, number) -> Page:
        """A page of rows, its last pages as cheap as its first (read from the other end);
        counted on the filtered rows, without the joins the shown columns need, and cached
        until a table the count reads changes (200,000 registrations: 36 ms a count)."""
        paginator = MirroredPaginator(
            queryset.order_by(*self.ordering),
            self.per_page,
            count=cached_count(queryset),
            fields=self.fields,
        )
        return paginator.get_page(number)

    def present(self, rows: list[dict]) -> list[Row]:
        """What each cell of a page shows, worked out here rather than in the template."""
        columns = [column.translated() for column in self.page_columns]
        return [
            Row(
                Cell(
                    display(column.value(row), column.kind),
                    column.link(row) if column.link is not None else None,
                    column.kind in NUMERIC,
                )
                for column in columns
            )
            for row in rows
        ]

    def export_rows(self, queryset: QuerySet) -> Iterator[dict]:
        """Every filtered row, read in chunks and extended a chunk at a time."""
        batch: list[dict] = []
        rows = queryset.order_by(*self.ordering).values(*self.export_fields)
        for row in rows.iterator(chunk_size=CHUNK_SIZE):
            batch.append(row)
            if len(batch) == CHUNK_SIZE:
                self.extend(batch)
                yield from batch
                batch = []
        if batch:
            self.extend(batch)
            yield from batch

    def export(self, queryset: QuerySet, progress=None):
        """The filtered rows as a workbook in a rewound temporary file; `progress` (a
        background job's) counts the rows written."""
        columns = self.columns
        cells = [column.exporter() for column in columns]
        rows = self.export_rows(queryset)
        if progress is not None:
            rows = progress.counted(rows, queryset.count())
        return excel.write(
            self.title,
            [column.label for column in columns],
            ([cell(row) for cell in cells] for row in rows),
            widths=[column.width or WIDTHS.get(column.kind, WIDTHS[TEXT]) for column in columns],
        )

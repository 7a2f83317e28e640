"""The one Excel writer every export goes through: formula-safe, typed and streaming.

Each sheet is written with rvgsrust-xlsxwriter (a binding over the Rust rust_xlsxwriter) in
its constant-memory mode: a row goes to a temporary file as soon as the next one starts, so
the rows of an export are never held in memory when they come from an iterator. Saving holds
about the finished (compressed) file once more: measured, the peak RSS grows by 5 MB for
100,000 rows × 11 cells (a 3.7 MB file), 16 MB for 300,000 rows and 41 MB for 1,000,000 rows
(a 37 MB file), where XlsxWriter's stayed flat.

Why this writer. Issue 15's target is a 100,000-row ledger export in 5 s. Writing 100,000
rows × 15 mixed cells (text, numbers, dates, date-times, a formula-like text in a hundred) on
this project's 2-core machine (`bench/excel_writers.py`; CPU seconds, which vary less with the
team's load than wall time; wall seconds from issue 15 and an earlier run here in brackets):
openpyxl write-only 13.6 (10.9 with lxml, 22–27 without); XlsxWriter, constant memory, 6.4
(8.5–9.2); pyexcelerate 5.4 (5.5–6.5), and it holds the whole sheet in memory;
rustpy-xlsxwriter 1.0 (0.76–1.5); rvgsrust-xlsxwriter, cell by cell with the formats below,
2.0. XlsxWriter alone spent 4.6 s of
CPU on the members ledger's 1.1 million cells, so no export through it could meet the target
with the database read on top; with this writer the whole export job takes about 2.1 s of CPU.

- rustpy-xlsxwriter is faster still but takes rows as dictionaries and formats whole columns
  or rows only: it cannot mark the one formula-like cell of a column as quoted text, which
  the guarantees below need. Excluded on that.
- rvgsrust-xlsxwriter (MIT, pinned) exposes rust_xlsxwriter's per-cell formats (quote prefix,
  number formats, bold), freeze panes, column widths and constant-memory sheets, writes a str
  as a text cell whatever it starts with, and ships an abi3 wheel (CPython 3.8+, manylinux
  x86-64): no compiler at install. The XML and zip are written by rust_xlsxwriter, which
  XlsxWriter's author maintains (MIT/Apache-2.0). The risk is the binding itself: young
  (first release July 2026, 0.3.x by September), kept by a small team, little used. That is
  why only this module touches it, through a handful of calls that XlsxWriter has too
  (add_worksheet, add_format, write, freeze_panes, a column's width): falling back to
  XlsxWriter is a change to this file alone, at about three times the CPU.
  tests/core/test_excel.py and tests/test_exports.py check every guarantee against
  whichever writer is pinned.
- One visible difference from XlsxWriter: rust_xlsxwriter spells a whole number as 42.0 in
  the file. Excel shows 42 (it keeps every number as a double); openpyxl reads a float.

Reading (the roster import) stays with openpyxl.

What a cell holds follows its Python type, never its text:

- text stays text. Excel and other spreadsheets evaluate text starting with ``= + - @``, a
  tab or a carriage return when it is typed or imported (OWASP's CSV/formula injection).
  Such text is written as a string cell marked with Excel's quote prefix: Excel shows and
  keeps the exact text (as if typed after an apostrophe), never evaluates it, and reading the
  file back gives the original text (so the member roster's import round-trips an export).
  Characters XML cannot carry are dropped, a carriage return becomes a line feed, and text is
  cut at Excel's 32,767 characters a cell.
- dates and date-times are Excel dates (2026-12-06, 2026-12-06 9:30:00); an aware date-time
  is written in the local time zone (Excel has none), to the second.
- numbers are numbers; None and empty text are an empty cell.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any
from xml.parsers import expat

import rvgsrust_xlsxwriter
from django.http import FileResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
TIME_FORMAT = "h:mm:ss"
MONTH_FORMAT = "yyyy-mm"

# What makes a spreadsheet read text as a formula (OWASP: = + - @, tab, carriage return;
# a carriage return is written as the line feed a cell keeps, so that too).
TRIGGERS = frozenset(("=", "+", "-", "@", "\t", "\r", "\n"))
MAX_CELL_TEXT = 32767  # Excel's limit; a longer cell makes Excel "repair" the file
MAX_SHEET_TITLE = 31
SHEET_TITLE_FORBIDDEN = "[]:*?/\\"
FILENAME_FORBIDDEN = '/\\:*?"<>|'
MAX_FILENAME = 80  # characters before the date: an event's title can be long
# The control characters XML 1.0 cannot carry.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

# Fonts a row may be written in (`Sheet.append(..., font=BOLD)`).
BOLD = "bold"
TITLE = "title"
FONTS = {None: (), BOLD: (("set_bold",),), TITLE: (("set_bold",), ("set_font_size", 14))}

# Kinds of cell that carry a format of their own (besides the font).
QUOTED = "quoted"
_NUMBER_FORMATS = {"date": DATE_FORMAT, "datetime": DATETIME_FORMAT, "time": TIME_FORMAT}


class Month(datetime.date):
    """A date standing for its month (a duty month): an Excel date shown as 2026-04."""

    @classmethod
    def of(cls, day: datetime.date) -> Month:
        return cls(day.year, day.month, 1)


def clean_text(text: str) -> str:
    """The text as a cell can hold it: no characters XML refuses, line breaks as the line
    feed a cell keeps (XML reads a bare carriage return as one), no more than Excel takes."""
    if not text.isprintable():  # a fast scan: only then can there be a control character
        text = ILLEGAL_CHARACTERS_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    return text[:MAX_CELL_TEXT] if len(text) > MAX_CELL_TEXT else text


def cell_value(value: Any):
    """The plain value a cell holds: text, a number, a naive local date-time, a date or None.

    Anything that is neither a number nor a date is written as its text.
    """
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)):  # bool included
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return value.replace(microsecond=0)
    if isinstance(value, (datetime.date, datetime.time)):
        return value
    return clean_text(value if isinstance(value, str) else str(value))


def excel_time(value: datetime.time) -> float:
    """A time of day as Excel holds it: the fraction of a day."""
    return (value.hour * 3600 + value.minute * 60 + value.second) / 86400


def sheet_title(title) -> str:
    """Excel refuses sheet names over 31 characters or holding any of []:*?/\\."""
    title = clean_text(str(title))
    for char in SHEET_TITLE_FORBIDDEN:
        title = title.replace(char, " ")
    return title.strip()[:MAX_SHEET_TITLE] or "Sheet"


def filename(name, day: datetime.date | None = None) -> str:
    """The download's name: what it holds, in the reader's language, and the day it was made
    (诉求台账-2026-12-06.xlsx)."""
    name = clean_text(str(name))[:MAX_FILENAME]
    for char in FILENAME_FORBIDDEN:
        name = name.replace(char, "-")
    day = day or timezone.localdate()
    return f"{name.strip() or 'export'}-{day:%Y-%m-%d}.xlsx"


class Sheet:
    """One sheet of a `Workbook`; each row is written to disk once the next one starts."""

    def __init__(self, book: Workbook, worksheet, *, header=(), widths=(), above=()):
        self._book = book
        self._sheet = worksheet
        self._row = 0
        for number, width in enumerate(widths):
            if width:
                worksheet.set_column_width(number, width)
        if header:
            worksheet.freeze_panes(len(above) + 1, 0)
        for row in above:
            self.append(row)
        if header:
            self.append(header, font=BOLD)

    def append(self, values: Iterable, *, font: str | None = None) -> None:
        """Write one row. The common cells (text, whole numbers, dates) take the short way; the
        rest go through `cell_value`, which makes anything else text."""
        row, write, style = self._row, self._sheet.write, self._book.style
        plain = style(font) if font else None
        for column, value in enumerate(values):
            kind = type(value)
            if kind is str and value and value.isprintable() and len(value) <= MAX_CELL_TEXT:
                # Most cells: text with nothing to clean (the general path below does the same).
                write(row, column, value, style(font, QUOTED) if value[0] in TRIGGERS else plain)
                continue
            if kind is str:
                value = clean_text(value)
            elif kind is not int and kind is not datetime.date:
                value = cell_value(value)
                kind = type(value)
            if value is None or value == "":
                if font:
                    write(row, column, None, plain)
            elif kind is str:
                write(row, column, value, style(font, QUOTED) if value[0] in TRIGGERS else plain)
            elif isinstance(value, (int, float, Decimal)):  # bool included: a TRUE/FALSE cell
                write(row, column, value, plain)
            elif kind is datetime.time:
                write(row, column, excel_time(value), style(font, "time"))
            else:
                write(row, column, value, style(font, date_kind(value)))
        self._row += 1


def date_kind(value: datetime.date) -> str:
    if isinstance(value, Month):
        return "month"
    if isinstance(value, datetime.datetime):
        return "datetime"
    return "date"


def number_format(kind: str) -> str:
    return MONTH_FORMAT if kind == "month" else _NUMBER_FORMATS[kind]


class Workbook:
    """A streaming workbook of one or more sheets, saved to a temporary file."""

    def __init__(self):
        self._book = rvgsrust_xlsxwriter.Workbook()
        self._styles = {}

    def style(self, font: str | None, kind: str = ""):
        """The cell format for a font and a kind of value (quoted text, a date), made once."""
        key = (font, kind)
        if key not in self._styles:
            cell_format = self._book.add_format()
            for method, *args in FONTS[font]:
                getattr(cell_format, method)(*args)
            if kind == QUOTED:
                cell_format.set_quote_prefix()
            elif kind:
                cell_format.set_num_format(number_format(kind))
            self._styles[key] = cell_format
        return self._styles[key]

    def sheet(self, title, *, header: Sequence = (), widths: Sequence = (), above=()) -> Sheet:
        """A new sheet; `above` are rows over the header (a title line), `header` is bold and
        stays in view when scrolling."""
        worksheet = self._book.add_worksheet(sheet_title(title), constant_memory=True)
        return Sheet(self, worksheet, header=header, widths=widths, above=above)

    def save(self) -> IO[bytes]:
        """The workbook in a temporary file, rewound; whoever reads it closes it (its name is
        gone from the disk already, so closing it frees the space)."""
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        try:
            self._book.close(path)
            return open(path, "rb")  # handed on, closed by its reader
        finally:
            os.unlink(path)


def write(title, header: Sequence, rows: Iterable[Sequence], *, widths: Sequence = ()):
    """One sheet with a bold, frozen header: the common case, as a rewound temporary file."""
    book = Workbook()
    sheet = book.sheet(title, header=header, widths=widths)
    for row in rows:
        sheet.append(row)
    return book.save()


def response(file: IO[bytes], name) -> FileResponse:
    """The workbook as a download named after what it holds and the day (`filename`).

    FileResponse streams the file, closes it, and names it with RFC 5987's `filename*` when
    the name is not ASCII."""
    return FileResponse(file, as_attachment=True, filename=filename(name), content_type=XLSX)


# --- Reading: how many rows a workbook holds, before reading it -----------------------------


class _Enough(Exception):
    pass


def _sheet_rows(stream, cap: int, *, declared_only: bool) -> int:
    """The rows of one worksheet's XML: its declared size (`<dimension ref="A1:O1000000">`)
    when that is over `cap`, else its `<row>` elements counted up to `cap` + 1. With
    `declared_only`, reading stops where the rows begin (0 when the size is not declared)."""
    rows = 0
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(name, attrs):
        nonlocal rows
        local = name.rsplit(" ", 1)[-1]
        if local == "row":
            rows += 1
            if rows > cap:
                raise _Enough
        elif local == "dimension":
            last = re.search(r"(\d+)$", attrs.get("ref", ""))
            if last and int(last.group(1)) > cap:
                rows = int(last.group(1))
                raise _Enough
        elif local == "sheetData" and declared_only:
            raise _Enough

    parser.StartElementHandler = start
    with contextlib.suppress(_Enough):
        parser.ParseFile(stream)
    return rows


def row_count(file, cap: int, *, declared_only: bool = False) -> int:
    """The rows of the workbook's longest sheet, read as a stream and no further than past
    `cap`: more than `cap` is reported as soon as it is known (a sheet that declares a larger
    size, or the row after the cap), so a workbook of a million tiny rows costs no more than
    `cap` rows. `declared_only` reads only each sheet's declared size (instant: for the web
    request); the full count is for the background job, as the declared size may be missing
    or false. `file` must be a sound zip (the upload checks have looked)."""
    longest = 0
    with zipfile.ZipFile(file) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as stream:
                    longest = max(longest, _sheet_rows(stream, cap, declared_only=declared_only))
            if longest > cap:
                break
    file.seek(0)
    return longest

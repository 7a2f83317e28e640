"""The one Excel writer every export goes through: formula-safe, typed and streaming.

Each sheet is written with XlsxWriter in its constant-memory mode: a row goes to disk as soon
as the next one starts, so an export of any length takes constant memory when its rows come
from an iterator.

Why XlsxWriter. Writing 100,000 rows × 15 mixed cells (text, numbers, dates, date-times) on
this project's 2-core machine (`bench/excel_writers.py`; quiet figures from issue 15, then
ours under the team's load): openpyxl write-only 22–27 s without lxml, 10.9 s / 12.5 s with
it; XlsxWriter (constant memory) 9.2 s / 8.5 s; pyexcelerate 5.5 s / 6.5 s;
rustpy-xlsxwriter 0.76 s / 1.5 s. rustpy-xlsxwriter is by far the fastest but a young
one-person wrapper (version 0.8) that takes rows as dictionaries keyed by
header (two columns may not share a label) and formats by whole column or row only, so it
cannot mark the one hostile cell of a column as quoted text, which the guarantees below need.
pyexcelerate holds the whole workbook in memory (no streaming) and is little maintained.
XlsxWriter is BSD-licensed, maintained since 2013 by the author of the Rust writer, streams,
writes exactly the cell type it is asked for (`write_string` never makes a formula) and has
per-cell formats (quote prefix, number formats, bold): it is the fastest writer that keeps
every guarantee, about 1.5× openpyxl with lxml and 3× openpyxl as installed here. Reading
(the roster import) stays with openpyxl.

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
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any
from xml.parsers import expat

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
TIME_FORMAT = "h:mm:ss"
MONTH_FORMAT = "yyyy-mm"

# What makes a spreadsheet read text as a formula (OWASP: = + - @, tab, carriage return;
# a carriage return is written as the line feed a cell keeps, so that too).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
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
FONTS = {None: {}, BOLD: {"bold": True}, TITLE: {"bold": True, "font_size": 14}}


class Month(datetime.date):
    """A date standing for its month (a duty month): an Excel date shown as 2026-04."""

    @classmethod
    def of(cls, day: datetime.date) -> Month:
        return cls(day.year, day.month, 1)


def is_hostile(text: str) -> bool:
    """Would a spreadsheet read this text as a formula?"""
    return text.startswith(FORMULA_TRIGGERS)


def clean_text(text: str) -> str:
    """The text as a cell can hold it: no characters XML refuses, line breaks as the line
    feed a cell keeps (XML reads a bare carriage return as one), no more than Excel takes."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    return text[:MAX_CELL_TEXT]


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
                worksheet.set_column(number, number, width)
        if header:
            worksheet.freeze_panes(len(above) + 1, 0)
        for row in above:
            self.append(row)
        if header:
            self.append(header, font=BOLD)

    def append(self, values: Iterable, *, font: str | None = None) -> None:
        row, sheet, style = self._row, self._sheet, self._book.style
        for column, value in enumerate(values):
            value = cell_value(value)
            if value is None or value == "":
                if font:
                    sheet.write_blank(row, column, None, style(font))
            elif isinstance(value, str):
                quoted = value.startswith(FORMULA_TRIGGERS)
                fmt = style(font, "quoted") if quoted else (style(font) if font else None)
                sheet.write_string(row, column, value, fmt)
            elif isinstance(value, bool):
                sheet.write_boolean(row, column, value, style(font) if font else None)
            elif isinstance(value, (int, float, Decimal)):
                sheet.write_number(row, column, value, style(font) if font else None)
            else:
                sheet.write_datetime(row, column, value, style(font, number_format(value)))
        self._row += 1


def number_format(value) -> str:
    if isinstance(value, Month):
        return MONTH_FORMAT
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    return TIME_FORMAT


class Workbook:
    """A streaming workbook of one or more sheets, saved to a temporary file."""

    def __init__(self):
        self._file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — handed on by save
        self._book = xlsxwriter.Workbook(
            self._file, {"constant_memory": True, "strings_to_formulas": False}
        )
        self._styles = {}

    def style(self, font: str | None, kind: str = ""):
        """The cell format for a font and a kind of value (quoted text, a number format)."""
        key = (font, kind)
        if key not in self._styles:
            properties = dict(FONTS[font])
            if kind == "quoted":
                properties["quote_prefix"] = True
            elif kind:
                properties["num_format"] = kind
            self._styles[key] = self._book.add_format(properties)
        return self._styles[key]

    def sheet(self, title, *, header: Sequence = (), widths: Sequence = (), above=()) -> Sheet:
        """A new sheet; `above` are rows over the header (a title line), `header` is bold and
        stays in view when scrolling."""
        worksheet = self._book.add_worksheet(sheet_title(title))
        return Sheet(self, worksheet, header=header, widths=widths, above=above)

    def save(self) -> IO[bytes]:
        """The workbook in a temporary file, rewound; whoever reads it closes it."""
        self._book.close()
        self._file.seek(0)
        return self._file


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

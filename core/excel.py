"""The one Excel writer every export goes through: formula-safe, typed and streaming.

Each sheet is written with openpyxl's write-only mode, which streams every appended row to
disk, so an export of any length takes constant memory when its rows come from an iterator.

What a cell holds follows its Python type, never its text:

- text stays text. openpyxl turns any string starting with ``=`` into a formula, and Excel
  and other spreadsheets evaluate text starting with ``= + - @``, a tab or a carriage return
  when it is typed or imported (OWASP's CSV/formula injection). Such text is written as a
  string cell marked with Excel's quote prefix: Excel shows and keeps the exact text (as if
  typed after an apostrophe), never evaluates it, and reading the file back gives the
  original text (so the member roster's import round-trips an export); so is text that
  openpyxl would take for an error value (``#N/A``). Characters XML cannot carry are
  dropped, a carriage return becomes a line feed, and text is cut at Excel's 32,767
  characters a cell.
- dates and date-times are Excel dates (2026-12-06, 2026-12-06 9:30:00); an aware date-time
  is written in the local time zone (Excel has none), to the second.
- numbers are numbers; None is an empty cell.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MONTH_FORMAT = "yyyy-mm"

# What makes a spreadsheet read text as a formula (OWASP: = + - @, tab, carriage return;
# a carriage return is written as the line feed a cell keeps, so that too).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_CELL_TEXT = 32767  # Excel's limit; a longer cell makes Excel "repair" the file
MAX_SHEET_TITLE = 31
SHEET_TITLE_FORBIDDEN = "[]:*?/\\"
FILENAME_FORBIDDEN = '/\\:*?"<>|'
MAX_FILENAME = 80  # characters before the date: an event's title can be long

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


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
    """One sheet of a `Workbook`; rows are written to disk as they are appended."""

    def __init__(self, worksheet, *, header: Sequence = (), widths: Sequence = (), above=()):
        self._sheet = worksheet
        # Write-only sheets take their layout before the first row.
        for number, width in enumerate(widths, start=1):
            if width:
                worksheet.column_dimensions[get_column_letter(number)].width = width
        if header:
            worksheet.freeze_panes = f"A{len(above) + 2}"
        for row in above:
            self.append(row)
        if header:
            self.append(header, font=BOLD)

    def cell(self, value, *, font: Font | None = None):
        value = cell_value(value)
        quoted = isinstance(value, str) and (is_hostile(value) or value in ERROR_CODES)
        month = isinstance(value, Month)
        if not (quoted or month or font):
            # A plain value costs less than a cell object; openpyxl gives a date, a
            # date-time or a time its ISO-like number format itself.
            return value
        cell = WriteOnlyCell(self._sheet, value=value)
        if quoted:
            # openpyxl has made text starting with "=" a formula (and "#N/A" an error):
            # write it as text, quoted.
            cell.data_type = "s"
            cell.quotePrefix = True
        if month:
            cell.number_format = MONTH_FORMAT
        if font is not None:
            cell.font = font
        return cell

    def append(self, values: Iterable, *, font: Font | None = None) -> None:
        self._sheet.append([self.cell(value, font=font) for value in values])


class Workbook:
    """A streaming workbook of one or more sheets, saved to a temporary file."""

    def __init__(self):
        self._book = OpenpyxlWorkbook(write_only=True)

    def sheet(self, title, *, header: Sequence = (), widths: Sequence = (), above=()) -> Sheet:
        """A new sheet; `above` are rows over the header (a title line), `header` is bold and
        stays in view when scrolling."""
        return Sheet(
            self._book.create_sheet(sheet_title(title)), header=header, widths=widths, above=above
        )

    def save(self) -> IO[bytes]:
        """The workbook in a temporary file, rewound; whoever reads it closes it."""
        out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the caller closes it
        self._book.save(out)
        out.seek(0)
        return out


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

"""The Excel writers compared for `core/excel.py`: 100,000 rows x 15 mixed cells each.

    python bench/excel_writers.py [ROWS]

Prints wall and CPU seconds and the file size for each candidate that is installed: openpyxl
write-only (with lxml if installed), XlsxWriter in constant-memory mode, pyexcelerate,
rustpy-xlsxwriter, rvgsrust-xlsxwriter (per-cell formats, constant memory: the way
core/excel.py writes), and core/excel.py itself. Only openpyxl (the import's reader) and
rvgsrust-xlsxwriter are in requirements.txt; install the others in a scratch environment to
compare (`pip install --target DIR ...` and PYTHONPATH=DIR).
"""

import datetime
import os
import sys
import tempfile
import time
from decimal import Decimal

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
DAY = datetime.date(2026, 12, 6)
NOW = datetime.datetime(2026, 12, 6, 9, 30)


def rows():
    for i in range(ROWS):
        yield [
            f"2026-{i:05d}", f"延庆企业{i}有限公司", "91110229MA01234567", i, Decimal("500.50"),
            DAY, NOW, "制造业", "=1+1" if i % 100 == 0 else "康庄镇", i * 3, 1.5, "张三",
            "北京市延庆区某某路1号", DAY, "成员",
        ]  # fmt: skip


def openpyxl_write_only():
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("s")
    for row in rows():
        sheet.append(row)
    out = tempfile.TemporaryFile()  # noqa: SIM115 — closed with the process
    book.save(out)
    return out.tell()


def xlsxwriter_constant_memory():
    import xlsxwriter

    out = tempfile.TemporaryFile()  # noqa: SIM115 — closed with the process
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("s")
    for number, row in enumerate(rows()):
        sheet.write_row(number, 0, row)
    book.close()
    out.seek(0, 2)
    return out.tell()


def pyexcelerate_whole_sheet():
    from pyexcelerate import Workbook

    book = Workbook()
    data = [[float(v) if isinstance(v, Decimal) else v for v in row] for row in rows()]
    book.new_sheet("s", data=data)
    out = tempfile.TemporaryFile()  # noqa: SIM115 — closed with the process
    book.save(out)
    return out.tell()


def rustpy_xlsxwriter():
    import rustpy_xlsxwriter

    keys = [f"c{i}" for i in range(15)]
    records = (
        {k: float(v) if isinstance(v, Decimal) else v for k, v in zip(keys, row, strict=True)}
        for row in rows()
    )
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "out.xlsx")
        rustpy_xlsxwriter.write_worksheet(records, path, sheet_name="s")
        return os.path.getsize(path)


def rvgsrust_xlsxwriter_cells():
    """Cell by cell with a format where one is needed, constant memory: as core/excel.py."""
    import rvgsrust_xlsxwriter

    book = rvgsrust_xlsxwriter.Workbook()
    sheet = book.add_worksheet("s", constant_memory=True)
    day = book.add_format().set_num_format("yyyy-mm-dd")
    moment = book.add_format().set_num_format("yyyy-mm-dd h:mm:ss")
    quoted = book.add_format().set_quote_prefix()
    for number, row in enumerate(rows()):
        for column, value in enumerate(row):
            if isinstance(value, datetime.datetime):
                sheet.write(number, column, value, moment)
            elif isinstance(value, datetime.date):
                sheet.write(number, column, value, day)
            elif isinstance(value, str) and value.startswith("="):
                sheet.write(number, column, value, quoted)
            else:
                sheet.write(number, column, value)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "out.xlsx")
        book.close(path)
        return os.path.getsize(path)


def core_excel():
    """The portal's own writer (rvgsrust-xlsxwriter, with its type dispatch and quoted text)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ylqgsl.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import django

    django.setup()
    from core import excel

    out = excel.write("s", [f"c{i}" for i in range(15)], rows())
    out.seek(0, 2)
    return out.tell()


CANDIDATES = [
    ("openpyxl write-only (+ lxml if installed)", openpyxl_write_only),
    ("XlsxWriter constant_memory", xlsxwriter_constant_memory),
    ("pyexcelerate", pyexcelerate_whole_sheet),
    ("rustpy-xlsxwriter", rustpy_xlsxwriter),
    ("rvgsrust-xlsxwriter, per-cell formats", rvgsrust_xlsxwriter_cells),
    ("core.excel (rvgsrust-xlsxwriter)", core_excel),
]

if __name__ == "__main__":
    print(f"{ROWS:,} rows x 15 cells")
    for name, write in CANDIDATES:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            size = write()
        except ImportError as error:
            print(f"{name:42s} not installed ({error.name})")
            continue
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"{name:42s} {seconds:6.2f} s {cpu:6.2f} s CPU {size / 1e6:5.1f} MB", flush=True)

"""The one Excel writer: what each kind of value becomes in a cell, names, streaming."""

import datetime
import os
import subprocess
import sys
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from core import excel

HOSTILE = ['=HYPERLINK("http://evil.example","点此")', "=1+1", "+1", "-1", "@SUM(A1)", "\t=1"]


def written(*values, header=("a",)):
    """The cells of the one row written after the header."""
    book = load_workbook(excel.write("sheet", header, [list(values)]))
    return list(book.worksheets[0].iter_rows())[1]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_is_written_as_quoted_text(text):
    (cell,) = written(text)
    assert cell.data_type == "s"
    assert cell.quotePrefix  # Excel keeps it text even when the cell is edited
    assert cell.value == text


def test_a_carriage_return_becomes_the_line_feed_a_cell_keeps():
    first, inner = written("\r=1", "甲\r\n乙\r丙")
    assert first.value == "\n=1" and first.quotePrefix and first.data_type == "s"
    assert inner.value == "甲\n乙\n丙" and not inner.quotePrefix


def test_text_that_looks_like_an_error_value_stays_text():
    (cell,) = written("#N/A")
    assert cell.data_type == "s" and cell.value == "#N/A"


def test_ordinary_text_is_plain_text():
    (cell,) = written("延庆葡萄酒庄 = 好酒")
    assert cell.data_type == "s" and not cell.quotePrefix
    assert cell.value == "延庆葡萄酒庄 = 好酒"


def test_a_header_is_never_a_formula():
    book = load_workbook(excel.write("sheet", ["=1+1"], []))
    (cell,) = next(book.worksheets[0].iter_rows())
    assert cell.data_type == "s" and cell.value == "=1+1" and cell.font.bold


def test_aware_date_times_are_local_excel_dates_without_microseconds():
    utc = datetime.datetime(2026, 3, 31, 16, 30, 5, 123456, tzinfo=datetime.UTC)
    (cell,) = written(utc)
    assert cell.data_type == "d"
    assert cell.value == datetime.datetime(2026, 4, 1, 0, 30, 5)  # Beijing time
    assert cell.number_format == "yyyy-mm-dd h:mm:ss"


def test_dates_and_months_are_excel_dates():
    day, month = written(datetime.date(2026, 12, 6), excel.Month.of(datetime.date(2026, 4, 17)))
    assert day.value == datetime.datetime(2026, 12, 6) and day.number_format == "yyyy-mm-dd"
    assert month.value == datetime.datetime(2026, 4, 1) and month.number_format == "yyyy-mm"


def test_numbers_are_numbers_and_none_is_empty():
    zero, count, money, nothing, last = written(0, 42, Decimal("2500.50"), None, "end")
    assert zero.value == 0 and zero.data_type == "n"
    assert count.value == 42 and count.data_type == "n"
    assert money.value == pytest.approx(2500.5) and money.data_type == "n"
    assert nothing.value is None
    assert last.value == "end"


def test_lazy_translations_and_other_objects_are_their_text():
    with translation.override("zh-hans"):
        label, other = written(gettext_lazy("yes"), ZoneInfo("Asia/Shanghai"))
    assert label.value == "是" and other.value == "Asia/Shanghai"


def test_characters_xml_cannot_hold_are_dropped_and_long_text_is_cut():
    odd, long = written("a\x00b\x01c\x1f", "字" * 40000)
    assert odd.value == "abc"
    assert len(long.value) == excel.MAX_CELL_TEXT


def test_sheet_titles_obey_excel():
    assert excel.sheet_title("诉求台账") == "诉求台账"
    assert excel.sheet_title("a/b:c*d?e[f]g\\h") == "a b c d e f g h"
    assert len(excel.sheet_title("字" * 40)) == 31
    assert excel.sheet_title("") == "Sheet"


def test_file_names_say_what_and_when():
    day = datetime.date(2026, 12, 6)
    assert excel.filename("诉求台账", day) == "诉求台账-2026-12-06.xlsx"
    assert excel.filename('a/b\\c:d*e?f"g<h>i|j', day) == "a-b-c-d-e-f-g-h-i-j-2026-12-06.xlsx"
    assert excel.filename("", day) == "export-2026-12-06.xlsx"
    assert len(excel.filename("字" * 300, day)) == excel.MAX_FILENAME + len("-2026-12-06.xlsx")


def test_the_download_is_named_in_utf8_for_a_chinese_name(db):
    """Closing a response sends request_finished, which looks at the database connections."""
    response = excel.response(excel.write("诉求台账", ["a"], []), "诉求台账")
    header = response["Content-Disposition"]
    assert header.startswith("attachment; filename*=utf-8''")
    assert "%E8%AF%89%E6%B1%82%E5%8F%B0%E8%B4%A6" in header  # 诉求台账
    assert response["Content-Type"] == excel.XLSX
    response.close()


def test_several_sheets_with_rows_over_the_header():
    book = excel.Workbook()
    first = book.sheet("一", above=[["标题", None]], header=["名称", "日期"], widths=[30, 12])
    first.append(["=1+1", datetime.date(2026, 1, 1)])
    second = book.sheet("二")
    second.append(["小计"], font=excel.BOLD)
    loaded = load_workbook(book.save())
    one, two = loaded.worksheets
    assert one.freeze_panes == "A3"
    # 30 characters, plus the padding Excel itself adds to a column's width
    assert 30 <= one.column_dimensions["A"].width < 31
    assert one["A1"].value == "标题" and one["A2"].font.bold and one["A3"].value == "=1+1"
    assert two.freeze_panes is None and two["A1"].font.bold


def test_rows_stream_to_disk_in_constant_memory():
    """The process's peak memory, not only Python's: the writer's rows live in Rust."""
    script = """
import datetime, resource, sys
import django
django.setup()
from core import excel
n = int(sys.argv[1])
rows = ([f"企业{i}", "=1+1", i, datetime.date(2026, 1, 1)] for i in range(n))
excel.write("sheet", ["a", "b", "c", "d"], rows).close()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

    def peak_kb(n):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
        done = subprocess.run(  # noqa: S603 — this interpreter, a script of the test's
            [sys.executable, "-c", script, str(n)], env=env, capture_output=True, text=True,
            check=True, cwd=settings.BASE_DIR,
        )  # fmt: skip
        return int(done.stdout.split()[-1])

    # Twenty times the rows: a sheet held in memory would take some 50 MB more.
    small, large = peak_kb(5_000), peak_kb(100_000)
    assert large - small < 20_000, (small, large)

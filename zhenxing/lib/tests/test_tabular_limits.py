"""Hostile files are cheap to refuse (issue 20): the tabular reader checks the size, an .xlsx's
unzipped size and declared dimension, the real row count and each cell's length before (or while)
it parses, and refuses in Chinese. Before issue 20 the 6-million-row file below took 16 GB."""

from __future__ import annotations

import resource

import pytest

from zhenxing.lib import tabular
from zhenxing.lib.tabular import RowErrors, Unreadable
from zhenxing.lib.tests import hostile


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def test_a_small_xlsx_declaring_six_million_rows_is_refused_before_it_is_read():
    data = hostile.declared_rows_xlsx(6_000_000)
    assert len(data) < 4096
    with pytest.raises(Unreadable, match="工作表声明有 6,000,000 行，超过上限 200,000 行"):
        tabular.read_rows(data, "a.xlsx")
    assert _peak_mb() < 2000  # the process as a whole (pytest and Django included); before: 16 GB


def test_a_zip_bomb_entry_is_refused_by_its_unzipped_size():
    data = hostile.zip_bomb_xlsx(2 * 1024**3)
    assert len(data) < 4 * 1024**2
    with pytest.raises(Unreadable, match="解压后达 2,048 MB，超过上限 400 MB"):
        tabular.read_rows(data, "bomb.xlsx")


def test_an_entry_that_lies_about_its_size_is_refused_while_streaming():
    with pytest.raises(Unreadable, match="已损坏"):
        tabular.read_rows(hostile.lying_bomb_xlsx(64 * 1024**2), "bomb.xlsx")


def test_real_rows_past_the_limit_are_refused_without_a_dimension(settings):
    settings.TABULAR_MAX_ROWS = 1000
    with pytest.raises(Unreadable, match="文件行数过多，超过上限 1,000 行"):
        tabular.read_rows(hostile.many_rows_xlsx(1001), "a.xlsx")
    assert len(tabular.read_rows(hostile.many_rows_xlsx(1000), "a.xlsx")) == 1000


def test_csv_rows_past_the_limit_are_refused(settings):
    settings.TABULAR_MAX_ROWS = 3
    with pytest.raises(Unreadable, match="超过上限 3 行"):
        tabular.read_rows(b"a,b\n1,2\n3,4\n5,6\n", "a.csv")
    assert tabular.read_rows(b"a,b\n1,2\n3,4\n", "a.csv") == [["a", "b"], ["1", "2"], ["3", "4"]]


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(Unreadable, match="超过上限"):
        tabular.read_rows(b"a,b\n" + b"1,2\n" * 100, "a.csv")


def test_a_csv_cell_over_128_kb_is_a_row_and_column_error_not_a_csv_exception():
    with pytest.raises(Unreadable, match="第2行 C列：单元格内容有 200,000 个字符，超过上限 32,767 个字符"):
        tabular.read_rows(hostile.long_cell_csv(200_000), "a.csv")


def test_an_xlsx_cell_over_the_cap_is_a_row_and_column_error(settings):
    import io

    import xlsxwriter

    settings.TABULAR_MAX_CELL = 10
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["户编号", "姓名"])
    sheet.write_row(1, 0, ["H1", "长" * 11])
    book.close()
    with pytest.raises(Unreadable, match="第2行 B列：单元格内容有 11 个字符，超过上限 10 个字符"):
        tabular.read_rows(buf.getvalue(), "a.xlsx")


def test_row_errors_stop_at_one_thousand_and_say_so():
    errors = RowErrors()
    for i in range(5000):
        if errors.full:
            errors.stop()
            break
        errors.add(i + 2, "姓名", "姓名不能为空")
    assert errors.count == 1000 and errors.stopped
    assert "错误已超过1,000条，已停止检查" in errors.items[-1].message
    assert len(errors.dicts()) == 1001

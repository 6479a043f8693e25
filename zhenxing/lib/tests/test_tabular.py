"""The one tabular reader: encodings, title rows, aliases and value maps, Excel-mangled numbers,
dates in every format, row errors with the row and column the user sees, real .xlsx files."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter

from zhenxing.lib import tabular
from zhenxing.lib.tabular import CellError, Layout, RowError, RowErrors, Unreadable
from zhenxing.lib.tests.biff import xls_bytes

LAYOUT = Layout(
    headers=("户编号", "姓名", "身份证号", "金额", "性别"),
    aliases={"户号": "户编号", "身份证号码": "身份证号", "公民身份号码": "身份证号"},
)
CSV = (
    "塔河县农户信息表\n填报日期：2022年5月1日\n户编号,姓名,身份证号码,金额（元）\nH001,王振华,232722199001011234,1000\n"
)


# --- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_each_encoding_reads_the_same(encoding):
    data = CSV.encode(encoding)
    assert data.startswith(tabular.BOM) == (encoding == "utf-8-sig")
    table = tabular.read_table(data, LAYOUT, filename="a.csv", required=("户编号", "身份证号"))
    assert table.header_row == 3
    assert list(table.records()) == [
        (4, {"户编号": "H001", "姓名": "王振华", "身份证号": "232722199001011234", "金额": "1000"})
    ]


def test_bom_is_not_part_of_the_first_header():
    table = tabular.find_header(
        tabular.csv_rows(tabular.decode_text("户编号,姓名\nH1,张三\n".encode("utf-8-sig"))),
        LAYOUT,
        required=("户编号",),
    )
    assert table.header_row == 1 and table.columns == {"户编号": 0, "姓名": 1}


def test_sniffing_a_head_cut_inside_a_character():
    head = "王".encode() * 30 + "王".encode()[:2]  # ends inside a three-byte character
    assert tabular.sniff_encoding(head, complete=False) == "utf-8"
    assert tabular.sniff_encoding(head) == "gb18030"  # the whole file: a cut character is not UTF-8
    assert tabular.sniff_encoding("王振华".encode("gb18030"), complete=False) == "gb18030"


def test_undecodable_bytes_are_unreadable_in_chinese():
    with pytest.raises(Unreadable, match="文件编码无法识别"):
        tabular.decode_text(b"\x81\xff\x81\xff")
    with pytest.raises(Unreadable, match="文件是空的"):
        tabular.read_rows(b"  \n", "a.csv")
    with pytest.raises(Unreadable, match="无法识别的文件格式"):
        tabular.read_rows(b"ab\x00cd", "a.csv")


def test_utf8_path_hands_over_the_file_itself_or_one_utf8_copy(tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_bytes("姓名\n王振华\n".encode())
    assert tabular.utf8_path(plain, tmp_path) == plain  # no copy: DuckDB reads it in place
    for encoding in ("gb18030", "utf-8-sig"):
        source = tmp_path / f"{encoding}.csv"
        source.write_bytes("姓名\n王振华\n".encode(encoding))
        work = tmp_path / encoding
        work.mkdir()
        out = tabular.utf8_path(source, work)
        assert out.parent == work and out.read_bytes() == "姓名\n王振华\n".encode()
    with pytest.raises(Unreadable, match="无法打开文件"):
        tabular.utf8_path(tmp_path / "missing.csv", tmp_path)


# --- header row, aliases, value maps ---------------------------------------------------------------


def test_title_rows_are_skipped_up_to_the_limit():
    rows = [["标题"]] * 14 + [["户编号", "身份证号"], ["H1", "x"]]
    assert tabular.find_header(rows, LAYOUT, required=("户编号", "身份证号"), within=15).header_row == 15
    rows = [["标题"]] * 15 + [["户编号", "身份证号"], ["H1", "x"]]
    with pytest.raises(Unreadable, match="前15行中没有同时包含“户编号”和“身份证号”的行"):
        tabular.find_header(rows, LAYOUT, required=("户编号", "身份证号"), within=15)


def test_at_least_some_of_the_required_headers():
    rows = [["户编号", "姓名"], ["H1", "张三"]]
    assert tabular.find_header(rows, LAYOUT, required=("户编号", "姓名", "身份证号"), at_least=2).columns == {
        "户编号": 0,
        "姓名": 1,
    }
    with pytest.raises(Unreadable, match="应包含：户编号、姓名、身份证号、金额"):
        tabular.find_header(rows, LAYOUT, required=("户编号", "姓名", "身份证号", "金额"), at_least=3)
    with pytest.raises(Unreadable, match="同时包含“户编号”“姓名”“身份证号”"):
        tabular.find_header(rows, LAYOUT, required=("户编号", "姓名", "身份证号"))


def test_header_variants_and_aliases():
    rows = [[" 户 号 ", "*姓名", "公民身份号码", "金额(元)", "备注", "姓名"], ["H1", "张三", "x", "5", "", "李四"]]
    table = tabular.find_header(rows, LAYOUT, required=("户编号", "身份证号"))
    # the first of two columns with the same header is read; unknown headers are left out
    assert table.columns == {"户编号": 0, "姓名": 1, "身份证号": 2, "金额": 3}
    assert table.missing(LAYOUT.headers) == ["性别"]
    # a canonical header is never taken for an alias of another
    assert Layout(headers=("户号", "户编号"), aliases={"户号": "户编号"}).canonical("户号") == "户号"


def test_value_maps_apply_to_text_and_numbers_alike():
    layout = Layout(headers=("姓名", "性别"), values={"性别": {"1": "男", "2": "女"}})
    rows = [["姓名", "性别"], ["张三", 1.0], ["李四", "2"], ["王五", "男"], ["", None]]
    table = tabular.find_header(rows, layout, required=("姓名",))
    assert [(n, v["性别"]) for n, v in table.records()] == [(2, "男"), (3, "女"), (4, "男")]


def test_blank_rows_are_skipped_but_keep_the_numbering():
    rows = [["户编号", "姓名"], ["H1", "张三"], ["", "  "], [None], ["H2", "李四", "多余"]]
    table = tabular.find_header(rows, LAYOUT, required=("户编号",))
    assert [n for n, _ in table.records()] == [2, 5]
    assert [n for n, _ in table.records(skip_blank=False)] == [2, 3, 4, 5]


# --- cells ---------------------------------------------------------------------------------------


def test_cell_text():
    assert tabular.cell_text(None) == "" and tabular.cell_text(12.0) == "12" and tabular.cell_text(12.5) == "12.5"
    assert tabular.cell_text(True) == "是" and tabular.cell_text(dt.datetime(2022, 5, 1)) == "2022-05-01"
    assert tabular.cell_text(dt.datetime(2022, 5, 1, 8, 30)) == "2022-05-01 08:30:00"
    assert tabular.cell_text(" （一期） ") == "（一期）"
    assert tabular.cell_text("Ｈ００１　", nfkc=True) == "H001"


def test_codes_keep_their_digits_and_mangled_numbers_are_refused():
    assert tabular.cell_code(12.0) == "12"
    assert tabular.cell_code(232722200206.0) == "232722200206"
    assert tabular.cell_code(999999999999999.0) == "999999999999999"  # 15 digits: exact in Excel
    assert tabular.cell_code("'0012") == "0012" and tabular.cell_code('="0012"') == "0012"
    assert tabular.cell_code("Ｈ－００１") == "H-001"
    for mangled in (1e15, 1.23457e17, "1.23457E+17", "2.32722E17", "232722199001011000.0"):
        with pytest.raises(CellError, match="户编号被 Excel 转成了科学计数法"):
            tabular.cell_code(mangled, what="户编号")
    assert tabular.is_mangled_number(1.23457e17) and not tabular.is_mangled_number("232722199001011234")


def test_numbers_stored_as_text():
    assert tabular.cell_number("1,234.50") == Decimal("1234.50")
    assert tabular.cell_number("300,000元") == Decimal("300000")
    assert tabular.cell_number("１２３") == Decimal("123") and tabular.cell_number("'42") == Decimal("42")
    assert tabular.cell_number(0.1) == Decimal("0.1") and tabular.cell_number(7) == Decimal("7")
    assert tabular.cell_number("  ") is None
    for bad in ("abc", "NaN", "1.2.3"):
        with pytest.raises(CellError, match="不是有效的数字"):
            tabular.cell_number(bad)


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2022, 5, 1),
        dt.datetime(2022, 5, 1, 9, 15),
        44682,
        44682.0,
        "44682",
        "2022-05-01",
        "2022/5/1",
        "2022.5.1",
        "2022年5月1日",
        "2022 年 5 月 1 日",
        "20220501",
        20220501.0,
        "2022-05-01 08:30",
        "２０２２-０５-０１",
    ],
)
def test_a_date_in_each_format(value):
    assert tabular.cell_date(value) == dt.date(2022, 5, 1)


def test_dates_that_are_not():
    assert tabular.cell_date(None) is None and tabular.cell_date("") is None
    assert tabular.cell_date(tabular.SERIAL_FROM) == dt.date(1927, 5, 18)
    for bad in (tabular.SERIAL_FROM - 1, 2022, "2022", "明年", "2022-13-01", "2022-02-30"):
        with pytest.raises(CellError, match="不是有效日期"):
            tabular.cell_date(bad)


# --- row errors ----------------------------------------------------------------------------------


def test_row_error_names_row_and_column_as_the_user_sees_them():
    assert str(RowError(4, "金额", "金额不能为负数")) == "第4行【金额】金额不能为负数"
    assert str(RowError(6, "C", "工作措施不能为空")) == "第6行 C列：工作措施不能为空"
    assert str(RowError(2, "", "文件有误")) == "第2行：文件有误"
    assert RowError(4, "金额", "x").as_dict() == {"row": 4, "column": "金额", "message": "x"}


def test_errors_from_a_file_carry_its_row_numbers():
    data = "农户收入表\n户编号,金额\nH1,100\n\nH2,-5\nH3,abc\n".encode("gb18030")
    table = tabular.read_table(data, LAYOUT, filename="a.csv", required=("户编号",))
    errors = RowErrors()
    for row_no, values in table.records():
        try:
            if tabular.cell_number(values["金额"]) < 0:
                errors.add(row_no, "金额", "金额不能为负数")
        except CellError as exc:
            errors.add(row_no, "金额", str(exc))
    assert [str(e) for e in errors] == ["第5行【金额】金额不能为负数", "第6行【金额】“abc”不是有效的数字"]


def test_error_collection_keeps_a_limit_and_counts_all():
    errors = RowErrors(limit=2)
    assert not errors
    for row, column in ((5, "金额"), (3, "姓名"), (3, "户编号")):
        errors.add(row, column, "错")
    assert len(errors) == 3 and len(errors.items) == 2 and errors.more == 1 and errors
    assert [(e["row"], e["column"]) for e in errors.dicts()] == [(5, "金额"), (3, "姓名")]
    everything = RowErrors()
    everything.extend(
        [
            RowError(5, "金额", "错"),
            RowError(3, "姓名", "错"),
            RowError(3, "户编号", "错"),
            RowError(None, "其他", "错"),
        ]
    )
    assert [(e["row"], e["column"]) for e in everything.dicts(order=("户编号", "姓名", "金额"))] == [
        (None, "其他"),
        (3, "户编号"),
        (3, "姓名"),
        (5, "金额"),
    ]
    found_by_sql = RowErrors(limit=200)
    found_by_sql.extend([RowError(2, "金额", "错")], total=1000)
    assert found_by_sql.count == 1000 and found_by_sql.more == 999


# --- real spreadsheets ---------------------------------------------------------------------------


def _workbook() -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("农户")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write(0, 0, "塔河县农户信息表")
    sheet.write_row(1, 0, ["户号", "姓名", "身份证号码", "金额（元）", "性别"])
    sheet.write_row(2, 0, ["H001", "王振华", "232722199001011234"])
    sheet.write_number(2, 3, 1234.5)
    sheet.write_number(2, 4, 1)
    sheet.write_number(4, 0, 12)  # row 4 left blank; a code Excel keeps as a number
    sheet.write_string(4, 1, "李四")
    sheet.write_number(4, 2, 232722199001011234)  # an ID typed into a number cell
    sheet.write_datetime(4, 3, dt.datetime(2022, 5, 1), dates)
    book.close()
    return buf.getvalue()


@pytest.mark.parametrize("filename", ["a.xlsx", "a.xls", "no-name"])
def test_a_real_workbook_is_read_by_content(filename):
    layout = Layout(headers=LAYOUT.headers, aliases=LAYOUT.aliases, values={"性别": {"1": "男"}})
    table = tabular.read_table(_workbook(), layout, filename=filename, required=("户编号", "身份证号"))
    assert table.header_row == 2
    (first_no, first), (second_no, second) = table.records()
    assert (first_no, first["户编号"], first["姓名"], first["金额"], first["性别"]) == (
        3,
        "H001",
        "王振华",
        1234.5,
        "男",
    )
    assert tabular.cell_number(first["金额"]) == Decimal("1234.5")
    assert second_no == 5 and tabular.cell_code(second["户编号"]) == "12"
    assert tabular.cell_date(second["金额"]) == dt.date(2022, 5, 1)
    with pytest.raises(CellError, match="身份证号被 Excel 转成了科学计数法"):
        tabular.cell_code(second["身份证号"], what="身份证号")


def test_a_workbook_from_a_path_and_a_damaged_one(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(_workbook())
    assert tabular.read_sheet(Path(path))[1][0] == "户号"
    with pytest.raises(Unreadable, match="无法读取 Excel 文件"):
        tabular.read_rows(b"PK\x03\x04garbage", "a.xlsx")
    with pytest.raises(Unreadable, match="无法读取 Excel 文件"):
        tabular.read_rows("户编号\nH1\n".encode(), "a.xls")  # named .xls but it is no workbook


def test_a_real_xls_workbook():
    data = xls_bytes(
        [
            ["塔河县农户信息表"],
            ["户号", "姓名", "身份证号码", "金额（元）"],
            ["H001", "王振华", "232722199001011234", 1234.5],
            [None],
            [12.0, "李四", 232722199001011234, "abc"],
        ]
    )
    assert data[:4] == tabular.XLS_MAGIC
    table = tabular.read_table(data, LAYOUT, filename="农户.xls", required=("户编号", "身份证号"))
    assert table.header_row == 2
    (first_no, first), (second_no, second) = table.records()
    assert (first_no, first["户编号"], first["身份证号"], first["金额"]) == (3, "H001", "232722199001011234", 1234.5)
    assert second_no == 5 and tabular.cell_code(second["户编号"]) == "12"
    with pytest.raises(CellError, match="身份证号被 Excel 转成了科学计数法"):
        tabular.cell_code(second["身份证号"], what="身份证号")

"""The shared .xlsx writer, read back as a user's spreadsheet program would see it."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.test import RequestFactory
from python_calamine import CalamineWorkbook

from zhenxing.audit.exports import export_response
from zhenxing.audit.models import AuditEntry
from zhenxing.lib.xlsx import Column, Heading, Sheet, dated_title, workbook_bytes

COLUMNS = [
    Column("户编号", 20, "text"),
    Column("身份证号", 21, "text"),
    Column("发现日期", 12),
    Column("金额", 12, "money"),
]
ROWS = [
    ["00123", "232722199001011234", dt.date(2022, 5, 3), Decimal("1234.50")],
    Heading("（二）其他"),
    ["00124", None, None, 7],
]


def _rows(data: bytes, index: int = 0) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(index).to_python()


def _sheet_xml(data: bytes, index: int = 1) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(f"xl/worksheets/sheet{index}.xml").decode()


def _widths(xml: str) -> list[int]:
    """Column widths (rounded), one per column; xlsxwriter joins equal neighbours into one <col>."""
    out = []
    for lo, hi, width in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', xml):
        out += [round(float(width))] * (int(hi) - int(lo) + 1)
    return out


def test_title_subtitle_header_and_typed_cells():
    data = workbook_bytes(title="塔河县监测对象台账", subtitle="填报单位：塔河县", columns=COLUMNS, rows=ROWS)
    rows = _rows(data)
    assert rows[0][0] == "塔河县监测对象台账" and rows[1][0] == "填报单位：塔河县"
    assert rows[2] == ["户编号", "身份证号", "发现日期", "金额"]
    # IDs stay text (no lost leading zeros, no 2.32722E+17); the date is a date cell; money a number
    assert rows[3] == ["00123", "232722199001011234", dt.date(2022, 5, 3), 1234.5]
    assert rows[4][0] == "（二）其他" and rows[4][1:] == ["", "", ""]
    assert rows[5] == ["00124", "", "", 7.0]


def test_heading_rows_title_and_subtitle_are_merged_and_the_header_frozen():
    xml = _sheet_xml(workbook_bytes(title="标题", subtitle="副标题", columns=COLUMNS, rows=ROWS, freeze_cols=1))
    merged = set(re.findall(r'<mergeCell ref="([A-Z0-9:]+)"', xml))
    assert merged == {"A1:D1", "A2:D2", "A5:D5"}  # title, subtitle, the heading between the data rows
    assert re.search(r'<pane xSplit="1" ySplit="3" topLeftCell="B4"', xml)
    assert _widths(xml) == [21, 22, 13, 13]  # 20, 21, 12, 12 characters plus Excel's padding


def test_without_subtitle_the_header_is_the_second_row_and_widths_follow_the_header():
    data = workbook_bytes(title="清单", columns=["序号", "一个很长的列名称"], rows=[[1, "甲"]], sheet="预警")
    assert _rows(data) == [["清单", ""], ["序号", "一个很长的列名称"], [1.0, "甲"]]
    xml = _sheet_xml(data)
    assert 'ySplit="2"' in xml
    assert _widths(xml) == [11, 19]  # max(10, 2n+2)
    assert CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names == ["预警"]


def test_strings_are_never_formulas_and_auto_width_grows_with_the_values():
    data = workbook_bytes(title="t", columns=["说明", "b"], rows=[["=1+1", "http://x.cn"]], auto_width=True)
    assert _rows(data)[2] == ["=1+1", "http://x.cn"]
    xml = _sheet_xml(data)
    assert "<f>" not in xml and "hyperlink" not in xml
    assert _widths(xml)[1] == 25  # 11 characters * 2 + 2


def test_several_sheets():
    data = workbook_bytes(
        Sheet(name="甲", title="一", columns=["a"], rows=[["x"]]),
        Sheet(name="乙", title="二", columns=["a"], rows=[["y"]]),
    )
    assert _rows(data, 0)[2] == ["x"] and _rows(data, 1) == [["二"], ["a"], ["y"]]


def test_export_response_is_one_audited_download(w):
    request = RequestFactory().get("/x/?region=1")
    request.user = w.tahe
    before = AuditEntry.objects.filter(action="export").count()
    response = export_response(
        request,
        filename="项目库.xlsx",
        title=dated_title(w.tahe.region, "项目库"),
        columns=COLUMNS,
        rows=ROWS,
        audit_extra={"kind": "projects"},
    )
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E9%A1%B9%E7%9B%AE%E5%BA%93.xlsx"
    assert _rows(response.content)[0][0].startswith(f"{w.tahe.region.full_name()} 项目库（")
    entries = AuditEntry.objects.filter(action="export")
    assert entries.count() == before + 1
    assert entries.latest("id").extra == {"kind": "projects", "rows": 2}  # headings are not counted


def _styles(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()


def test_figures_are_numbers_with_number_formats():
    from zhenxing.lib.xlsx import Figure

    data = workbook_bytes(
        title="主要指标",
        columns=["指标", "本期", "变化", "占比", "占比变化", "金额"],
        rows=[
            [
                "监测对象",
                Figure(1131),
                Figure(1131, change=True),
                Figure(Decimal("0.125"), "%"),
                Figure(Decimal("-0.021"), "%", change=True),
                Figure(Decimal("1234.5")),
            ],
            ["无数据", Figure(None), Figure(-3, change=True), "", "", ""],
        ],
    )
    rows = _rows(data)
    assert rows[2] == ["监测对象", 1131, 1131, 0.125, pytest.approx(-2.1), 1234.5]
    assert rows[3][:3] == ["无数据", "—", -3]
    styles = _styles(data)
    for fmt in ("#,##0", "+#,##0;-#,##0;0", "0.0%", "#,##0.00", "个百分点"):
        assert html.escape(fmt, quote=True) in styles or fmt in styles, fmt


def test_figures_formatted_as_text_are_written_back_as_numbers_but_codes_stay_text():
    data = workbook_bytes(
        title="t",
        columns=["a", "b", "c", "d", "e", "f", Column("户编号", kind="text")],
        rows=[["1,131", "+1,131", "-2.50", "12.5%", "2022", "0201", "1,131"]],
    )
    assert _rows(data)[2] == [1131, 1131, -2.5, 0.125, "2022", "0201", "1,131"]

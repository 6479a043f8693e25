"""The standard template (.xlsx with drop-down lists) and the export's sheet in the same layout
(written by zhenxing.lib.xlsx)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from zhenxing.lib.xlsx import Column, Sheet

from .imports import CHOICE_LABELS, COLUMNS, HEADERS, MONEY_KEYS
from .models import Health, Labour, Relation, Schooling, WorkStatus

WIDTHS = {
    "number": 18,
    "county": 10,
    "township": 16,
    "village": 14,
    "name": 10,
    "id_number": 21,
    "relation": 11,
    "labour": 11,
    "health": 11,
    "schooling": 15,
    "work_status": 12,
    "insured": 8,
    "formerly_poor": 8,
    "exit_year": 8,
    "phone": 14,
    "income_year": 8,
    "housing_safe": 8,
    "water_safe": 8,
}
YES_NO = ["是", "否"]
LABELS = {
    "relation": dict(Relation.choices),
    "labour": dict(Labour.choices),
    "health": dict(Health.choices),
    "schooling": dict(Schooling.choices),
    "work_status": dict(WorkStatus.choices),
}


def _formats(book):
    return {
        "title": book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}),
        "header": book.add_format(
            {
                "bold": True,
                "bg_color": "#D9D9D9",
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
            }
        ),
        "text": book.add_format({"num_format": "@", "border": 1}),
        "money": book.add_format({"num_format": "#,##0.00", "border": 1}),
        "cell": book.add_format({"border": 1}),
    }


def _sheet(book, title: str, fmt):
    sheet = book.add_worksheet("农户信息")
    sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, title, fmt["title"])
    sheet.set_row(0, 28)
    sheet.write_row(1, 0, HEADERS, fmt["header"])
    sheet.set_row(1, 30)
    sheet.freeze_panes(2, 2)
    for col, (_, key) in enumerate(COLUMNS):
        width = WIDTHS.get(key, 13)
        if key in MONEY_KEYS:
            sheet.set_column(col, col, width, fmt["money"])
        else:
            sheet.set_column(col, col, width, fmt["text"])
    return sheet


def template_xlsx(*, rows: int = 2000) -> bytes:
    """The empty template: title row, header, drop-down lists, ID column formatted as text."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    fmt = _formats(book)
    sheet = _sheet(book, "农户及家庭成员信息表（户编号相同的行为同一户；户级信息以“户主”行为准）", fmt)
    keys = [k for _, k in COLUMNS]
    last = rows + 2
    for key, labels in CHOICE_LABELS.items():
        col = xl_col_to_name(keys.index(key))
        sheet.data_validation(
            f"{col}3:{col}{last}",
            {"validate": "list", "source": labels, "error_title": "输入有误", "error_message": "请从下拉列表中选择"},
        )
    for key in ("insured", "formerly_poor", "housing_safe", "water_safe"):
        col = xl_col_to_name(keys.index(key))
        sheet.data_validation(f"{col}3:{col}{last}", {"validate": "list", "source": YES_NO})
    for key in ("exit_year", "income_year"):
        col = xl_col_to_name(keys.index(key))
        sheet.data_validation(
            f"{col}3:{col}{last}",
            {
                "validate": "integer",
                "criteria": "between",
                "minimum": 2013,
                "maximum": 2100,
                "error_message": "请填四位年份",
            },
        )
    for key in MONEY_KEYS:
        col = xl_col_to_name(keys.index(key))
        sheet.data_validation(
            f"{col}3:{col}{last}",
            {"validate": "decimal", "criteria": ">=", "value": 0, "error_message": "金额不能为负数"},
        )
    id_col = keys.index("id_number")
    sheet.write_comment(1, id_col, "身份证号列已设为“文本”格式，请勿改为数字，否则末几位会丢失")
    notes = book.add_worksheet("填写说明")
    lines = [
        "1. 每个家庭成员一行；同一户的成员填写相同的户编号。",
        "2. 县、乡镇、村、是否脱贫户、脱贫年度、联系电话、收入年度、各项收入支出、住房安全、饮水安全为户级信息，"
        "以“户主”行为准；其他成员行可留空，但填写时不得与户主行不一致。",
        "3. 身份证号须为18位，最后一位可为X；15位旧号码须先升级为18位。",
        "4. 收入单位为元，不能为负数；人均纯收入由系统计算，无需填写。",
        "5. 导入时如有任何错误，系统不会修改任何数据，并逐行列出错误；改正后重新导入即可，重复导入不会产生重复数据。",
    ]
    for i, line in enumerate(lines):
        notes.write(i, 0, line)
    notes.set_column(0, 0, 120)
    book.close()
    return buf.getvalue()


EXPORT_COLUMNS = [
    Column(header, WIDTHS.get(key, 13), "money" if key in MONEY_KEYS else "text")
    for header, key in zip(HEADERS, (k for _, k in COLUMNS), strict=False)
]


def export_sheet(*, title: str, rows: Iterable[dict], reveal=None) -> Sheet:
    """The filtered list in the template's layout (one row per member), so it imports back.

    ``rows`` are dicts with the template keys; ``id_number`` is the masked form unless ``reveal`` is a
    callable (cipher → full number) the caller obtained after the permission check.
    """
    keys = [k for _, k in COLUMNS]

    def values():
        for row in rows:
            out = [row.get(key) for key in keys]
            if reveal is not None and row.get("id_cipher"):
                out[keys.index("id_number")] = reveal(row["id_cipher"])
            yield out

    return Sheet(name="农户信息", title=title, columns=EXPORT_COLUMNS, rows=values(), freeze_cols=2, header_height=30)


def export_title(region_name: str, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return f"{region_name}农户及家庭成员信息表（导出日期：{today.year}年{today.month}月{today.day}日）"

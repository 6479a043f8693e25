"""The one government-style .xlsx writer every export uses.

Layout of each sheet: a merged title row, an optional merged subtitle row (填报单位/导出日期), the
header row (frozen, repeated on every printed page), then the data rows; a ``Heading`` in the rows
becomes a merged section-heading row. Values are typed by the writer: numbers stay numbers, dates
become date cells, everything else is written as a string (never as a formula or a link), and a
``text`` column carries the text number format so Excel does not turn an ID into 1.5E+17.
Figures are numbers a sheet can sum: a ``Figure`` (a value with its unit, or a change) becomes a
number cell with the number format that shows it as the page does (#,##0, 0.0%, +#,##0,
+0.0"个百分点"), and a figure already formatted as text ("1,131", "+1,131", "12.5%") outside a
``text`` column is written back as that number. Plain digit strings stay text (codes, years).
The download response with its one audit entry is ``zhenxing.audit.exports.export_response``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.utils import timezone

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "宋体"
NUM_FORMATS = {"text": "@", "money": "#,##0.00", "decimal": "0.00"}
DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class Column:
    """A header with its width (characters) and kind: "" (general), "text" (IDs and codes kept as
    text), "money" (#,##0.00) or "decimal" (0.00); ``center`` aligns the column's cells."""

    name: str
    width: float | None = None
    kind: str = ""
    center: bool = False


@dataclass(frozen=True)
class Figure:
    """A figure written as a number with its display format: ``unit`` "%" holds a share (0.125 is
    12.5%); ``change`` a change from the previous period (signed; for a share, in 个百分点)."""

    value: Any
    unit: str = ""
    change: bool = False

    def number_and_format(self) -> tuple[float, str]:
        value = Decimal(str(self.value))
        if self.unit == "%":
            if self.change:
                return float(value * 100), '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"'
            return float(value), "0.0%"
        body = "#,##0" if value == value.to_integral_value() else "#,##0.00"
        if self.change:
            return float(value), f"+{body};-{body};0"
        return float(value), body


# A figure formatted as text by a page helper: thousands separators, a sign, a percent sign.
_FIGURE_TEXT = re.compile(r"^(?P<sign>[+-])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<pct>%)?$")


def figure_of_text(text: str) -> Figure | None:
    """ "1,131" / "+1,131" / "-2.50" / "12.5%" as a ``Figure``; None for anything else, and for plain
    digit strings ("2022", "0201", an ID), which may be codes and stay text."""
    m = _FIGURE_TEXT.match(text.strip())
    if m is None or not (m["sign"] or m["pct"] or "," in m["num"]):
        return None
    number = Decimal(m["num"].replace(",", ""))
    if m["sign"] == "-":
        number = -number
    if m["pct"]:
        return Figure(number / 100, "%", change=False)
    return Figure(number, change=bool(m["sign"]))


@dataclass(frozen=True)
class Heading:
    """A merged section-heading row across all columns (e.g. "（一）做好防返贫监测帮扶")."""

    text: str


@dataclass
class Sheet:
    title: str
    columns: Sequence[str | tuple | Column]
    rows: Iterable[Sequence[Any] | Heading] = ()
    name: str = "Sheet1"
    subtitle: str = ""
    widths: Sequence[float] | None = None  # overrides the columns' widths, by position
    auto_width: bool = False  # widen columns to their longest value (up to 50), for short lists
    freeze_cols: int = 0
    header_height: float | None = None
    landscape: bool = False  # print setup: landscape, one page wide
    paper: int | None = None  # xlsxwriter's paper size (9: A4)
    # Called with (workbook, worksheet, formats, next free row) after the rows: a chart, say.
    after: Callable[..., None] | None = None
    written: int = field(default=0, init=False)  # data rows written (headings not counted)


def dated_title(region, title: str, today: dt.date | None = None) -> str:
    """ "<region full name> <title>（2024年5月1日）", the title most list exports carry."""
    today = today or timezone.localdate()
    return f"{region.full_name() if region else ''} {title}（{today.year}年{today.month}月{today.day}日）".strip()


def _column(c) -> Column:
    if isinstance(c, Column):
        return c
    if isinstance(c, tuple):
        return Column(*c)
    return Column(str(c))


class _Formats:
    """xlsxwriter formats are per workbook; made once per (kind, center, date) combination."""

    def __init__(self, book):
        self.book = book
        base = {"font_name": FONT}
        self.title = book.add_format({**base, "bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
        self.subtitle = book.add_format({**base, "font_size": 10, "align": "left"})
        self.header = book.add_format(
            {
                **base,
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#D9D9D9",
            }
        )
        self.heading = book.add_format(
            {**base, "bold": True, "border": 1, "align": "left", "valign": "vcenter", "bg_color": "#F2F2F2"}
        )
        self.column_text = book.add_format({"num_format": "@"})
        self._cells: dict[tuple, Any] = {}

    def cell(self, kind: str, center: bool, date: bool = False, num_format: str = ""):
        key = (kind, center, date, num_format)
        if key not in self._cells:
            spec = {"font_name": FONT, "border": 1, "valign": "top", "text_wrap": True}
            if center:
                spec["align"] = "center"
            if date:
                spec["num_format"] = DATE_FORMAT
            elif num_format:
                spec["num_format"] = num_format
            elif kind in NUM_FORMATS:
                spec["num_format"] = NUM_FORMATS[kind]
            self._cells[key] = self.book.add_format(spec)
        return self._cells[key]


def _write(ws, r: int, c: int, value, col: Column, f: _Formats) -> int:
    """Write one typed value; answers its display length (for auto widths)."""
    fmt = f.cell(col.kind, col.center)
    if value is None or value == "":
        ws.write_blank(r, c, None, fmt)
        return 0
    if isinstance(value, str) and col.kind != "text":
        value = figure_of_text(value) or value
    if isinstance(value, Figure):
        if value.value is None or value.value == "":
            ws.write_string(r, c, "—", fmt)
            return 1
        number, num_format = value.number_and_format()
        ws.write_number(r, c, number, f.cell(col.kind, col.center, num_format=num_format))
        return len(f"{number:,.1f}") + 1
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and col.kind != "text":
        ws.write_number(r, c, float(value) if isinstance(value, Decimal) else value, fmt)
        return len(str(value))
    if isinstance(value, dt.datetime) and col.kind != "text":
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        ws.write_datetime(r, c, value, f.cell(col.kind, col.center, date=True))
        return 10
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and col.kind != "text":
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), f.cell(col.kind, col.center, date=True))
        return 10
    text = str(value)
    ws.write_string(r, c, text, fmt)
    return len(text)


def _across(ws, row: int, ncols: int, text: str, fmt) -> None:
    """``text`` in a row merged across all columns (a single cell when there is one column)."""
    if ncols > 1:
        ws.merge_range(row, 0, row, ncols - 1, text, fmt)
    else:
        ws.write_string(row, 0, text, fmt)


def _write_sheet(book, f: _Formats, s: Sheet) -> None:
    columns = [_column(c) for c in s.columns]
    ncols = max(len(columns), 1)
    ws = book.add_worksheet(s.name[:31])
    _across(ws, 0, ncols, s.title, f.title)
    ws.set_row(0, 28)
    row = 1
    if s.subtitle:
        _across(ws, row, ncols, s.subtitle, f.subtitle)
        row += 1
    header_row = row
    widths = []
    for c, col in enumerate(columns):
        ws.write_string(header_row, c, col.name, f.header)
        if s.widths and c < len(s.widths):
            widths.append(s.widths[c])
        elif col.width is not None:
            widths.append(col.width)
        else:
            widths.append(max(6 if s.auto_width else 10, len(col.name) * 2 + 2))
    if s.header_height:
        ws.set_row(header_row, s.header_height)
    row += 1
    written = 0
    for values in s.rows:
        if isinstance(values, Heading):
            _across(ws, row, ncols, values.text, f.heading)
            row += 1
            continue
        for c, value in enumerate(values):
            col = columns[c] if c < len(columns) else Column("")
            length = _write(ws, row, c, value, col, f)
            if s.auto_width and c < len(widths):
                widths[c] = min(50, max(widths[c], length * 2 + 2))
        row += 1
        written += 1
    for c, (col, width) in enumerate(zip(columns, widths, strict=False)):
        ws.set_column(c, c, width, f.column_text if col.kind == "text" else None)
    ws.freeze_panes(header_row + 1, s.freeze_cols)
    ws.repeat_rows(header_row)
    if s.landscape:
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
    if s.paper:
        ws.set_paper(s.paper)
    if s.after is not None:
        s.after(book, ws, f, row)
    s.written = written


def sheets_of(sheets: tuple[Sheet, ...], sheet: dict) -> tuple[Sheet, ...]:
    """The sheets given, or the one sheet the keyword arguments describe (``sheet=`` is its name)."""
    if sheets:
        return sheets
    if "sheet" in sheet:
        sheet["name"] = sheet.pop("sheet")
    return (Sheet(**sheet),)


def workbook_bytes(*sheets: Sheet, **sheet) -> bytes:
    """The workbook of ``sheets`` (or of the one sheet described by the keyword arguments, which
    are ``Sheet``'s fields, ``sheet=`` being accepted for its name)."""
    sheets = sheets_of(sheets, sheet)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    f = _Formats(book)
    for s in sheets:
        _write_sheet(book, f, s)
    book.close()
    return buf.getvalue()

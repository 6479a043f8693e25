"""One page shape for every ledger (title, facts, sections of table + form), and the same sections
written as a government-style .xlsx (title row with region and date, frozen header, widths)."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header

from zhenxing.audit import services as audit
from zhenxing.core.templatetags.zx import percent, yuan


@dataclass
class Cell:
    text: str = ""
    url: str = ""
    num: bool = False
    badge: str = ""
    badge_class: str = ""
    post: str = ""  # a POST button to this URL
    fields: dict = field(default_factory=dict)
    input: str = ""  # an extra text input for the button's form (e.g. a reason)
    placeholder: str = ""
    input_type: str = "text"


def fmt(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal):
        return yuan(value)
    return str(value)


def cell(value: Any, **kw) -> Cell:
    if isinstance(value, Cell):
        return value
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        kw.setdefault("num", True)
    return Cell(fmt(value), **kw)


def pct(value) -> Cell:
    return Cell(percent(value) if value is not None else "—", num=True)


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    form: Any = None
    form_key: str = ""
    form_title: str = ""
    note: str = ""
    empty: str = "暂无记录。"
    extra_forms: list = field(default_factory=list)  # (key, title, form)

    def __post_init__(self):
        self.rows = [[c if isinstance(c, list) else [cell(c)] for c in row] for row in self.rows]


def render_page(request, *, title: str, subtitle: str = "", facts=(), links=(), sections=(), export: bool = False,
                template: str = "people/page.html", **extra):
    ctx = {"title": title, "subtitle": subtitle, "facts": [(k, fmt(v) if not isinstance(v, str) else v) for k, v in facts],
           "links": links, "sections": sections, "export": export, **extra}
    return render(request, template, ctx)


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def xlsx_response(request, *, title: str, sections, filename: str, region=None) -> HttpResponse:
    """The page's sections as one sheet each, titled with ``region`` (the page's ?region= filter)
    or the user's region; audited as an export."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    f_title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    f_head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
    f_cell = book.add_format({"border": 1})
    region = region or request.user.region
    total = 0
    for i, s in enumerate(sections):
        sheet = book.add_worksheet(s.title[:28] or f"表{i + 1}")
        ncols = max(len(s.columns), 1)
        heading = f"{region.full_name() if region else ''} {title}—{s.title}"
        sheet.merge_range(0, 0, 0, ncols - 1, heading, f_title) if ncols > 1 else sheet.write(0, 0, heading, f_title)
        sheet.write(1, 0, f"导出日期：{date_format(timezone.localdate(), 'DATE_FORMAT')}  导出人：{request.user}")
        for c, name in enumerate(s.columns):
            sheet.write(2, c, name, f_head)
        widths = [max(6, len(name) * 2 + 2) for name in s.columns]
        for r, row in enumerate(s.rows, start=3):
            for c, cells in enumerate(row):
                text = " ".join(x.text for x in cells if not x.post)
                sheet.write(r, c, text, f_cell)
                if c < len(widths):
                    widths[c] = min(50, max(widths[c], len(text) * 2 + 2))
        for c, w in enumerate(widths):
            sheet.set_column(c, c, w)
        sheet.freeze_panes(3, 0)
        total += len(s.rows)
    book.close()
    audit.event_log(action="export", actor=request.user, request=request,
                    extra={"page": request.path, "title": title, "rows": total, "format": "xlsx"})
    response = HttpResponse(buf.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{filename}-{timezone.localdate():%Y%m%d}.xlsx")
    return response

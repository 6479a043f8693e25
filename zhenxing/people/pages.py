"""One page shape for every ledger (title, facts, sections of table + form), and the same sections
as a government-style .xlsx (one sheet each, written by zhenxing.lib.xlsx)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format

from zhenxing.audit.exports import export_response
from zhenxing.lib.numbers import percent, yuan
from zhenxing.lib.xlsx import Figure, Sheet


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
    value: Any = None  # the number behind ``text``, for the .xlsx (a count, money, a share)


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
        kw.setdefault("value", Figure(value))
    return Cell(fmt(value), **kw)


def pct(value) -> Cell:
    return Cell(percent(value) if value is not None else "—", num=True, value=Figure(value, "%"))


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


def render_page(
    request,
    *,
    title: str,
    subtitle: str = "",
    facts=(),
    links=(),
    sections=(),
    export: bool = False,
    template: str = "people/page.html",
    **extra,
):
    ctx = {
        "title": title,
        "subtitle": subtitle,
        "facts": [(k, fmt(v) if not isinstance(v, str) else v) for k, v in facts],
        "links": links,
        "sections": sections,
        "export": export,
        **extra,
    }
    return render(request, template, ctx)


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _xlsx_value(cells) -> Any:
    """A table cell for the .xlsx: a figure stays a number with its format (a count, money, a
    share); anything else is the text the page shows."""
    if len(cells) == 1 and cells[0].value is not None:
        return cells[0].value
    return " ".join(x.text for x in cells if not x.post)


def xlsx_response(request, *, title: str, sections, filename: str, region=None) -> HttpResponse:
    """The page's sections as one sheet each, titled with ``region`` (the page's ?region= filter)
    or the user's region; audited as an export."""
    region = region or request.user.region
    subtitle = f"导出日期：{date_format(timezone.localdate(), 'DATE_FORMAT')}  导出人：{request.user}"
    sheets = [
        Sheet(
            name=s.title[:28] or f"表{i + 1}",
            title=f"{region.full_name() if region else ''} {title}—{s.title}",
            subtitle=subtitle,
            columns=s.columns,
            auto_width=True,
            rows=[[_xlsx_value(cells) for cells in row] for row in s.rows],
        )
        for i, s in enumerate(sections)
    ]
    return export_response(
        request,
        *sheets,
        filename=f"{filename}-{timezone.localdate():%Y%m%d}.xlsx",
        audit_extra={"page": request.path, "title": title, "format": "xlsx"},
    )

"""Government-style .xlsx exports (title row with region and date, frozen header, widths), audited."""
from __future__ import annotations

import io
from typing import Iterable, Sequence

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from urllib.parse import quote

from zhenxing.audit import services as audit


def workbook_bytes(*, title: str, columns: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int] | None = None,
                   sheet: str = "Sheet1") -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(sheet[:31])
    title_fmt = wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
    head_fmt = wb.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "align": "center", "text_wrap": True})
    cell_fmt = wb.add_format({"border": 1})
    ws.merge_range(0, 0, 0, max(len(columns) - 1, 1), title, title_fmt)
    ws.set_row(0, 28)
    for c, name in enumerate(columns):
        ws.write_string(1, c, name, head_fmt)
        ws.set_column(c, c, (widths[c] if widths and c < len(widths) else max(10, len(name) * 2 + 2)))
    r = 2
    for row in rows:
        for c, value in enumerate(row):
            if value is None:
                ws.write_blank(r, c, None, cell_fmt)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value, cell_fmt)
            else:
                ws.write_string(r, c, str(value), cell_fmt)
        r += 1
    ws.freeze_panes(2, 0)
    wb.close()
    return buf.getvalue()


def export_response(request, *, filename: str, title: str, region, columns, rows, widths=None, kind: str) -> HttpResponse:
    today = timezone.localdate()
    full_title = f"{region.full_name() if region else ''} {title}（{today.year}年{today.month}月{today.day}日）"
    rows = list(rows)
    data = workbook_bytes(title=full_title.strip(), columns=columns, rows=rows, widths=widths)
    audit.event_log(action="export", actor=request.user, request=request,
                    extra={"kind": kind, "rows": len(rows), "region": getattr(region, "code", "")})
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response

"""Case list export in the ledger layout (防返贫监测对象台账), government style .xlsx."""
from __future__ import annotations

import io

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

from zhenxing.audit import services as audit

from . import selectors

COLUMNS = [
    ("序号", 6), ("县（市、区）", 12), ("乡镇", 16), ("村", 14), ("户编号", 18), ("户主姓名", 10), ("家庭人口", 8),
    ("监测对象类别", 14), ("风险类型", 24), ("发现渠道", 12), ("发现日期", 12), ("纳入监测日期", 12),
    ("当前环节", 18), ("截止日期", 12), ("逾期天数", 8), ("人均纯收入（元）", 14), ("帮扶责任人", 18),
    ("帮扶措施数", 10), ("先帮扶后认定", 10), ("风险消除方式", 12), ("风险消除日期", 12), ("案件编号", 20),
]


def cases_xlsx(request, qs, *, region) -> HttpResponse:
    from django.db.models import Count

    today = timezone.localdate()
    qs = (qs.select_related("household", "village__parent__parent", "helper").annotate(n_measures=Count("measures"))
          .order_by("village__code", "household__number"))
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("监测对象台账")
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter",
                             "font_name": "宋体"})
    sub = book.add_format({"font_size": 10, "align": "left", "font_name": "宋体"})
    head = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True,
                            "bg_color": "#D9D9D9", "font_name": "宋体"})
    cell = book.add_format({"border": 1, "font_name": "宋体", "text_wrap": True, "valign": "top"})
    date_fmt = book.add_format({"border": 1, "num_format": "yyyy-mm-dd", "font_name": "宋体", "valign": "top"})
    money = book.add_format({"border": 1, "num_format": "#,##0.00", "font_name": "宋体", "valign": "top"})
    sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, f"{region.name}防返贫监测对象台账", title)
    sheet.merge_range(1, 0, 1, len(COLUMNS) - 1,
                      f"填报单位：{region.full_name()}　　导出日期：{today.year}年{today.month}月{today.day}日", sub)
    sheet.set_row(0, 30)
    for col, (name, width) in enumerate(COLUMNS):
        sheet.write(2, col, name, head)
        sheet.set_column(col, col, width)
    sheet.freeze_panes(3, 0)
    standards = selectors.Standards()
    n = 0
    for n, c in enumerate(qs.iterator(chunk_size=2000), start=1):
        village = c.village
        township = village.parent
        county = township.parent if township else None
        due = selectors.case_due(c, standards)
        row = 2 + n
        values = [n, county.name if county else "", township.name if township else "", village.name,
                  c.household.number, c.household.head_name, c.household.living_members, c.get_kind_display(),
                  c.risk_label, c.get_channel_display()]
        for col, v in enumerate(values):
            sheet.write(row, col, v, cell)
        sheet.write_datetime(row, 10, _dt(c.discovered_on), date_fmt)
        _write_date(sheet, row, 11, c.identified_on, date_fmt, cell)
        sheet.write(row, 12, c.state_label, cell)
        _write_date(sheet, row, 13, due.due if due else None, date_fmt, cell)
        sheet.write(row, 14, due.overdue_days if due and due.overdue_days else "", cell)
        if c.per_capita_income is not None:
            sheet.write_number(row, 15, float(c.per_capita_income), money)
        else:
            sheet.write(row, 15, "", cell)
        sheet.write(row, 16, str(c.helper) if c.helper else "", cell)
        sheet.write(row, 17, c.n_measures, cell)
        sheet.write(row, 18, "是" if c.fast_track else "", cell)
        sheet.write(row, 19, c.get_elimination_way_display(), cell)
        _write_date(sheet, row, 20, c.eliminated_on, date_fmt, cell)
        sheet.write(row, 21, c.number, cell)
    book.close()
    audit.event_log(action="export", actor=request.user, request=request,
                    extra={"what": "monitoring.cases", "rows": n, "region": region.code, "filters": request.GET.dict()})
    response = HttpResponse(buf.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="monitoring-cases-{today:%Y%m%d}.xlsx"'
    return response


def _dt(day):
    import datetime as dt

    return dt.datetime(day.year, day.month, day.day)


def _write_date(sheet, row, col, day, date_fmt, cell):
    if day:
        sheet.write_datetime(row, col, _dt(day), date_fmt)
    else:
        sheet.write(row, col, "", cell)

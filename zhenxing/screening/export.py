"""Alert list as a government-style .xlsx: title row with region and date, frozen header, widths."""
from __future__ import annotations

import io

import xlsxwriter
from django.utils import timezone

from zhenxing.regions.models import Level, Region

from .models import AlertState

COLUMNS = [("预警编号", 10), ("规则", 18), ("风险类型", 10), ("县", 10), ("乡镇", 14), ("村", 14), ("户编号", 20),
           ("户主", 10), ("状态", 10), ("指标值", 12), ("判定标准", 12), ("依据", 60), ("预警时间", 18),
           ("核实期限", 12), ("核实说明", 30)]


def alerts_xlsx(qs, *, region) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("部门筛查预警")
    title = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "align": "center"})
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    ws.merge_range(0, 0, 0, len(COLUMNS) - 1,
                   f"{region.full_name()} 部门筛查预警清单（{timezone.localdate():%Y年%m月%d日}）", title)
    for i, (name, width) in enumerate(COLUMNS):
        ws.write(1, i, name, head)
        ws.set_column(i, i, width)
    ws.freeze_panes(2, 0)
    states = dict(AlertState.choices)
    names = dict(Region.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP]).values_list("code", "name"))
    row = 2
    for a in qs.select_related("household", "village").iterator(chunk_size=2000):
        parts = [c for c in a.village.path.split("/") if c]
        notes = "；".join(r.get("note") or r.get("key") or "" for r in a.evidence.get("records", [])[:5])
        ws.write_row(row, 0, [a.pk, a.rule_name, "、".join(a.risk_types), names.get(parts[2], "") if len(parts) > 2 else "",
                              names.get(parts[3], "") if len(parts) > 3 else "", a.village.name,
                              a.household.number if a.household_id else "（全村）",
                              a.household.head_name if a.household_id else "", str(states.get(a.state, a.state)),
                              float(a.metric) if a.metric is not None else "",
                              float(a.limit_value) if a.limit_value is not None else "", notes,
                              timezone.localtime(a.raised_at).strftime("%Y-%m-%d %H:%M"),
                              a.verify_due.isoformat() if a.verify_due else "", a.outcome_reason], cell)
        row += 1
    wb.close()
    return buf.getvalue()

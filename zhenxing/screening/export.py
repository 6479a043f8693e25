"""Alert list as a government-style .xlsx: title row with region and date, frozen header, widths."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone

from zhenxing.audit.exports import export_response
from zhenxing.lib.xlsx import Column
from zhenxing.regions.models import Level, Region

from .models import AlertState

COLUMNS = [
    Column("预警编号", 10),
    Column("规则", 18),
    Column("风险类型", 10),
    Column("县", 10),
    Column("乡镇", 14),
    Column("村", 14),
    Column("户编号", 20, "text"),
    Column("户主", 10),
    Column("状态", 10),
    Column("指标值", 12),
    Column("判定标准", 12),
    Column("依据", 60),
    Column("预警时间", 18),
    Column("核实期限", 12),
    Column("核实说明", 30),
]


def _rows(qs):
    states = dict(AlertState.choices)
    names = dict(Region.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP]).values_list("code", "name"))
    for a in qs.select_related("household", "village").iterator(chunk_size=2000):
        parts = [c for c in a.village.path.split("/") if c]
        notes = "；".join(r.get("note") or r.get("key") or "" for r in a.evidence.get("records", [])[:5])
        # times and deadlines stay the text they always were (not date cells)
        yield [
            a.pk,
            a.rule_name,
            "、".join(a.risk_types),
            names.get(parts[2], "") if len(parts) > 2 else "",
            names.get(parts[3], "") if len(parts) > 3 else "",
            a.village.name,
            a.household.number if a.household_id else "（全村）",
            a.household.head_name if a.household_id else "",
            str(states.get(a.state, a.state)),
            float(a.metric) if a.metric is not None else "",
            float(a.limit_value) if a.limit_value is not None else "",
            notes,
            timezone.localtime(a.raised_at).strftime("%Y-%m-%d %H:%M"),
            a.verify_due.isoformat() if a.verify_due else "",
            a.outcome_reason,
        ]


def alerts_response(request, qs, *, region) -> HttpResponse:
    """The alerts of ``qs`` (already scoped and filtered), audited as one export."""
    return export_response(
        request,
        filename=f"screening-alerts-{timezone.localdate():%Y%m%d}.xlsx",
        name="部门筛查预警",
        title=f"{region.full_name()} 部门筛查预警清单（{timezone.localdate():%Y年%m月%d日}）",
        columns=COLUMNS,
        rows=_rows(qs),
        audit_extra={"what": "screening.alerts", "filters": request.GET.dict()},
    )

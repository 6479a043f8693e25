"""Case list export in the ledger layout (防返贫监测对象台账), government style .xlsx."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone

from zhenxing.audit.exports import export_response
from zhenxing.lib.xlsx import Column

from . import selectors

COLUMNS = [
    Column("序号", 6),
    Column("县（市、区）", 12),
    Column("乡镇", 16),
    Column("村", 14),
    Column("户编号", 18, "text"),
    Column("户主姓名", 10),
    Column("家庭人口", 8),
    Column("监测对象类别", 14),
    Column("风险类型", 24),
    Column("发现渠道", 12),
    Column("发现日期", 12),
    Column("纳入监测日期", 12),
    Column("当前环节", 18),
    Column("截止日期", 12),
    Column("逾期天数", 8),
    Column("人均纯收入（元）", 14, "money"),
    Column("帮扶责任人", 18),
    Column("帮扶措施数", 10),
    Column("先帮扶后认定", 10),
    Column("风险消除方式", 12),
    Column("风险消除日期", 12),
    Column("案件编号", 20, "text"),
]


def _rows(qs):
    standards = selectors.Standards()
    for n, c in enumerate(qs.iterator(chunk_size=2000), start=1):
        village = c.village
        township = village.parent
        county = township.parent if township else None
        due = selectors.case_due(c, standards)
        yield [
            n,
            county.name if county else "",
            township.name if township else "",
            village.name,
            c.household.number,
            c.household.head_name,
            c.household.living_members,
            c.get_kind_display(),
            c.risk_label,
            c.get_channel_display(),
            c.discovered_on,
            c.identified_on,
            c.state_label,
            due.due if due else None,
            due.overdue_days if due and due.overdue_days else "",
            c.per_capita_income,
            str(c.helper) if c.helper else "",
            c.n_measures,
            "是" if c.fast_track else "",
            c.get_elimination_way_display(),
            c.eliminated_on,
            c.number,
        ]


def cases_xlsx(request, qs, *, region) -> HttpResponse:
    today = timezone.localdate()
    qs = (
        qs.select_related("household", "village__parent__parent", "helper")
        .annotate(n_measures=Count("measures"))
        .order_by("village__code", "household__number")
    )
    return export_response(
        request,
        filename=f"monitoring-cases-{today:%Y%m%d}.xlsx",
        name="监测对象台账",
        title=f"{region.name}防返贫监测对象台账",
        subtitle=f"填报单位：{region.full_name()}　　导出日期：{today.year}年{today.month}月{today.day}日",
        columns=COLUMNS,
        rows=_rows(qs),
        audit_extra={"what": "monitoring.cases", "region": region.code, "filters": request.GET.dict()},
    )

"""Demo: a year of month-end indicator snapshots and today's, and last month's report for two
counties, all relative to ``timezone.localdate()`` at load time, so the dashboard shows history
(上期, trends) and the latest monthly report has figures. Idempotent: month ends already taken and
reports already made are kept; today's snapshot is retaken. (The monitoring standard the income
figures use is monitoring's demo.)"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhenxing.regions.models import Region

from . import reports, selectors, services
from .models import IndicatorSnapshot, Report, ReportKind

DEMO_REPORT_REGIONS = ["232722000000", "232721000000"]  # 塔河县, 呼玛县
HISTORY_MONTHS = 12


def month_ends(today: dt.date, months: int = HISTORY_MONTHS) -> list[dt.date]:
    """The last ``months`` month ends before ``today``, oldest first."""
    ends = [selectors.month_end_before(today)]
    while len(ends) < months:
        ends.append(selectors.month_end_before(ends[-1]))
    return ends[::-1]


def load(*, out) -> None:
    today = timezone.localdate()
    ends = month_ends(today)
    taken = set(IndicatorSnapshot.objects.filter(date__in=ends).values_list("date", flat=True).distinct())
    rows = 0
    for day in ends:
        if day not in taken:
            rows += services.snapshot_take(actor=None, date=day)
    rows += services.snapshot_take(actor=None, date=today)
    kind, start, end = reports.parse_period(f"{ends[-1]:%Y-%m}")
    made = 0
    for region in Region.objects.filter(code__in=DEMO_REPORT_REGIONS):
        if not Report.objects.filter(region=region, kind=ReportKind.MONTH, period_start=start).exists():
            reports.report_generate(actor=None, region=region, kind=kind, start=start, end=end)
            made += 1
    out.write(f"驾驶舱：指标快照 {rows} 项（{len(ends)} 个月末及今日），新增报告 {made} 份\n")

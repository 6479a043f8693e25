"""Demo: today's and last month-end's indicator snapshots, and last month's report for two
counties. Idempotent. (The monitoring standard the income figures use is monitoring's demo.)"""

from __future__ import annotations

from django.utils import timezone

from zhenxing.regions.models import Region

from . import reports, selectors, services
from .models import Report, ReportKind

DEMO_REPORT_REGIONS = ["232722000000", "232721000000"]  # 塔河县, 呼玛县


def load(*, out) -> None:
    today = timezone.localdate()
    last_month_end = selectors.month_end_before(today)
    rows = services.snapshot_take(actor=None, date=last_month_end) + services.snapshot_take(actor=None, date=today)
    kind, start, end = reports.parse_period(f"{last_month_end:%Y-%m}")
    made = 0
    for region in Region.objects.filter(code__in=DEMO_REPORT_REGIONS):
        if not Report.objects.filter(region=region, kind=ReportKind.MONTH, period_start=start).exists():
            reports.report_generate(actor=None, region=region, kind=kind, start=start, end=end)
            made += 1
    out.write(f"驾驶舱：指标快照 {rows} 项，新增报告 {made} 份\n")

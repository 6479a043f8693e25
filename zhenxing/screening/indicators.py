"""Screening figures, defined once (core.modules.Indicator)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.urls import reverse

from zhenxing.core.modules import Indicator, IndicatorValue

from .models import Alert, AlertState, FeedFile


def _alerts(region):
    return Alert.objects.filter(village__path__startswith=region.path)


def _share(num: int, den: int) -> Decimal | None:
    """A fraction (unit "%" means a fraction across all modules: 0.85 is shown as 85.0%)."""
    return (Decimal(num) / den).quantize(Decimal("0.0001")) if den else None


def verified_in_time(region, as_of: dt.date) -> IndicatorValue:
    due = _alerts(region).filter(issued_at__date__lte=as_of).filter(
        Q(verify_due__lte=as_of) | Q(state__in=[AlertState.MONITORED, AlertState.NO_RISK], closed_at__date__lte=as_of))
    den = due.count()
    num = (due.filter(state__in=[AlertState.MONITORED, AlertState.NO_RISK], closed_at__date__lte=as_of)
           .filter(closed_at__date__lte=F("verify_due")).count())
    return IndicatorValue(_share(num, den), num, den, evidence_url=f"{reverse('screening:alerts')}?region={region.code}")


def converted(region, as_of: dt.date) -> IndicatorValue:
    done = _alerts(region).filter(state__in=[AlertState.MONITORED, AlertState.NO_RISK], closed_at__date__lte=as_of)
    den = done.count()
    num = done.filter(state=AlertState.MONITORED).count()
    return IndicatorValue(_share(num, den), num, den,
                          evidence_url=f"{reverse('screening:alerts')}?region={region.code}&state={AlertState.MONITORED}")


def unmatched(region, as_of: dt.date) -> IndicatorValue:
    files = FeedFile.objects.filter(imported_at__date__lte=as_of)
    by_source = dict(files.order_by().values_list("source").annotate(n=Sum("unmatched")))
    total = sum(v or 0 for v in by_source.values())
    note = "；".join(f"{k} {v}" for k, v in sorted(by_source.items()))
    return IndicatorValue(total, evidence_url=reverse("screening:feeds"), note=note)


INDICATORS = [
    Indicator("screening.alerts_verified_in_time", "部门预警按期核实率",
              "已下发且到期（或已办结）的预警中，在核实期限内办结（纳入监测或核实无风险）的比例", "%",
              ("screening_alert",), verified_in_time, section="部门筛查预警"),
    Indicator("screening.alerts_converted", "部门预警纳入监测率",
              "已核实办结的预警中，核实有风险并纳入监测的比例", "%", ("screening_alert",), converted,
              section="部门筛查预警"),
    Indicator("screening.unmatched_records", "部门数据未匹配记录数",
              "各部门已导入数据中，身份证号（水务为村代码）未匹配到户籍库的记录数，按来源列示", "条",
              ("screening_feedfile",), unmatched, higher_is_better=False, section="部门筛查预警"),
]

"""Monitoring figures, each defined once (core.modules.Indicator): the ledger's county assessment,
the dashboard and the reports all use these."""
from __future__ import annotations

import dataclasses

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from zhenxing.core.modules import Indicator, IndicatorValue

from .models import Measure, MonitoringCase
from .selectors import Standards


def _url(region, **params) -> str:
    return reverse("monitoring:list") + "?" + urlencode({"region": region.code, **params})


def _monitored_as_of(region, as_of: dt.date):
    """Households under monitoring on ``as_of``: entered on or before it, not eliminated by then."""
    return MonitoringCase.objects.filter(
        village__path__startswith=region.path, identified_on__isnull=False, identified_on__lte=as_of,
    ).filter(Q(eliminated_on__isnull=True) | Q(eliminated_on__gt=as_of))


def _with_help(qs, as_of: dt.date):
    has_measure = Exists(Measure.objects.filter(case=OuterRef("pk"), start_on__lte=as_of))
    return qs.filter(has_measure, helper__isnull=False)


def help_coverage(region, as_of: dt.date) -> IndicatorValue:
    monitored = _monitored_as_of(region, as_of)
    total = monitored.count()
    helped = _with_help(monitored, as_of).count()
    value = (Decimal(helped) / Decimal(total)).quantize(Decimal("0.0001")) if total else None
    return IndicatorValue(value=value, numerator=helped, denominator=total,
                          evidence_url=_url(region, state="monitored_all"),
                          note="" if total else "无监测对象")


def without_help(region, as_of: dt.date) -> IndicatorValue:
    monitored = _monitored_as_of(region, as_of)
    missing = monitored.count() - _with_help(monitored, as_of).count()
    return IndicatorValue(value=missing, numerator=missing, denominator=None,
                          evidence_url=_url(region, state="monitored_all"))


def identified_in_time(region, as_of: dt.date) -> IndicatorValue:
    """Identifications decided in the year of ``as_of`` (up to it) within the configured time limit
    from discovery to decision (the standard of the discovery year)."""
    standards = Standards()
    rows = MonitoringCase.objects.filter(
        village__path__startswith=region.path, decided_on__isnull=False, decided_on__lte=as_of,
        decided_on__gte=dt.date(as_of.year, 1, 1)).values_list("discovered_on", "decided_on")
    total = in_time = 0
    for discovered, decided in rows.iterator(chunk_size=5000):
        standard = standards.for_year(discovered.year)
        if standard is None:
            continue
        total += 1
        if (decided - discovered).days <= standard.decision_days:
            in_time += 1
    value = (Decimal(in_time) / Decimal(total)).quantize(Decimal("0.0001")) if total else None
    return IndicatorValue(value=value, numerator=in_time, denominator=total, evidence_url=_url(region),
                          note="" if total else "本年度尚无认定决定")


INDICATORS = [
    Indicator(code="monitoring.help_coverage", name="监测对象帮扶措施和帮扶责任人落实率",
              formula="有至少一项帮扶措施且已明确帮扶责任人的监测对象户数 ÷ 监测对象户数（截至统计日，含风险消除程序中）",
              unit="%", sources=("monitoring.MonitoringCase", "monitoring.Measure"), compute=help_coverage),
    Indicator(code="monitoring.identified_in_time", name="监测对象按时认定率",
              formula="本年度作出认定决定（纳入或不予纳入）且发现至决定不超过规定时限的件数 ÷ 本年度作出认定决定的件数",
              unit="%", sources=("monitoring.MonitoringCase", "monitoring.YearStandard"), compute=identified_in_time),
    Indicator(code="monitoring.without_help", name="未落实帮扶措施或帮扶责任人的监测对象户数",
              formula="监测对象中无帮扶措施或未明确帮扶责任人的户数（截至统计日）", unit="户",
              sources=("monitoring.MonitoringCase", "monitoring.Measure"), compute=without_help,
              higher_is_better=False),
]


# The dashboard and reports show these figures under one heading.
INDICATORS = [dataclasses.replace(i, section="防返贫监测帮扶") for i in INDICATORS]

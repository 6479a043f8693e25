"""Monitoring figures, each defined once (core.modules.Indicator): the ledger's county assessment,
the dashboard and the reports all use these.

Every figure counts cases, and a case hangs on one village: the bulk forms group by village."""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse

from zhenxing.lib.modules import Indicator, IndicatorValue, share
from zhenxing.lib.workdays import WORKDAYS, CalendarYearUnknown

from .models import Measure, MonitoringCase
from .selectors import Standards


def _url(region, **params) -> str:
    return reverse("monitoring:list") + "?" + urlencode({"region": region.code, **params})


def _monitored_all_url(region, as_of=None) -> str:
    return _url(region, state="monitored_all")


def _monitored_as_of(as_of: dt.date):
    """Cases under monitoring on ``as_of``: entered on or before it, not eliminated by then."""
    return MonitoringCase.objects.filter(identified_on__isnull=False, identified_on__lte=as_of).filter(
        Q(eliminated_on__isnull=True) | Q(eliminated_on__gt=as_of)
    )


def _helped(as_of: dt.date) -> Q:
    """At least one measure started by ``as_of`` and a named helper."""
    return Q(Exists(Measure.objects.filter(case=OuterRef("pk"), start_on__lte=as_of)), helper__isnull=False)


def _help_counts(qs, as_of: dt.date) -> dict:
    return qs.aggregate(total=Count("id"), helped=Count("id", filter=_helped(as_of)))


def _help_by_village(as_of: dt.date):
    return (
        _monitored_as_of(as_of)
        .order_by()
        .values("village_id")
        .annotate(total=Count("id"), helped=Count("id", filter=_helped(as_of)))
    )


def help_coverage(region, as_of: dt.date) -> IndicatorValue:
    c = _help_counts(_monitored_as_of(as_of).filter(village__path__startswith=region.path), as_of)
    return IndicatorValue(
        value=share(c["helped"], c["total"]),
        numerator=c["helped"],
        denominator=c["total"],
        evidence_url=_monitored_all_url(region),
        note="" if c["total"] else "无监测对象",
    )


def help_coverage_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    return {
        r["village_id"]: IndicatorValue(share(r["helped"], r["total"]), r["helped"], r["total"])
        for r in _help_by_village(as_of)
    }


def without_help(region, as_of: dt.date) -> IndicatorValue:
    c = _help_counts(_monitored_as_of(as_of).filter(village__path__startswith=region.path), as_of)
    return IndicatorValue(value=c["total"] - c["helped"], evidence_url=_monitored_all_url(region))


def without_help_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    return {r["village_id"]: IndicatorValue(r["total"] - r["helped"]) for r in _help_by_village(as_of)}


def _decided(as_of: dt.date):
    """Identifications decided in the year of ``as_of`` (up to it), with whether a standard applies
    to the discovery year and whether the decision came within its time limit (the standard of the
    discovery year: that year's, else the latest earlier one, as ``Standards.for_year``)."""
    standards = Standards()
    years = sorted(standards.by_year)
    has_standard = Q(pk__in=[])
    in_time = Q(pk__in=[])
    qs = MonitoringCase.objects.filter(
        decided_on__isnull=False, decided_on__lte=as_of, decided_on__gte=dt.date(as_of.year, 1, 1)
    ).annotate(took=F("decided_on") - F("discovered_on"))
    for year, following in zip(years, [*years[1:], None], strict=False):
        span = Q(discovered_on__gte=dt.date(year, 1, 1))
        if following is not None:
            span &= Q(discovered_on__lt=dt.date(following, 1, 1))
        has_standard |= span
        days, unit = standards.by_year[year].limit("decision")
        if unit == WORKDAYS:
            in_time |= span & _decided_by_workdays(qs.filter(span), standards, days)
        else:
            in_time |= span & Q(took__lte=dt.timedelta(days=days))
    return qs, has_standard, in_time


def _decided_by_workdays(qs, standards: Standards, days: int) -> Q:
    """In time under a limit of ``days`` 工作日: one bound per distinct discovery date (a year has
    at most 366), grouped by due date, so the count stays one query. A due date that reaches a
    year not in the calendar counts as in time only once the decision lies before that year."""
    by_due: dict[dt.date, list[dt.date]] = {}
    for found in qs.order_by().values_list("discovered_on", flat=True).distinct():
        try:
            due = standards.cal.add(found, days)
        except CalendarYearUnknown as exc:
            due = dt.date(exc.year, 1, 1) - dt.timedelta(days=1)
        by_due.setdefault(due, []).append(found)
    q = Q(pk__in=[])
    for due, founds in by_due.items():
        q |= Q(discovered_on__in=founds, decided_on__lte=due)
    return q


def identified_in_time(region, as_of: dt.date) -> IndicatorValue:
    """Identifications decided in the year of ``as_of`` (up to it) within the configured time limit
    from discovery to decision (the standard of the discovery year); a case whose discovery year
    has no standard is not counted."""
    qs, has_standard, in_time = _decided(as_of)
    c = qs.filter(village__path__startswith=region.path).aggregate(
        total=Count("id", filter=has_standard), in_time=Count("id", filter=in_time)
    )
    return IndicatorValue(
        value=share(c["in_time"], c["total"]),
        numerator=c["in_time"],
        denominator=c["total"],
        evidence_url=_url(region),
        note="" if c["total"] else "本年度尚无认定决定",
    )


def identified_in_time_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    qs, has_standard, in_time = _decided(as_of)
    rows = (
        qs.order_by()
        .values("village_id")
        .annotate(total=Count("id", filter=has_standard), in_time=Count("id", filter=in_time))
    )
    return {r["village_id"]: IndicatorValue(share(r["in_time"], r["total"]), r["in_time"], r["total"]) for r in rows}


INDICATORS = [
    Indicator(
        code="monitoring.help_coverage",
        name="监测对象帮扶措施和帮扶责任人落实率",
        formula="有至少一项帮扶措施且已明确帮扶责任人的监测对象户数 ÷ 监测对象户数（截至统计日，含风险消除程序中）",
        unit="%",
        sources=("monitoring.MonitoringCase", "monitoring.Measure"),
        compute=help_coverage,
        by_region=help_coverage_by_region,
        rollup="ratio",
        evidence=_monitored_all_url,
    ),
    Indicator(
        code="monitoring.identified_in_time",
        name="监测对象按时认定率",
        formula="本年度作出认定决定（纳入或不予纳入）且发现至决定不超过规定时限（按年度标准的自然日或工作日）的件数 ÷ 本年度作出认定决定的件数",
        unit="%",
        sources=("monitoring.MonitoringCase", "monitoring.YearStandard"),
        compute=identified_in_time,
        by_region=identified_in_time_by_region,
        rollup="ratio",
        evidence=lambda region, as_of: _url(region),
    ),
    Indicator(
        code="monitoring.without_help",
        name="未落实帮扶措施或帮扶责任人的监测对象户数",
        formula="监测对象中无帮扶措施或未明确帮扶责任人的户数（截至统计日）",
        unit="户",
        sources=("monitoring.MonitoringCase", "monitoring.Measure"),
        compute=without_help,
        higher_is_better=False,
        by_region=without_help_by_region,
        rollup="sum",
        evidence=_monitored_all_url,
    ),
]


# The dashboard and reports show these figures under one heading.
INDICATORS = [dataclasses.replace(i, section="防返贫监测帮扶") for i in INDICATORS]

"""Screening figures, defined once (core.modules.Indicator).

An alert hangs on one village: the bulk forms group alerts by village (one query over all alerts
instead of one per region node). 未匹配记录 has no region at all (department records that match no
registry member): it is the same for every node, computed once."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, Sum
from django.urls import reverse

from zhenxing.lib.modules import Indicator, IndicatorValue, share

from .models import Alert, AlertState, FeedFile

DONE = [AlertState.MONITORED, AlertState.NO_RISK]


def _done(as_of: dt.date) -> Q:
    """Verified and closed (at risk and monitored, or no risk) by the end of ``as_of``."""
    return Q(state__in=DONE, closed_at__date__lte=as_of)


def _alerts_url(region, as_of=None) -> str:
    return f"{reverse('screening:alerts')}?region={region.code}"


def _converted_url(region, as_of=None) -> str:
    return f"{reverse('screening:alerts')}?region={region.code}&state={AlertState.MONITORED}"


def _due(as_of: dt.date):
    """Issued alerts whose verification was due by ``as_of`` or that were closed by then."""
    return Alert.objects.filter(issued_at__date__lte=as_of).filter(Q(verify_due__lte=as_of) | _done(as_of))


def _verified_in_time(as_of: dt.date) -> Q:
    return _done(as_of) & Q(closed_at__date__lte=F("verify_due"))


def verified_in_time(region, as_of: dt.date) -> IndicatorValue:
    c = (
        _due(as_of)
        .filter(village__path__startswith=region.path)
        .aggregate(den=Count("id"), num=Count("id", filter=_verified_in_time(as_of)))
    )
    return IndicatorValue(share(c["num"], c["den"]), c["num"], c["den"], evidence_url=_alerts_url(region))


def verified_in_time_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    rows = (
        _due(as_of)
        .order_by()
        .values("village_id")
        .annotate(den=Count("id"), num=Count("id", filter=_verified_in_time(as_of)))
    )
    return {r["village_id"]: IndicatorValue(share(r["num"], r["den"]), r["num"], r["den"]) for r in rows}


def converted(region, as_of: dt.date) -> IndicatorValue:
    c = Alert.objects.filter(_done(as_of), village__path__startswith=region.path).aggregate(
        den=Count("id"), num=Count("id", filter=Q(state=AlertState.MONITORED))
    )
    return IndicatorValue(share(c["num"], c["den"]), c["num"], c["den"], evidence_url=_converted_url(region))


def converted_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    rows = (
        Alert.objects.filter(_done(as_of))
        .order_by()
        .values("village_id")
        .annotate(den=Count("id"), num=Count("id", filter=Q(state=AlertState.MONITORED)))
    )
    return {r["village_id"]: IndicatorValue(share(r["num"], r["den"]), r["num"], r["den"]) for r in rows}


def unmatched(region, as_of: dt.date) -> IndicatorValue:
    """Not regional: the same for every region (``regional=False``)."""
    files = FeedFile.objects.filter(imported_at__date__lte=as_of)
    by_source = dict(files.order_by().values_list("source").annotate(n=Sum("unmatched")))
    total = sum(v or 0 for v in by_source.values())
    note = "；".join(f"{k} {v}" for k, v in sorted(by_source.items()))
    return IndicatorValue(total, evidence_url=reverse("screening:feeds"), note=note)


INDICATORS = [
    Indicator(
        "screening.alerts_verified_in_time",
        "部门预警按期核实率",
        "已下发且到期（或已办结）的预警中，在核实期限内办结（纳入监测或核实无风险）的比例",
        "%",
        ("screening_alert",),
        verified_in_time,
        section="部门筛查预警",
        by_region=verified_in_time_by_region,
        rollup="ratio",
        evidence=_alerts_url,
    ),
    Indicator(
        "screening.alerts_converted",
        "部门预警纳入监测率",
        "已核实办结的预警中，核实有风险并纳入监测的比例",
        "%",
        ("screening_alert",),
        converted,
        section="部门筛查预警",
        by_region=converted_by_region,
        rollup="ratio",
        evidence=_converted_url,
    ),
    Indicator(
        "screening.unmatched_records",
        "部门数据未匹配记录数",
        "各部门已导入数据中，身份证号（水务为村代码）未匹配到户籍库的记录数，按来源列示",
        "条",
        ("screening_feedfile",),
        unmatched,
        higher_is_better=False,
        section="部门筛查预警",
        regional=False,
    ),
]

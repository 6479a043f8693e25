"""The module's main figures, defined once (core.modules.Indicator)."""
from __future__ import annotations

import dataclasses

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.urls import reverse

from zhenxing.core.modules import Indicator, IndicatorValue
from zhenxing.regions.models import Region

from . import models as m
from . import selectors


def _in(region: Region, lookup: str) -> Q:
    return Q(**{f"{lookup}__path__startswith": region.path})


def _url(name: str, region: Region, **params) -> str:
    """The page listing the figure's records, filtered to the region (and the figure's subset)."""
    return f"{reverse(name)}?{urlencode({'region': region.code, **params})}"


def _post_holders(region: Region, as_of: dt.date) -> IndicatorValue:
    s = selectors.post_holders_total(m.PostHolding.objects.filter(_in(region, "post__village")), as_of)
    note = f"上年同期{s.last_year}人" + ("，同比下降" if s.falling else "")
    return IndicatorValue(s.now, s.now, s.last_year, _url("people:posts", region), note)


def _workshop_share(region: Region, as_of: dt.date) -> IndicatorValue:
    rows = selectors.workshop_shares(m.Workshop.objects.filter(_in(region, "village")), as_of)
    workers = sum(r.workers for r in rows)
    poor = sum(r.poor for r in rows)
    below = sum(r.below for r in rows)
    value = (Decimal(poor) / Decimal(workers)).quantize(Decimal("0.0001")) if workers else None
    return IndicatorValue(value, poor, workers, _url("people:workshops", region), f"低于县定占比的车间{below}个")


def _workshops_below(region: Region, as_of: dt.date) -> IndicatorValue:
    rows = selectors.workshop_shares(m.Workshop.objects.filter(_in(region, "village")), as_of)
    below = sum(r.below for r in rows)
    return IndicatorValue(below, below, len(rows), _url("people:workshops", region, below=1))


def _pairing_delivery(region: Region, as_of: dt.date) -> IndicatorValue:
    pairings = m.Pairing.objects.filter(_in(region, "village"), since__lte=as_of)
    committed = pairings.aggregate(s=Sum("committed_money"))["s"] or Decimal("0")
    delivered = (m.Delivery.objects.filter(pairing__in=pairings.values("pk"), kind=m.DeliveryKind.MONEY,
                                           date__lte=as_of).aggregate(s=Sum("amount"))["s"] or Decimal("0"))
    value = (delivered / committed).quantize(Decimal("0.0001")) if committed else None
    return IndicatorValue(value, delivered, committed, _url("people:pairings", region))


def _cadres_below(region: Region, as_of: dt.date) -> IndicatorValue:
    rows = selectors.cadre_days(m.Cadre.objects.filter(_in(region, "team__village")), as_of.year, as_of)
    below = sum(r.below for r in rows)
    return IndicatorValue(below, below, len(rows), _url("people:cadre_days", region, below=1))


def _points_credited(region: Region, as_of: dt.date) -> IndicatorValue:
    qs = m.PointEntry.objects.filter(_in(region, "household__village"), state=m.EntryState.CREDITED,
                                     credited_at__year=as_of.year, credited_at__date__lte=as_of)
    total = qs.aggregate(s=Sum("applied"))["s"] or 0
    # The points page is one village's; the summary lists every village's credited points of the year.
    return IndicatorValue(total, evidence_url=_url("people:home", region), note=f"入账{qs.count()}笔")


INDICATORS = [
    Indicator("people.post_poor_holders", "公益岗位脱贫人口在岗人数",
              "当日在岗的脱贫户成员人数（去重）；与上年同日相比下降时预警", "人",
              ("people.PostHolding", "registry.Household"), _post_holders),
    Indicator("people.workshop_poor_share", "帮扶车间脱贫劳动力占比",
              "当日在岗的脱贫户成员人数 ÷ 当日在岗务工人数（全部帮扶车间）", "%",
              ("people.WorkshopWorker", "registry.Household"), _workshop_share),
    Indicator("people.workshops_below_share", "脱贫劳动力占比低于县定要求的帮扶车间数",
              "车间当日脱贫劳动力占比 < 所在县当年要求（people.CountySetting）的车间个数", "个",
              ("people.WorkshopWorker", "people.CountySetting"), _workshops_below, higher_is_better=False),
    Indicator("people.pairing_money_delivered", "百企兴百村资金兑现率",
              "截至当日已兑现资金 ÷ 结对承诺资金", "%", ("people.Pairing", "people.Delivery"), _pairing_delivery),
    Indicator("people.cadres_below_days", "在村天数不足的驻村干部人数",
              "当年截至当日在村天数 < 县定每年天数 × 当年在岗天数 ÷ 全年天数（向下取整）的驻村干部人数", "人",
              ("people.WorkLog", "people.CountySetting"), _cadres_below, higher_is_better=False),
    Indicator("people.points_credited", "积分入账分值",
              "当年截至当日经确认、公示后入账的积分合计（扣分为负）", "分", ("people.PointEntry",), _points_credited),
]


# The dashboard and reports show these figures under one heading.
INDICATORS = [dataclasses.replace(i, section="就业帮扶与乡村治理") for i in INDICATORS]

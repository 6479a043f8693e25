"""The module's main figures, defined once (core.modules.Indicator)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse

from zhenxing.lib.modules import Indicator, IndicatorValue, distinct_leaves, share
from zhenxing.regions.models import Region

from . import models as m
from . import selectors


def _in(region: Region, lookup: str) -> Q:
    return Q(**{f"{lookup}__path__startswith": region.path})


def _url(name: str, region: Region, **params) -> str:
    """The page listing the figure's records, filtered to the region (and the figure's subset)."""
    return f"{reverse(name)}?{urlencode({'region': region.code, **params})}"


# Every record hangs on one village (a post, a workshop, a pairing, a work team, a household): the
# bulk forms group by village. Two figures are counts of distinct people or of units:
# - 公益岗位脱贫人口在岗人数 counts a person once however many posts they hold; posts in two villages
#   at once (possible only after a household moved) would be counted twice by per-village sums, so
#   such people are found and spread over the tree with ``distinct_leaves``;
# - the workshop and cadre counts are units that each belong to one village, so they add up.
# A count's parts (numerator, denominator) are given only when there is something counted, as the
# snapshot's roll-up gives them (core.modules.Indicator).
def _posts_url(region: Region, as_of: dt.date | None = None) -> str:
    return _url("people:posts", region)


def _post_holders(region: Region, as_of: dt.date) -> IndicatorValue:
    s = selectors.post_holders_total(m.PostHolding.objects.filter(_in(region, "post__village")), as_of)
    note = f"上年同期{s.last_year}人" + ("，同比下降" if s.falling else "")
    if not (s.now or s.last_year):
        return IndicatorValue(0, evidence_url=_posts_url(region), note=note)
    return IndicatorValue(s.now, s.now, s.last_year, _posts_url(region), note)


def _spanning(holdings, on: dt.date) -> list[set[str]]:
    """The village paths of each person holding posts in more than one village on ``on``."""
    active = holdings.filter(selectors.active_on(on))
    several = (
        active.order_by()
        .values("member")
        .annotate(n=Count("post__village", distinct=True))
        .filter(n__gt=1)
        .values("member")
    )
    paths: dict[int, set[str]] = {}
    for member, path in active.filter(member__in=several).values_list("member", "post__village__path").distinct():
        paths.setdefault(member, set()).add(path)
    return list(paths.values())


def _post_holders_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    holdings = m.PostHolding.objects.filter(member__household__formerly_poor=True)
    per_village = selectors.post_holders(holdings, as_of)
    paths = dict(Region.objects.filter(pk__in=per_village).values_list("id", "path"))
    counts = {paths[v]: [s.now, s.last_year] for v, s in per_village.items()}
    for i, on in enumerate((as_of, selectors.year_ago(as_of))):
        # a person on posts in several villages is counted in each of them above: once per subtree instead
        for villages in _spanning(holdings, on):
            for path, g in distinct_leaves([villages]).items():
                counts.setdefault(path, [0, 0])[i] += g - (path in villages)
    ids = dict(Region.objects.filter(path__in=counts).values_list("path", "id"))
    return {ids[p]: IndicatorValue(now, now, last) for p, (now, last) in counts.items() if now or last}


def _workshops_url(region: Region, as_of: dt.date | None = None) -> str:
    return _url("people:workshops", region)


def _workshops_below_url(region: Region, as_of: dt.date | None = None) -> str:
    return _url("people:workshops", region, below=1)


def _workshop_share(region: Region, as_of: dt.date) -> IndicatorValue:
    rows = selectors.workshop_shares(m.Workshop.objects.filter(_in(region, "village")), as_of)
    workers = sum(r.workers for r in rows)
    poor = sum(r.poor for r in rows)
    below = sum(r.below for r in rows)
    return IndicatorValue(share(poor, workers), poor, workers, _workshops_url(region), f"低于县定占比的车间{below}个")


def _workshops_by_village(as_of: dt.date) -> dict[int, list[int]]:
    """Per village: [formerly-poor workers, workers, workshops below the county's share, workshops]
    (a workshop's workers are counted per workshop, as ``_workshop_share`` sums them)."""
    out: dict[int, list[int]] = {}
    for r in selectors.workshop_shares(m.Workshop.objects.all(), as_of):
        row = out.setdefault(r.workshop.village_id, [0, 0, 0, 0])
        row[0] += r.poor
        row[1] += r.workers
        row[2] += r.below
        row[3] += 1
    return out


def _workshop_share_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    return {
        v: IndicatorValue(share(poor, workers), poor, workers)
        for v, (poor, workers, _, _) in _workshops_by_village(as_of).items()
    }


def _workshops_below(region: Region, as_of: dt.date) -> IndicatorValue:
    rows = selectors.workshop_shares(m.Workshop.objects.filter(_in(region, "village")), as_of)
    below = sum(r.below for r in rows)
    if not rows:
        return IndicatorValue(0, evidence_url=_workshops_below_url(region))
    return IndicatorValue(below, below, len(rows), _workshops_below_url(region))


def _workshops_below_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    return {v: IndicatorValue(below, below, n) for v, (_, _, below, n) in _workshops_by_village(as_of).items()}


def _pairings_url(region: Region, as_of: dt.date | None = None) -> str:
    return _url("people:pairings", region)


def _pairing_delivery(region: Region, as_of: dt.date) -> IndicatorValue:
    pairings = m.Pairing.objects.filter(_in(region, "village"), since__lte=as_of)
    committed = pairings.aggregate(s=Sum("committed_money"))["s"] or Decimal("0")
    delivered = m.Delivery.objects.filter(
        pairing__in=pairings.values("pk"), kind=m.DeliveryKind.MONEY, date__lte=as_of
    ).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return IndicatorValue(share(delivered, committed), delivered, committed, _pairings_url(region))


def _pairing_delivery_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    committed = {
        r["village_id"]: r["s"] or Decimal("0")
        for r in m.Pairing.objects.filter(since__lte=as_of)
        .order_by()
        .values("village_id")
        .annotate(s=Sum("committed_money"))
    }
    delivered = {
        r["pairing__village_id"]: r["s"] or Decimal("0")
        for r in m.Delivery.objects.filter(pairing__since__lte=as_of, kind=m.DeliveryKind.MONEY, date__lte=as_of)
        .order_by()
        .values("pairing__village_id")
        .annotate(s=Sum("amount"))
    }
    zero = Decimal("0")
    return {
        v: IndicatorValue(
            share(delivered.get(v, zero), committed.get(v, zero)), delivered.get(v, zero), committed.get(v, zero)
        )
        for v in committed.keys() | delivered.keys()
    }


def _cadre_days_url(region: Region, as_of: dt.date | None = None) -> str:
    return _url("people:cadre_days", region, below=1)


def _cadres_below(region: Region, as_of: dt.date) -> IndicatorValue:
    rows = selectors.cadre_days(m.Cadre.objects.filter(_in(region, "team__village")), as_of.year, as_of)
    below = sum(r.below for r in rows)
    if not rows:
        return IndicatorValue(0, evidence_url=_cadre_days_url(region))
    return IndicatorValue(below, below, len(rows), _cadre_days_url(region))


def _cadres_below_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    out: dict[int, list[int]] = {}
    for r in selectors.cadre_days(m.Cadre.objects.all(), as_of.year, as_of):
        row = out.setdefault(r.cadre.team.village_id, [0, 0])
        row[0] += r.below
        row[1] += 1
    return {v: IndicatorValue(below, below, n) for v, (below, n) in out.items()}


def _points_url(region: Region, as_of: dt.date | None = None) -> str:
    # The points page is one village's; the summary lists every village's credited points of the year.
    return _url("people:home", region)


def _credited(as_of: dt.date):
    return m.PointEntry.objects.filter(
        state=m.EntryState.CREDITED, credited_at__year=as_of.year, credited_at__date__lte=as_of
    )


def _points_credited(region: Region, as_of: dt.date) -> IndicatorValue:
    qs = _credited(as_of).filter(_in(region, "household__village"))
    total = qs.aggregate(s=Sum("applied"))["s"] or 0
    return IndicatorValue(total, evidence_url=_points_url(region), note=f"入账{qs.count()}笔")


def _points_credited_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    rows = _credited(as_of).order_by().values("household__village_id").annotate(s=Sum("applied"))
    return {r["household__village_id"]: IndicatorValue(r["s"] or 0) for r in rows}


INDICATORS = [
    Indicator(
        "people.post_poor_holders",
        "公益岗位脱贫人口在岗人数",
        "当日在岗的脱贫户成员人数（去重）；与上年同日相比下降时预警",
        "人",
        ("people.PostHolding", "registry.Household"),
        _post_holders,
        by_region=_post_holders_by_region,
        rollup="sum",
        evidence=_posts_url,
    ),
    Indicator(
        "people.workshop_poor_share",
        "帮扶车间脱贫劳动力占比",
        "当日在岗的脱贫户成员人数 ÷ 当日在岗务工人数（全部帮扶车间）",
        "%",
        ("people.WorkshopWorker", "registry.Household"),
        _workshop_share,
        by_region=_workshop_share_by_region,
        rollup="ratio",
        evidence=_workshops_url,
    ),
    Indicator(
        "people.workshops_below_share",
        "脱贫劳动力占比低于县定要求的帮扶车间数",
        "车间当日脱贫劳动力占比 < 所在县当年要求（县级要求设置）的车间个数",
        "个",
        ("people.WorkshopWorker", "people.CountySetting"),
        _workshops_below,
        higher_is_better=False,
        by_region=_workshops_below_by_region,
        rollup="sum",
        evidence=_workshops_below_url,
    ),
    Indicator(
        "people.pairing_money_delivered",
        "百企兴百村资金兑现率",
        "截至当日已兑现资金 ÷ 结对承诺资金",
        "%",
        ("people.Pairing", "people.Delivery"),
        _pairing_delivery,
        by_region=_pairing_delivery_by_region,
        rollup="ratio",
        evidence=_pairings_url,
    ),
    Indicator(
        "people.cadres_below_days",
        "在村天数不足的驻村干部人数",
        "当年截至当日在村天数 < 县定每年天数 × 当年在岗天数 ÷ 全年天数（向下取整）的驻村干部人数",
        "人",
        ("people.WorkLog", "people.CountySetting"),
        _cadres_below,
        higher_is_better=False,
        by_region=_cadres_below_by_region,
        rollup="sum",
        evidence=_cadre_days_url,
    ),
    Indicator(
        "people.points_credited",
        "积分入账分值",
        "当年截至当日经确认、公示后入账的积分合计（扣分为负）",
        "分",
        ("people.PointEntry",),
        _points_credited,
        by_region=_points_credited_by_region,
        rollup="sum",
        evidence=_points_url,
    ),
]


# The dashboard and reports show these figures under one heading.
INDICATORS = [dataclasses.replace(i, section="就业帮扶与乡村治理") for i in INDICATORS]

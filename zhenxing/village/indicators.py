"""乡村建设 figures (lib.modules.Indicator) for the dashboard, the reports and the counties'
assessment: 卫生厕所普及率, problem toilets open and rectified on time, villages with an approved
村庄规划, classified villages, sewage and garbage coverage. Each over the region's subtree as of a
date; households are the registry's."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import F, Q, Sum
from django.urls import reverse

from zhenxing.lib.modules import Indicator, IndicatorValue, share
from zhenxing.regions.models import Level, Region
from zhenxing.registry.models import Household

from .models import (
    SANITARY_KINDS,
    GarbageRecord,
    PlanStatus,
    SewageRecord,
    Toilet,
    ToiletStatus,
    VillageClass,
    VillageProfile,
)

SECTION = "乡村建设"


def _url(name: str, region, **params) -> str:
    return f"{reverse(name)}?{urlencode({'region': region.code, **params})}"


def _households(region) -> int:
    return Household.objects.filter(village__path__startswith=region.path).count()


def _sanitary(region, as_of: dt.date) -> IndicatorValue:
    n = Toilet.objects.filter(
        village__path__startswith=region.path, has_toilet=True, kind__in=SANITARY_KINDS, surveyed_on__lte=as_of
    ).count()
    total = _households(region)
    return IndicatorValue(share(n, total), n, total, _url("village:toilets", region))


def _problems_open(region, as_of: dt.date) -> IndicatorValue:
    found = Toilet.objects.filter(village__path__startswith=region.path, found_on__lte=as_of)
    n = found.filter(Q(rectified_on__isnull=True) | Q(rectified_on__gt=as_of)).count()
    return IndicatorValue(n, n, found.count(), _url("village:toilets", region, status="open"))


def _on_time(region, as_of: dt.date) -> IndicatorValue:
    done = Toilet.objects.filter(
        village__path__startswith=region.path, status=ToiletStatus.RECTIFIED, rectified_on__lte=as_of
    )
    n = done.filter(rectified_on__lte=F("deadline")).count()
    total = done.count()
    return IndicatorValue(share(n, total), n, total, _url("village:toilets", region, status="rectified"))


def _profiles(region, as_of: dt.date):
    return VillageProfile.objects.filter(village__path__startswith=region.path, year=as_of.year)


def _villages(region) -> int:
    return Region.objects.filter(path__startswith=region.path, level=Level.VILLAGE).count()


def _planned(region, as_of: dt.date) -> IndicatorValue:
    n = _profiles(region, as_of).filter(plan_status=PlanStatus.APPROVED, plan_approved_on__lte=as_of).count()
    return IndicatorValue(n, n, _villages(region), _url("village:index", region, year=as_of.year))


def _classified(region, as_of: dt.date) -> IndicatorValue:
    qs = _profiles(region, as_of).exclude(village_class=VillageClass.UNCLASSIFIED)
    n = qs.count()
    parts = "，".join(
        f"{VillageClass(c).label}{k}个"
        for c, k in sorted(
            {c: qs.filter(village_class=c).count() for c in qs.values_list("village_class", flat=True)}.items()
        )
    )
    return IndicatorValue(n, n, _villages(region), _url("village:index", region, year=as_of.year), parts)


def _coverage(model):
    def compute(region, as_of: dt.date) -> IndicatorValue:
        covered = (
            model.objects.filter(village__path__startswith=region.path, year=as_of.year).aggregate(
                n=Sum("households_covered")
            )["n"]
            or 0
        )
        total = _households(region)
        covered = min(covered, total)
        return IndicatorValue(share(covered, total), covered, total, _url("village:environment", region))

    return compute


INDICATORS = [
    Indicator(
        "village.sanitary_toilet_rate",
        "农村卫生厕所普及率",
        "户厕摸排中有卫生厕所（水冲式、卫生旱厕、粪尿分集、无害化）的户数 ÷ 农户信息库中的户数",
        "%",
        ("village.Toilet", "registry.Household"),
        _sanitary,
        section=SECTION,
    ),
    Indicator(
        "village.problem_toilets_open",
        "未整改问题厕所数",
        "截至当日已发现、尚未整改销号的问题户厕数",
        "户",
        ("village.Toilet",),
        _problems_open,
        higher_is_better=False,
        section=SECTION,
    ),
    Indicator(
        "village.problem_toilets_on_time",
        "问题厕所按时整改率",
        "在整改时限内核验销号的问题户厕 ÷ 已整改的问题户厕",
        "%",
        ("village.Toilet", "ledger.RectificationItem"),
        _on_time,
        section=SECTION,
    ),
    Indicator(
        "village.planned_villages",
        "村庄规划已批复村数",
        "本年度村庄档案中村庄规划已批复的村数（分母为行政村数）",
        "个",
        ("village.VillageProfile",),
        _planned,
        section=SECTION,
    ),
    Indicator(
        "village.classified_villages",
        "已完成村庄分类的村数",
        "本年度村庄档案中已划定类别（集聚提升、城郊融合、特色保护、搬迁撤并）的村数",
        "个",
        ("village.VillageProfile",),
        _classified,
        section=SECTION,
    ),
    Indicator(
        "village.sewage_coverage",
        "生活污水治理覆盖率",
        "本年度生活污水治理覆盖户数 ÷ 农户信息库中的户数",
        "%",
        ("village.SewageRecord", "registry.Household"),
        _coverage(SewageRecord),
        section=SECTION,
    ),
    Indicator(
        "village.garbage_coverage",
        "生活垃圾收运处置覆盖率",
        "本年度生活垃圾收运处置覆盖户数 ÷ 农户信息库中的户数",
        "%",
        ("village.GarbageRecord", "registry.Household"),
        _coverage(GarbageRecord),
        section=SECTION,
    ),
]

"""Registry figures (农户底数, 监测对象, 两不愁三保障), defined once for the dashboard, the reports
and the county assessment. Each has the per-region ``compute`` and the set-based ``by_region``
(one GROUP BY village for the whole tree; the snapshot rolls villages up to every node).

As of a date: a household counts from its creation (``created_at``); its monitoring status,
kind, income and 三保障 flags are the ones recorded when the figure is computed, which is why
the nightly snapshot keeps every day's figures.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.utils import timezone

from zhenxing.lib.modules import Indicator, IndicatorValue, share
from zhenxing.registry.models import Household, MonitoringKind, MonitoringStatus

# The registry's household list (registry:list; GET filters: region (any node's code, a village's
# too), monitoring_status, monitoring_kind, formerly_poor, income_below, housing_safe, water_safe,
# medical_insured, schooling_secured).
HOUSEHOLD_LIST_PATH = "/registry/"
# Monitoring's yearly standards page (年度监测标准), where the threshold the income figures use is set.
STANDARDS_PATH = "/monitoring/standards/"

SECTION_BASE = "农户底数"
SECTION_MONITORING = "防返贫监测"
SECTION_GUARANTEES = "两不愁三保障"


def household_list_url(region, **filters) -> str:
    return f"{HOUSEHOLD_LIST_PATH}?{urlencode({'region': region.code, **filters})}"


def end_of(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the project's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def households(as_of: dt.date):
    return Household.objects.filter(created_at__lt=end_of(as_of))


def in_region(qs, region):
    return qs.filter(village__path__startswith=region.path)


def _count(
    code,
    name,
    formula,
    *,
    where: Q | None = None,
    filters: dict | None = None,
    section=SECTION_BASE,
    higher_is_better=True,
    unit="户",
) -> Indicator:
    where = where if where is not None else Q()
    filters = filters or {}

    def compute(region, as_of):
        n = in_region(households(as_of), region).filter(where).count()
        return IndicatorValue(n, evidence_url=household_list_url(region, **filters))

    def by_region(as_of):
        rows = households(as_of).filter(where).values("village_id").annotate(n=Count("id"))
        return {r["village_id"]: IndicatorValue(r["n"]) for r in rows}

    return Indicator(
        code=code,
        name=name,
        formula=formula,
        unit=unit,
        sources=("registry_household",),
        compute=compute,
        higher_is_better=higher_is_better,
        section=section,
        by_region=by_region,
        rollup="sum",
        evidence=lambda region, as_of: household_list_url(region, **filters),
    )


def _members() -> Indicator:
    def compute(region, as_of):
        n = in_region(households(as_of), region).aggregate(n=Sum("living_members"))["n"] or 0
        return IndicatorValue(n, evidence_url=household_list_url(region))

    def by_region(as_of):
        rows = households(as_of).values("village_id").annotate(n=Sum("living_members"))
        return {r["village_id"]: IndicatorValue(r["n"] or 0) for r in rows}

    return Indicator(
        code="registry.members",
        name="在户人口",
        formula="各户在户成员数之和（不含已迁出、已死亡）",
        unit="人",
        sources=("registry_household", "registry_member"),
        compute=compute,
        section=SECTION_BASE,
        by_region=by_region,
        rollup="sum",
        evidence=lambda region, as_of: household_list_url(region),
    )


def _monitored_share() -> Indicator:
    monitored = Q(monitoring_status=MonitoringStatus.MONITORED)

    def value(num, den):
        return IndicatorValue(share(num, den), numerator=num, denominator=den)

    def compute(region, as_of):
        agg = in_region(households(as_of), region).aggregate(num=Count("id", filter=monitored), den=Count("id"))
        v = value(agg["num"], agg["den"])
        return IndicatorValue(
            v.value,
            v.numerator,
            v.denominator,
            evidence_url=household_list_url(region, monitoring_status=MonitoringStatus.MONITORED),
        )

    def by_region(as_of):
        rows = households(as_of).values("village_id").annotate(num=Count("id", filter=monitored), den=Count("id"))
        return {r["village_id"]: value(r["num"], r["den"]) for r in rows}

    return Indicator(
        code="registry.monitored_share",
        name="监测对象占农户比例",
        unit="%",
        formula="监测中的农户数 ÷ 农户总数",
        sources=("registry_household",),
        compute=compute,
        section=SECTION_MONITORING,
        by_region=by_region,
        rollup="ratio",
        evidence=lambda region, as_of: household_list_url(region, monitoring_status=MonitoringStatus.MONITORED),
    )


def standards() -> dict[int, Decimal]:
    """Monitoring's yearly standards (``monitoring.YearStandard``, the single source): year → threshold."""
    from zhenxing.monitoring.models import YearStandard

    return dict(YearStandard.objects.values_list("year", "threshold"))


def _below_standard_q(found: dict[int, Decimal]) -> Q:
    """Income below the standard in force for the household's income year: that year's, else the
    latest earlier one (as ``monitoring.rules.standard_for``). Standard years ``y1 < y2 < ...`` cut
    the income years into ranges ``[y_i, y_i+1)``; a year before the first standard matches none."""
    q = Q(pk__in=[])
    years = sorted(found)
    for year, following in zip(years, [*years[1:], None], strict=False):
        span = Q(income_year__gte=year) if following is None else Q(income_year__gte=year, income_year__lt=following)
        q |= span & Q(per_capita_income__lt=found[year])
    return q


def _low_income(code, name, formula, *, extra: Q, filters: dict, higher_is_better: bool) -> Indicator:
    def evidence(region, as_of=None):
        found = standards()
        if not found:  # nothing to compare with: the page where the prefecture admin sets it
            return STANDARDS_PATH
        return household_list_url(region, income_below=str(found[max(found)]), **filters)

    def compute(region, as_of):
        found = standards()
        if not found:
            return IndicatorValue(None, note="未设置监测收入标准", evidence_url=STANDARDS_PATH)
        n = in_region(households(as_of), region).filter(_below_standard_q(found) & extra).count()
        return IndicatorValue(n, evidence_url=evidence(region))

    def by_region(as_of):
        found = standards()
        if not found:
            return None
        rows = households(as_of).filter(_below_standard_q(found) & extra).values("village_id").annotate(n=Count("id"))
        return {r["village_id"]: IndicatorValue(r["n"]) for r in rows}

    return Indicator(
        code=code,
        name=name,
        formula=formula,
        unit="户",
        sources=("registry_household", "monitoring_yearstandard"),
        compute=compute,
        higher_is_better=higher_is_better,
        section=SECTION_MONITORING,
        by_region=by_region,
        rollup="sum",
        evidence=evidence,
    )


MONITORED = Q(monitoring_status=MonitoringStatus.MONITORED)

INDICATORS = [
    _count("registry.households", "农户总数", "截至当日已建档的农户数"),
    _count(
        "registry.formerly_poor",
        "脱贫户",
        "是否脱贫户为“是”的农户数",
        where=Q(formerly_poor=True),
        filters={"formerly_poor": "1"},
    ),
    _members(),
    _count(
        "registry.monitored",
        "监测对象",
        "监测状态为“监测中”的农户数",
        where=MONITORED,
        filters={"monitoring_status": MonitoringStatus.MONITORED},
        section=SECTION_MONITORING,
    ),
    *[
        _count(
            f"registry.monitored.{kind.value}",
            f"监测对象·{kind.label}",
            f"监测中且监测对象类别为“{kind.label}”（{kind.value}）的农户数",
            where=MONITORED & Q(monitoring_kind=kind.value),
            filters={"monitoring_status": MonitoringStatus.MONITORED, "monitoring_kind": kind.value},
            section=SECTION_MONITORING,
        )
        for kind in MonitoringKind
    ],
    _count(
        "registry.eliminated",
        "风险已消除",
        "监测状态为“风险已消除”的农户数",
        where=Q(monitoring_status=MonitoringStatus.ELIMINATED),
        filters={"monitoring_status": MonitoringStatus.ELIMINATED},
        section=SECTION_MONITORING,
    ),
    _monitored_share(),
    _low_income(
        "registry.low_income",
        "人均纯收入低于监测标准的农户",
        "最近收入年度的人均纯收入低于该年度监测标准的农户数",
        extra=Q(),
        filters={},
        higher_is_better=False,
    ),
    _low_income(
        "registry.low_income_unmonitored",
        "低于监测标准但未纳入监测的农户",
        "人均纯收入低于监测标准且监测状态为“未纳入监测”的农户数（应纳尽纳，应为零）",
        extra=Q(monitoring_status=MonitoringStatus.NONE),
        filters={"monitoring_status": MonitoringStatus.NONE},
        higher_is_better=False,
    ),
    _count(
        "registry.housing_unsafe",
        "住房不安全农户",
        "住房安全为“否”的农户数（应为零）",
        where=Q(housing_safe=False),
        filters={"housing_safe": "0"},
        section=SECTION_GUARANTEES,
        higher_is_better=False,
    ),
    _count(
        "registry.water_unsafe",
        "饮水不安全农户",
        "饮水安全为“否”的农户数（应为零）",
        where=Q(water_safe=False),
        filters={"water_safe": "0"},
        section=SECTION_GUARANTEES,
        higher_is_better=False,
    ),
    _count(
        "registry.uninsured",
        "未全员参加基本医保农户",
        "全员参加基本医保为“否”的农户数（应为零）",
        where=Q(medical_insured=False),
        filters={"medical_insured": "0"},
        section=SECTION_GUARANTEES,
        higher_is_better=False,
    ),
    _count(
        "registry.schooling_unsecured",
        "义务教育无保障农户",
        "义务教育有保障为“否”的农户数（应为零）",
        where=Q(schooling_secured=False),
        filters={"schooling_secured": "0"},
        section=SECTION_GUARANTEES,
        higher_is_better=False,
    ),
]

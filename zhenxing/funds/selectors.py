"""Reads for projects and funds: scoped querysets and the county figures.

The figures never sum raw payments: paid money comes from ``CountyMonthFigure``, kept by the
payment services and the import (one row per county and month), allocations and assignments
are small tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from zhenxing.accounts import scope
from zhenxing.lib.modules import share
from zhenxing.regions.models import LEVEL_DEPTH, Level, Region

from .models import (
    PLAN_STATUSES,
    POOL_STATUSES,
    Allocation,
    Assignment,
    Beneficiary,
    CountyMonthFigure,
    DisbursementPlan,
    Disclosure,
    DisclosureKind,
    FundSource,
    MicroLoan,
    Project,
    ProjectType,
)

ZERO = Decimal("0")


def loans_current(qs: QuerySet[MicroLoan], as_of: dt.date) -> QuerySet[MicroLoan]:
    """Loans outstanding on ``as_of`` or settled in its year: what 小额信贷支持户数 counts, and the
    loan list's ``?current=1``."""
    settled_this_year = Q(settled_on__gte=dt.date(as_of.year, 1, 1))
    return qs.filter(Q(settled_on__isnull=True) | settled_this_year, issued_on__lte=as_of)


def projects(user) -> QuerySet[Project]:
    return scope.scoped(user, Project).select_related("village", "county")


def counties(user) -> list[Region]:
    """County-level nodes the user may see figures for: those in scope, or their own county read from
    below (``scope.regions(below=)``)."""
    return list(scope.regions(user, below=LEVEL_DEPTH[Level.COUNTY]).filter(level=Level.COUNTY).order_by("code"))


@dataclass
class MonthFigure:
    month: int
    paid: Decimal
    cumulative: Decimal
    rate: Decimal | None
    target: Decimal | None

    @property
    def behind(self) -> bool:
        return self.rate is not None and self.target is not None and self.rate < self.target


@dataclass
class Figures:
    region: Region
    year: int
    allocated: Decimal = ZERO
    assigned: Decimal = ZERO
    paid: Decimal = ZERO
    central_allocated: Decimal = ZERO
    central_industry: Decimal = ZERO
    industry_min_share: Decimal = Decimal("0.55")
    by_source: list[tuple[str, Decimal]] = field(default_factory=list)
    months: list[MonthFigure] = field(default_factory=list)

    @property
    def disbursement_rate(self) -> Decimal | None:
        return share(self.paid, self.allocated)

    @property
    def assignment_rate(self) -> Decimal | None:
        return share(self.assigned, self.allocated)

    @property
    def industry_share(self) -> Decimal | None:
        return share(self.central_industry, self.central_allocated)

    @property
    def industry_warning(self) -> bool:
        share = self.industry_share
        return share is not None and share < self.industry_min_share


def figures(region: Region, year: int, as_of: dt.date | None = None) -> Figures:
    """Allocated, assigned, paid, monthly disbursement against plan and the industry share of the
    central linkage fund, for a county (or every county under a prefecture) and a year.

    - 支出进度 = money paid in the year ÷ money allocated for the year.
    - 产业占比 = central linkage fund assigned to 产业 projects ÷ central linkage fund allocated.
    """
    from .services import year_parameter

    in_region = Q(county__path__startswith=region.path)
    allocs = Allocation.objects.filter(in_region, year=year)
    assigns = Assignment.objects.filter(allocation__county__path__startswith=region.path, allocation__year=year)
    month_rows = CountyMonthFigure.objects.filter(in_region, year=year)
    if as_of is not None:
        allocs = allocs.filter(issued_on__lte=as_of)
        assigns = assigns.filter(date__lte=as_of)
        if as_of.year == year:
            month_rows = month_rows.filter(month__lte=as_of.month)
        elif as_of.year < year:
            month_rows = month_rows.none()
    f = Figures(region=region, year=year)
    by_source = {r["source"]: r["s"] for r in allocs.values("source").annotate(s=Sum("amount")).order_by()}
    f.by_source = [(str(FundSource(k).label), v) for k, v in sorted(by_source.items())]
    f.allocated = sum(by_source.values(), ZERO)
    f.central_allocated = by_source.get(FundSource.CENTRAL, ZERO)
    agg = assigns.aggregate(
        total=Sum("amount"),
        industry=Sum("amount", filter=Q(allocation__source=FundSource.CENTRAL, project__type=ProjectType.INDUSTRY)),
    )
    f.assigned = agg["total"] or ZERO
    f.central_industry = agg["industry"] or ZERO
    paid_by_month = {r["month"]: r["s"] for r in month_rows.values("month").annotate(s=Sum("paid")).order_by()}
    f.paid = sum(paid_by_month.values(), ZERO)
    county = region if region.level == Level.COUNTY else None
    f.industry_min_share = year_parameter(year, county).industry_min_share
    targets = {}
    if county is not None:
        targets = {p.month: p.target_rate for p in DisbursementPlan.objects.filter(county=county, year=year)}
    cumulative = ZERO
    last_month = 12 if as_of is None or as_of.year > year else (as_of.month if as_of.year == year else 0)
    for m in range(1, last_month + 1):
        paid = paid_by_month.get(m, ZERO)
        cumulative += paid
        f.months.append(
            MonthFigure(
                month=m, paid=paid, cumulative=cumulative, rate=share(cumulative, f.allocated), target=targets.get(m)
            )
        )
    return f


def beneficiary_counts(project_qs: QuerySet[Project]) -> dict[int, dict[str, int]]:
    """Per project: households reached, of them formerly poor, of them monitored."""
    rows = (
        Beneficiary.objects.filter(project__in=project_qs)
        .values("project")
        .annotate(
            households=Count("household", distinct=True),
            poor=Count("household", distinct=True, filter=Q(household__formerly_poor=True)),
            monitored=Count("household", distinct=True, filter=Q(household__monitoring_status="monitored")),
        )
        .order_by()
    )
    return {r["project"]: {"households": r["households"], "poor": r["poor"], "monitored": r["monitored"]} for r in rows}


def county_beneficiary_counts(region: Region, year: int) -> dict[str, int]:
    """Households reached in a county (or every county below a prefecture) and year."""
    qs = Beneficiary.objects.filter(project__county__path__startswith=region.path, year=year)
    return qs.aggregate(
        households=Count("household", distinct=True),
        poor=Count("household", distinct=True, filter=Q(household__formerly_poor=True)),
        monitored=Count("household", distinct=True, filter=Q(household__monitoring_status="monitored")),
    )


# --- disclosure content (what the public sees: counts, never names or ID numbers) -------------

# Tables other apps publish under a disclosure kind: kind -> (county, year) -> (columns, rows).
# The assets app registers DisclosureKind.ASSETS when Django loads it (AssetsConfig.ready).
DISCLOSURE_TABLES: dict[str, Callable[..., tuple[list[str], list[list[str]]]]] = {}


def disclosure_table_register(kind: str, table: Callable[..., tuple[list[str], list[list[str]]]]) -> None:
    DISCLOSURE_TABLES[kind] = table


def _d(value) -> str:
    return "" if value is None else str(value)


def disclosure_content(*, county: Region, year: int, kind: str) -> dict:
    """A frozen table: columns and rows, each row keyed (project code / document number)."""
    projects_qs = Project.objects.filter(county=county).select_related("village")
    if kind == DisclosureKind.POOL:
        qs = projects_qs.filter(year=year, status__in=POOL_STATUSES).order_by("code")
        columns = ["项目编号", "项目名称", "类型", "实施地点", "概算投资（元）", "计划受益户数", "利益联结机制", "状态"]
        rows = [
            [
                p.code,
                p.name,
                str(p.get_type_display()),
                p.village.name,
                _d(p.budget),
                _d(p.planned_households),
                p.benefit_mechanism,
                str(p.get_status_display()),
            ]
            for p in qs
        ]
    elif kind == DisclosureKind.PLAN:
        qs = projects_qs.filter(plan_year=year, status__in=PLAN_STATUSES).order_by("code")
        columns = [
            "项目编号",
            "项目名称",
            "类型",
            "实施地点",
            "责任单位",
            "概算投资（元）",
            "已安排资金（元）",
            "计划开工",
            "计划完工",
        ]
        rows = [
            [
                p.code,
                p.name,
                str(p.get_type_display()),
                p.village.name,
                p.responsible_unit,
                _d(p.budget),
                _d(p.assigned_total),
                _d(p.start_planned),
                _d(p.end_planned),
            ]
            for p in qs
        ]
    elif kind == DisclosureKind.ALLOCATIONS:
        columns = ["下达文号", "资金来源", "日期", "下达金额（元）", "安排到项目", "安排文号", "安排金额（元）"]
        rows, keys = [], []
        for a in Allocation.objects.filter(county=county, year=year).order_by("issued_on", "id"):
            rows.append([a.document_number, str(a.get_source_display()), _d(a.issued_on), _d(a.amount), "", "", ""])
            keys.append(f"{a.get_source_display()} {a.document_number}")
            for s in a.assignments.select_related("project").order_by("date", "id"):
                rows.append(
                    ["", "", _d(s.date), "", f"{s.project.code} {s.project.name}", s.document_number, _d(s.amount)]
                )
                keys.append(f"{a.document_number} → {s.project.code}（{s.document_number}）")
        return {"columns": columns, "rows": rows, "keys": keys}
    elif kind == DisclosureKind.PROGRESS:
        qs = projects_qs.filter(plan_year=year, status__in=PLAN_STATUSES).order_by("code")
        counts = beneficiary_counts(qs)
        columns = [
            "项目编号",
            "项目名称",
            "实施地点",
            "进度",
            "已安排资金（元）",
            "已支付（元）",
            "受益户数",
            "其中脱贫户",
            "其中监测户",
        ]
        rows = []
        for p in qs:
            c = counts.get(p.pk, {"households": 0, "poor": 0, "monitored": 0})
            rows.append(
                [
                    p.code,
                    p.name,
                    p.village.name,
                    str(p.get_status_display()),
                    _d(p.assigned_total),
                    _d(p.paid_total),
                    _d(c["households"]),
                    _d(c["poor"]),
                    _d(c["monitored"]),
                ]
            )
    elif kind in DISCLOSURE_TABLES:
        columns, rows = DISCLOSURE_TABLES[kind](county=county, year=year)
    else:
        raise ValueError(kind)
    return {"columns": columns, "rows": rows}


def disclosure_diff(old: dict, new: dict) -> list[str]:
    """What changed between two published tables, in words (rows keyed by ``keys`` or the first column)."""

    def keyed(content: dict) -> dict:
        rows = content.get("rows", [])
        return dict(zip(content.get("keys") or [r[0] for r in rows], rows, strict=False))

    before, after = keyed(old), keyed(new)
    cols = new.get("columns", [])
    changes = [f"新增 {k}" for k in after if k not in before]
    changes += [f"删除 {k}" for k in before if k not in after]
    for k, row in after.items():
        if k in before and before[k] != row:
            fields = [cols[i] for i, (a, b) in enumerate(zip(before[k], row, strict=False)) if a != b and i < len(cols)]
            changes.append(f"{k} 的{'、'.join(fields)}有变化")
    return changes


def published(county: Region) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(county=county)


def latest_disclosures(county: Region) -> list[Disclosure]:
    """The newest version of each (year, kind) for a county."""
    seen, out = set(), []
    for d in Disclosure.objects.filter(county=county).order_by("-year", "kind", "-version").defer("content"):
        if (d.year, d.kind) not in seen:
            seen.add((d.year, d.kind))
            out.append(d)
    return out

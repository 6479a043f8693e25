"""Reads for project assets: scoped lists, risk flags, the inventory and the handover table."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from zhenxing.accounts import scope

from .models import Asset, AssetClass, AssetStatus, OwnerKind

RISKS = {
    "no_income": "经营性资产12个月无收益",
    "no_maintainer": "未明确管护主体",
    "no_inspection": "一年内无巡查记录",
}


def months_back(as_of: dt.date, months: int) -> dt.date:
    y, m = divmod(as_of.year * 12 + as_of.month - 1 - months, 12)
    day = min(as_of.day, 28 if m + 1 == 2 else 30 if m + 1 in {4, 6, 9, 11} else 31)
    return dt.date(y, m + 1, day)


def risk_q(as_of: dt.date) -> dict[str, Q]:
    """Each risk as a filter. A boundary is inclusive of safety: income exactly 12 months ago is not late."""
    year_ago = months_back(as_of, 12)
    return {
        "no_income": Q(asset_class=AssetClass.INCOME_GENERATING)
        & (Q(last_income__lt=year_ago) | Q(last_income__isnull=True, handed_over_on__lt=year_ago)),
        "no_maintainer": Q(maintainer=""),
        "no_inspection": Q(last_inspection__lt=year_ago) | Q(last_inspection__isnull=True, handed_over_on__lt=year_ago),
    }


def assets(user) -> QuerySet[Asset]:
    return scope.scoped(user, Asset).select_related("village", "county", "project")


def with_risks(qs: QuerySet[Asset], as_of: dt.date | None = None) -> QuerySet[Asset]:
    as_of = as_of or dt.date.today()
    qs = qs.filter(status=AssetStatus.IN_USE)
    return qs.filter(_any(risk_q(as_of)))


def _any(qs: dict[str, Q]) -> Q:
    items = list(qs.values())
    out = items[0]
    for q in items[1:]:
        out |= q
    return out


def risk_flags(asset: Asset, as_of: dt.date | None = None) -> list[str]:
    as_of = as_of or dt.date.today()
    if asset.status != AssetStatus.IN_USE:
        return []
    year_ago = months_back(as_of, 12)
    flags = []
    if asset.asset_class == AssetClass.INCOME_GENERATING:
        ref = asset.last_income or asset.handed_over_on
        if ref < year_ago:
            flags.append(RISKS["no_income"])
    if not asset.maintainer:
        flags.append(RISKS["no_maintainer"])
    ref = asset.last_inspection or asset.handed_over_on
    if ref < year_ago:
        flags.append(RISKS["no_inspection"])
    return flags


def risk_counts(qs: QuerySet[Asset], as_of: dt.date | None = None) -> dict[str, int]:
    as_of = as_of or dt.date.today()
    qs = qs.filter(status=AssetStatus.IN_USE)
    return {RISKS[k]: qs.filter(q).count() for k, q in risk_q(as_of).items()}


def inventory(qs: QuerySet[Asset]) -> list[dict]:
    """Count and value by county and class (one grouped query)."""
    rows = (
        qs.values("county__name", "county__code", "asset_class")
        .annotate(n=Count("id"), value=Sum("value"), disposed=Count("id", filter=Q(status=AssetStatus.DISPOSED)))
        .order_by("county__code", "asset_class")
    )
    labels = dict(AssetClass.choices)
    return [{**r, "class_label": str(labels[r["asset_class"]])} for r in rows]


def handover_rows(*, county, year: int) -> tuple[list[str], list[list[str]]]:
    """The public handover table: no household names (an asset given to a household shows 农户)."""
    columns = ["资产编号", "资产名称", "类别", "所在村", "价值（元）", "形成项目", "所有权人", "管护主体", "移交日期"]
    rows = []
    qs = (
        Asset.objects.filter(county=county, handed_over_on__year=year)
        .select_related("village", "project")
        .order_by("code")
    )
    for a in qs:
        personal = a.owner_kind == OwnerKind.HOUSEHOLD
        rows.append(
            [
                a.code,
                a.name,
                str(a.get_asset_class_display()),
                a.village.name,
                str(a.value),
                a.project_code or a.source_project,
                "受益农户" if personal else a.owner_name,
                "受益农户" if personal else a.maintainer,
                str(a.handed_over_on),
            ]
        )
    return columns, rows

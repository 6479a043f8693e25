"""API for project assets (under the data scope)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from ninja import Query, Router, Schema

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_page, keyset_rows

from . import selectors
from .models import Asset

router = Router(tags=["扶贫项目资产"])
S = {"x-scope": "assets.asset"}


class AssetOut(Schema):
    id: int
    code: str
    name: str
    asset_class: str
    county_code: str
    village_code: str
    project_code: str  # "" for a historical asset, which names its project in source_project
    source_project: str
    source_year: int | None
    value: Decimal
    owner_kind: str
    owner_name: str
    operator: str
    maintainer: str
    title_document: str
    title_date: dt.date
    handed_over_on: dt.date
    status: str
    last_inspection: dt.date | None
    last_income: dt.date | None
    risks: list[str]


class InventoryOut(Schema):
    county_code: str
    county: str
    asset_class: str
    class_label: str
    count: int
    value: Decimal
    disposed: int


def _out(a: Asset, today: dt.date) -> dict:
    return {
        **{k: getattr(a, k) for k in AssetOut.model_fields if hasattr(a, k)},
        "county_code": a.county.code,
        "village_code": a.village.code,
        "project_code": a.project_code,
        "owner_name": "受益农户" if a.owner_household_id else a.owner_name,
        "risks": selectors.risk_flags(a, today),
    }


@router.get("/assets/inventory", response=list[InventoryOut], openapi_extra=S, summary="资产按县和类别汇总")
def inventory(request, response: HttpResponse, page: Keyset = Query(...)):
    rows = [
        {
            "county_code": r["county__code"],
            "county": r["county__name"],
            "asset_class": r["asset_class"],
            "class_label": r["class_label"],
            "count": r["n"],
            "value": r["value"],
            "disposed": r["disposed"],
        }
        for r in selectors.inventory(selectors.assets(request.user))
    ]
    return keyset_rows(request, response, rows, page, key=lambda r: f"{r['county_code']}/{r['asset_class']}")


@router.get(
    "/assets", response=list[AssetOut], openapi_extra=S, summary="项目资产（可按类别、是否有风险筛选；after 游标分页）"
)
def asset_list(request, response: HttpResponse, page: Keyset = Query(...), asset_class: str = "", risk: bool = False):
    today = dt.date.today()
    qs = selectors.assets(request.user)
    if asset_class:
        qs = qs.filter(asset_class=asset_class)
    if risk:
        qs = selectors.with_risks(qs, today)
    return [_out(a, today) for a in keyset_page(request, response, qs, page)]


@router.get("/assets/{id}", response=AssetOut, openapi_extra=S, summary="一项资产")
def asset_detail(request, id: int):
    return _out(scope.get_object_or_404(request.user, selectors.assets(request.user), pk=id), dt.date.today())

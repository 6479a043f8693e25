"""People API: the per-village summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Schema

from zhenxing.lib.pagination import Keyset, keyset_rows

from .. import selectors
from .common import router, scope_extra


class VillageOut(Schema):
    village_code: str
    village: str
    post_poor_holders: int
    post_poor_holders_last_year: int
    post_holders_falling: bool
    workshops: int
    workshops_below_share: int
    workshop_workers: int
    workshop_poor_workers: int
    pairing_committed_money: Decimal
    pairing_delivered_money: Decimal
    cadres: int
    cadres_below_days: int
    points_credited: int
    points_waiting: int
    open_list_cases: int


@router.get(
    "/people/summary",
    response=list[VillageOut],
    openapi_extra=scope_extra("regions.region"),
    summary="各村：公益岗位脱贫人口、车间占比、结对兑现、驻村天数、积分活动",
)
def summary(request, response: HttpResponse, page: Keyset = Query(...), as_of: dt.date | None = None):
    rows = selectors.village_summary(request.user, as_of or timezone.localdate())
    rows = [
        {
            "village_code": r.village.code,
            "village": r.village.name,
            "post_poor_holders": r.posts.now,
            "post_poor_holders_last_year": r.posts.last_year,
            "post_holders_falling": r.posts.falling,
            "workshops": r.workshops,
            "workshops_below_share": r.workshops_below,
            "workshop_workers": r.workers,
            "workshop_poor_workers": r.poor_workers,
            "pairing_committed_money": r.pairing.committed_money,
            "pairing_delivered_money": r.pairing.delivered_money,
            "cadres": r.cadres,
            "cadres_below_days": r.cadres_below,
            "points_credited": r.points.get("credited", 0),
            "points_waiting": r.points.get("waiting", 0),
            "open_list_cases": r.open_cases,
        }
        for r in rows
    ]
    return keyset_rows(request, response, rows, page, key=lambda r: r["village_code"])

"""People API: social help (百企兴百村结对)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from ninja import Query, Schema

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_rows

from .. import models as m
from .. import selectors
from .common import router, scope_extra


class PairingOut(Schema):
    id: int
    village_code: str
    partner: str
    partner_kind: str
    since: dt.date
    committed_money: Decimal
    delivered_money: Decimal
    committed_purchases: Decimal
    delivered_purchases: Decimal
    committed_jobs: int
    delivered_jobs: int
    committed_projects: int
    delivered_projects: int


def _pairings(qs) -> list[dict]:
    return [
        {
            "id": p.id,
            "village_code": p.village.code,
            "partner": p.partner,
            "partner_kind": p.partner_kind,
            "since": p.since,
            "committed_money": p.committed_money,
            "delivered_money": p.delivered_money,
            "committed_purchases": p.committed_purchases,
            "delivered_purchases": p.delivered_purchases,
            "committed_jobs": p.committed_jobs,
            "delivered_jobs": p.delivered_jobs,
            "committed_projects": p.committed_projects,
            "delivered_projects": p.delivered_projects,
        }
        for p in selectors.pairings_summary(qs)
    ]


@router.get(
    "/people/pairings", response=list[PairingOut], openapi_extra=scope_extra("people.pairing"), summary="百企兴百村结对"
)
def pairing_list(request, response: HttpResponse, page: Keyset = Query(...)):
    return keyset_rows(request, response, _pairings(scope.scoped(request.user, m.Pairing)), page, key=lambda r: r["id"])


@router.get(
    "/people/pairings/{id}", response=PairingOut, openapi_extra=scope_extra("people.pairing"), summary="一个结对"
)
def pairing_detail(request, id: int):
    p = scope.get_object_or_404(request.user, m.Pairing, pk=id)
    return _pairings(m.Pairing.objects.filter(pk=p.pk))[0]

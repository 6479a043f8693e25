"""People API: resident cadres (驻村干部)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Schema

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_rows

from .. import models as m
from .. import selectors
from .common import router, scope_extra


class CadreOut(Schema):
    id: int
    village_code: str
    name: str
    position: str
    home_unit: str
    team_unit: str
    start: dt.date
    end: dt.date | None
    days_in_village: int
    days_required_to_date: int
    below: bool


def _cadres(qs) -> list[dict]:
    today = timezone.localdate()
    return [
        {
            "id": r.cadre.id,
            "village_code": r.cadre.team.village.code,
            "name": r.cadre.name,
            "position": r.cadre.position,
            "home_unit": r.cadre.home_unit,
            "team_unit": r.cadre.team.unit,
            "start": r.cadre.start,
            "end": r.cadre.end,
            "days_in_village": r.days,
            "days_required_to_date": r.required,
            "below": r.below,
        }
        for r in selectors.cadre_days(qs, today.year, today)
    ]


@router.get(
    "/people/cadres",
    response=list[CadreOut],
    openapi_extra=scope_extra("people.cadre"),
    summary="驻村干部及本年在村天数",
)
def cadre_list(request, response: HttpResponse, page: Keyset = Query(...)):
    return keyset_rows(request, response, _cadres(scope.scoped(request.user, m.Cadre)), page, key=lambda r: r["id"])


@router.get("/people/cadres/{id}", response=CadreOut, openapi_extra=scope_extra("people.cadre"), summary="一名驻村干部")
def cadre_detail(request, id: int):
    c = scope.get_object_or_404(request.user, m.Cadre, pk=id)
    rows = _cadres(m.Cadre.objects.filter(pk=c.pk))
    if rows:
        return rows[0]
    return {
        "id": c.id,
        "village_code": c.team.village.code,
        "name": c.name,
        "position": c.position,
        "home_unit": c.home_unit,
        "team_unit": c.team.unit,
        "start": c.start,
        "end": c.end,
        "days_in_village": 0,
        "days_required_to_date": 0,
        "below": False,
    }

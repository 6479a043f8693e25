"""People API: employment (公益岗位, 帮扶车间, wages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Schema

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_page, keyset_rows
from zhenxing.registry.models import Household

from .. import models as m
from .. import selectors
from .common import router, scope_extra


class PostOut(Schema):
    id: int
    village_code: str
    name: str
    kind: str
    monthly_pay: Decimal
    funding: str


def _post(p: m.PublicPost) -> dict:
    return {
        "id": p.id,
        "village_code": p.village.code,
        "name": p.name,
        "kind": p.kind,
        "monthly_pay": p.monthly_pay,
        "funding": p.funding,
    }


@router.get("/people/posts", response=list[PostOut], openapi_extra=scope_extra("people.publicpost"), summary="公益岗位")
def post_list(request, response: HttpResponse, page: Keyset = Query(...)):
    qs = scope.scoped(request.user, m.PublicPost).select_related("village")
    return [_post(p) for p in keyset_page(request, response, qs, page)]


class HoldingOut(Schema):
    id: int
    member_id: int
    name: str
    household_number: str
    formerly_poor: bool
    start: dt.date
    end: dt.date | None


class PostDetailOut(PostOut):
    holdings: list[HoldingOut]


@router.get(
    "/people/posts/{id}",
    response=PostDetailOut,
    openapi_extra=scope_extra("people.publicpost"),
    summary="一个公益岗位及上岗人员",
)
def post_detail(request, id: int):
    p = scope.get_object_or_404(request.user, m.PublicPost.objects.select_related("village"), pk=id)
    holdings = [
        {
            "id": h.id,
            "member_id": h.member_id,
            "name": h.member.name,
            "household_number": h.member.household.number,
            "formerly_poor": h.member.household.formerly_poor,
            "start": h.start,
            "end": h.end,
        }
        for h in p.holdings.select_related("member__household")
    ]
    return {**_post(p), "holdings": holdings}


class WorkshopOut(Schema):
    id: int
    village_code: str
    name: str
    owner: str
    products: str
    workers: int
    poor_workers: int
    share: Decimal | None
    required_share: Decimal
    below: bool


def _shares(qs) -> list[dict]:
    today = timezone.localdate()
    return [
        {
            "id": s.workshop.id,
            "village_code": s.workshop.village.code,
            "name": s.workshop.name,
            "owner": s.workshop.owner,
            "products": s.workshop.products,
            "workers": s.workers,
            "poor_workers": s.poor,
            "share": s.share.quantize(Decimal("0.0001")) if s.share is not None else None,
            "required_share": s.required,
            "below": s.below,
        }
        for s in selectors.workshop_shares(qs, today)
    ]


@router.get(
    "/people/workshops",
    response=list[WorkshopOut],
    openapi_extra=scope_extra("people.workshop"),
    summary="帮扶车间及脱贫劳动力占比",
)
def workshop_list(request, response: HttpResponse, page: Keyset = Query(...)):
    return keyset_rows(request, response, _shares(scope.scoped(request.user, m.Workshop)), page, key=lambda r: r["id"])


@router.get(
    "/people/workshops/{id}", response=WorkshopOut, openapi_extra=scope_extra("people.workshop"), summary="一个帮扶车间"
)
def workshop_detail(request, id: int):
    w = scope.get_object_or_404(request.user, m.Workshop, pk=id)
    return _shares(m.Workshop.objects.filter(pk=w.pk))[0]


class WageOut(Schema):
    household_id: int
    year: int
    labour_export: Decimal
    public_posts: Decimal
    workshops: Decimal
    total: Decimal


@router.get(
    "/people/wages",
    response=list[WageOut],
    openapi_extra=scope_extra("registry.household"),
    summary="就业台账给出的各户年度工资性收入（劳务输出、公益岗位、帮扶车间）",
)
def wages(request, response: HttpResponse, year: int, page: Keyset = Query(...)):
    rows = selectors.wage_figures(scope.scoped(request.user, Household), year)
    return [
        {
            "household_id": r.household_id,
            "year": r.year,
            "labour_export": r.labour_export,
            "public_posts": r.public_posts,
            "workshops": r.workshops,
            "total": r.total,
        }
        for r in keyset_rows(request, response, rows, page, key=lambda r: r.household_id)
    ]

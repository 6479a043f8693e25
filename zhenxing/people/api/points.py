"""People API: the points system (积分制): entries, their transitions, household accounts, redemption."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Query, Schema, Status

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_page
from zhenxing.registry.models import Household

from .. import models as m
from .. import points, selectors
from .common import router, scope_extra


class EntryOut(Schema):
    id: int
    household_id: int
    household_number: str
    rule: str
    category: str
    points: int
    date: dt.date
    proposer_name: str
    state: str
    posted_on: dt.date | None
    applied: int | None
    version: int


def _entry(e: m.PointEntry) -> dict:
    return {
        "id": e.id,
        "household_id": e.household_id,
        "household_number": e.household.number,
        "rule": e.rule.name,
        "category": e.rule.category,
        "points": e.points,
        "date": e.date,
        "proposer_name": e.proposer_name,
        "state": e.state,
        "posted_on": e.posted_on,
        "applied": e.applied,
        "version": e.version,
    }


@router.get(
    "/people/points/entries",
    response=list[EntryOut],
    openapi_extra=scope_extra("people.pointentry"),
    summary="积分申报（可按区划代码（village，一个村或其上级）、状态筛选）",
)
def entry_list(request, response: HttpResponse, page: Keyset = Query(...), village: str = "", state: str = ""):
    qs = scope.within(scope.scoped(request.user, m.PointEntry), scope.region_by_code(request.user, village))
    if state:
        qs = qs.filter(state=state)
    return [_entry(e) for e in keyset_page(request, response, qs.select_related("household", "rule"), page)]


@router.get(
    "/people/points/entries/{id}",
    response=EntryOut,
    openapi_extra=scope_extra("people.pointentry"),
    summary="一条积分申报",
)
def entry_detail(request, id: int):
    return _entry(
        scope.get_object_or_404(request.user, m.PointEntry.objects.select_related("household", "rule"), pk=id)
    )


class ProposeIn(Schema):
    household_id: int
    rule_id: int
    date: dt.date
    proposer_name: str
    note: str = ""


@router.post(
    "/people/points/entries",
    response={201: EntryOut},
    openapi_extra=scope_extra("people.pointentry"),
    summary="小组长提议积分（村干部录入）",
)
def entry_propose(request, data: ProposeIn):
    household = scope.get_object_or_404(request.user, Household, pk=data.household_id)
    rule = scope.get_object_or_404(request.user, m.PointRule, pk=data.rule_id)
    e = points.entry_propose(
        actor=request.user,
        household=household,
        rule=rule,
        date=data.date,
        proposer_name=data.proposer_name,
        note=data.note,
    )
    return Status(201, _entry(e))


class PointTransitionIn(Schema):
    action: str  # confirm / post / credit / reject
    version: int
    reason: str = ""


@router.post(
    "/people/points/entries/{id}/transition",
    response=EntryOut,
    openapi_extra=scope_extra("people.pointentry"),
    summary="积分申报：确认、公示、入账或不予通过",
)
def entry_transition(request, id: int, data: PointTransitionIn):
    e = scope.get_object_or_404(request.user, m.PointEntry, pk=id)
    e = points.entry_transition(
        actor=request.user, entry=e, action=data.action, version=data.version, reason=data.reason, request=request
    )
    return _entry(m.PointEntry.objects.select_related("household", "rule").get(pk=e.pk))


class HistoryOut(Schema):
    date: dt.date
    kind: str
    what: str
    points: int | None
    state: str


class AccountOut(Schema):
    household_id: int
    balance: int
    earned: int
    spent: int
    history: list[HistoryOut]


@router.get(
    "/people/points/households/{id}",
    response=AccountOut,
    openapi_extra=scope_extra("registry.household"),
    summary="一户的积分余额与全部积分记录",
)
def household_points(request, id: int):
    h = scope.get_object_or_404(request.user, Household, pk=id)
    a = m.PointAccount.objects.filter(household=h).first()
    return {
        "household_id": h.id,
        "balance": a.balance if a else 0,
        "earned": a.earned if a else 0,
        "spent": a.spent if a else 0,
        "history": [
            {k: r[k] for k in ("date", "kind", "what", "points", "state")}
            for r in selectors.household_history(request.user, h)
        ],
    }


class RedeemIn(Schema):
    household_id: int
    item_id: int
    quantity: int = 1


class RedemptionOut(Schema):
    id: int
    household_id: int
    item_id: int
    quantity: int
    points: int
    date: dt.date


@router.post(
    "/people/points/redemptions",
    response={201: RedemptionOut},
    openapi_extra=scope_extra("people.redemption"),
    summary="积分超市兑换",
)
def redeem(request, data: RedeemIn):
    h = scope.get_object_or_404(request.user, Household, pk=data.household_id)
    item = scope.get_object_or_404(request.user, m.StoreItem, pk=data.item_id)
    r = points.redeem(actor=request.user, household=h, item=item, quantity=data.quantity, request=request)
    return Status(
        201,
        {
            "id": r.id,
            "household_id": r.household_id,
            "item_id": r.item_id,
            "quantity": r.quantity,
            "points": r.points,
            "date": r.date,
        },
    )

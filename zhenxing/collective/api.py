"""API of the village collective economy (under the data scope; lists page by keyset)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from ninja import Query, Router, Schema

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_page

from . import selectors, services
from .models import CollectiveMember, Distribution

router = Router(tags=["农村集体经济"])
ORG = {"x-scope": "collective.organisation"}
MEMBER = {"x-scope": "collective.collectivemember"}
CONTRACT = {"x-scope": "collective.contract"}
PLAN = {"x-scope": "collective.distribution"}


class CollectiveOrgOut(Schema):
    id: int
    village_code: str
    name: str
    kind: str
    credit_code: str
    certificate_date: dt.date | None
    collective_shares: Decimal


class CollectiveMemberOut(Schema):
    id: int
    organisation_id: int
    name: str | None  # read from the registry by ID hash
    household_number: str | None
    state: str
    version: int
    applied_on: dt.date
    confirmed_on: dt.date | None
    certificate_no: str
    shares: Decimal


class CollectiveContractOut(Schema):
    id: int
    organisation_id: int
    code: str
    party: str
    subject: str
    start: dt.date
    end: dt.date
    annual_price: Decimal
    award_method: str
    owing: Decimal


class CollectiveDistributionOut(Schema):
    id: int
    organisation_id: int
    year: int
    state: str
    version: int
    distributable_total: Decimal
    reserve_total: Decimal
    collective_total: Decimal
    dividend_total: Decimal
    per_share: Decimal


class CollectiveLineOut(Schema):
    member_id: int
    shares: Decimal
    amount: Decimal


class CollectiveMemberTransitionIn(Schema):
    code: str  # appraise, post, confirm, reject, leave
    version: int
    reason: str = ""
    evidence: str = ""  # 民主评议: the meeting
    left_reason: str = ""  # leave: death, moved, gave_up, other


class CollectiveDistributionTransitionIn(Schema):
    code: str  # approve, post, pay
    version: int
    evidence: str = ""  # approve: the 成员（代表）大会 resolution


@router.get("/collective/organisations", response=list[CollectiveOrgOut], openapi_extra=ORG, summary="集体经济组织")
def organisations(request, response: HttpResponse, page: Keyset = Query(...)):
    qs = selectors.organisations(request.user)
    return [
        {**{k: getattr(o, k) for k in CollectiveOrgOut.model_fields if hasattr(o, k)}, "village_code": o.village.code}
        for o in keyset_page(request, response, qs, page)
    ]


@router.get("/collective/members", response=list[CollectiveMemberOut], openapi_extra=MEMBER, summary="集体经济组织成员")
def members(request, response: HttpResponse, page: Keyset = Query(...), state: str = ""):
    qs = selectors.members(request.user).prefetch_related("holdings")
    if state:
        qs = qs.filter(state=state)
    return [_member(m) for m in keyset_page(request, response, qs, page)]


def _member(m: CollectiveMember) -> dict:
    return {
        **{k: getattr(m, k) for k in CollectiveMemberOut.model_fields if hasattr(m, k)},
        "name": getattr(m, "person_name", None),
        "shares": sum((h.shares for h in m.holdings.all()), Decimal("0")),
    }


@router.post(
    "/collective/members/{id}/transition",
    response=CollectiveMemberOut,
    openapi_extra=MEMBER,
    summary="成员身份确认步骤",
)
def member_transition(request, id: int, body: CollectiveMemberTransitionIn):
    m = scope.get_object_or_404(request.user, CollectiveMember, pk=id)
    services.member_transition(
        actor=request.user,
        member=m,
        code=body.code,
        version=body.version,
        reason=body.reason,
        evidence=body.evidence,
        left_reason=body.left_reason,
    )
    return _member(selectors.members(request.user).prefetch_related("holdings").get(pk=id))


@router.get(
    "/collective/contracts", response=list[CollectiveContractOut], openapi_extra=CONTRACT, summary="集体经济合同"
)
def contracts(request, response: HttpResponse, page: Keyset = Query(...), arrears: bool = False):
    today = dt.date.today()
    qs = selectors.contracts(request.user)
    if arrears:
        qs = selectors.contracts_in_arrears(qs, today)
    out = []
    for c in keyset_page(request, response, qs, page):
        owing = selectors.owing_total(selectors.arrears(c.payments.all(), today))
        out.append({**{k: getattr(c, k) for k in CollectiveContractOut.model_fields if hasattr(c, k)}, "owing": owing})
    return out


@router.get(
    "/collective/distributions", response=list[CollectiveDistributionOut], openapi_extra=PLAN, summary="收益分配方案"
)
def distributions(request, response: HttpResponse, page: Keyset = Query(...)):
    return keyset_page(request, response, selectors.distributions(request.user), page)


@router.get(
    "/collective/distributions/{id}/lines", response=list[CollectiveLineOut], openapi_extra=PLAN, summary="分配明细"
)
def distribution_lines(request, id: int, response: HttpResponse, page: Keyset = Query(...)):
    plan = scope.get_object_or_404(request.user, Distribution, pk=id)
    return keyset_page(request, response, plan.lines.all(), page)


@router.post(
    "/collective/distributions/{id}/transition",
    response=CollectiveDistributionOut,
    openapi_extra=PLAN,
    summary="分配方案通过、公示、发放",
)
def distribution_transition(request, id: int, body: CollectiveDistributionTransitionIn):
    plan = scope.get_object_or_404(request.user, Distribution, pk=id)
    services.distribution_transition(
        actor=request.user, distribution=plan, code=body.code, version=body.version, evidence=body.evidence
    )
    plan.refresh_from_db()
    return plan

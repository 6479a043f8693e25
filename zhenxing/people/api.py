"""API of the village ledgers (mounted under /api/v1/). Every read goes through the data scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_page, keyset_rows
from zhenxing.registry.models import Household

from . import lists, points, selectors
from . import models as m

router = Router(tags=["就业帮扶与乡村治理"])


def _x(label: str, **more) -> dict:
    return {"x-scope": label, **more}


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
    openapi_extra=_x("regions.region"),
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


# ---------------------------------------------------------------- employment
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


@router.get("/people/posts", response=list[PostOut], openapi_extra=_x("people.publicpost"), summary="公益岗位")
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
    openapi_extra=_x("people.publicpost"),
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
    openapi_extra=_x("people.workshop"),
    summary="帮扶车间及脱贫劳动力占比",
)
def workshop_list(request, response: HttpResponse, page: Keyset = Query(...)):
    return keyset_rows(request, response, _shares(scope.scoped(request.user, m.Workshop)), page, key=lambda r: r["id"])


@router.get("/people/workshops/{id}", response=WorkshopOut, openapi_extra=_x("people.workshop"), summary="一个帮扶车间")
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
    openapi_extra=_x("registry.household"),
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


# ---------------------------------------------------------------- social help
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


@router.get("/people/pairings", response=list[PairingOut], openapi_extra=_x("people.pairing"), summary="百企兴百村结对")
def pairing_list(request, response: HttpResponse, page: Keyset = Query(...)):
    return keyset_rows(request, response, _pairings(scope.scoped(request.user, m.Pairing)), page, key=lambda r: r["id"])


@router.get("/people/pairings/{id}", response=PairingOut, openapi_extra=_x("people.pairing"), summary="一个结对")
def pairing_detail(request, id: int):
    p = scope.get_object_or_404(request.user, m.Pairing, pk=id)
    return _pairings(m.Pairing.objects.filter(pk=p.pk))[0]


# ---------------------------------------------------------------- resident cadres
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
    "/people/cadres", response=list[CadreOut], openapi_extra=_x("people.cadre"), summary="驻村干部及本年在村天数"
)
def cadre_list(request, response: HttpResponse, page: Keyset = Query(...)):
    return keyset_rows(request, response, _cadres(scope.scoped(request.user, m.Cadre)), page, key=lambda r: r["id"])


@router.get("/people/cadres/{id}", response=CadreOut, openapi_extra=_x("people.cadre"), summary="一名驻村干部")
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


# ---------------------------------------------------------------- points
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
    openapi_extra=_x("people.pointentry"),
    summary="积分申报（可按区划代码（village，一个村或其上级）、状态筛选）",
)
def entry_list(request, response: HttpResponse, page: Keyset = Query(...), village: str = "", state: str = ""):
    qs = scope.within(scope.scoped(request.user, m.PointEntry), scope.region_by_code(request.user, village))
    if state:
        qs = qs.filter(state=state)
    return [_entry(e) for e in keyset_page(request, response, qs.select_related("household", "rule"), page)]


@router.get(
    "/people/points/entries/{id}", response=EntryOut, openapi_extra=_x("people.pointentry"), summary="一条积分申报"
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
    openapi_extra=_x("people.pointentry"),
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
    openapi_extra=_x("people.pointentry"),
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
    openapi_extra=_x("registry.household"),
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
    openapi_extra=_x("people.redemption"),
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


# ---------------------------------------------------------------- list system
class StepOut(Schema):
    order: int
    name: str
    actor: str
    time_limit_days: int | None


class PowerOut(Schema):
    id: int
    village_code: str
    number: int
    name: str
    category: str
    basis: str
    steps: list[StepOut]


def _power(p: m.Power) -> dict:
    return {
        "id": p.id,
        "village_code": p.village.code,
        "number": p.number,
        "name": p.name,
        "category": p.category,
        "basis": p.basis,
        "steps": [
            {"order": s.order, "name": s.name, "actor": s.actor, "time_limit_days": s.time_limit_days}
            for s in p.steps.all()
        ],
    }


@router.get(
    "/people/powers",
    response=list[PowerOut],
    openapi_extra=_x("people.power"),
    summary="小微权力清单（可按区划代码（village，一个村或其上级）筛选）",
)
def power_list(request, response: HttpResponse, page: Keyset = Query(...), village: str = ""):
    qs = scope.within(scope.scoped(request.user, m.Power), scope.region_by_code(request.user, village))
    return [
        _power(p) for p in keyset_page(request, response, qs.select_related("village").prefetch_related("steps"), page)
    ]


@router.get("/people/powers/{id}", response=PowerOut, openapi_extra=_x("people.power"), summary="一项小微权力及其流程")
def power_detail(request, id: int):
    return _power(scope.get_object_or_404(request.user, m.Power.objects.select_related("village"), pk=id))


class RecordOut(Schema):
    step: int
    name: str
    done_by: str
    done_on: dt.date
    note: str


class PowerCaseOut(Schema):
    id: int
    power_id: int
    title: str
    applicant: str
    opened: dt.date
    state: str
    done_steps: int
    total_steps: int
    version: int
    records: list[RecordOut]


def _case(c: m.PowerCase) -> dict:
    return {
        "id": c.id,
        "power_id": c.power_id,
        "title": c.title,
        "applicant": c.applicant,
        "opened": c.opened,
        "state": c.state,
        "done_steps": c.done_steps,
        "total_steps": c.power.steps.count(),
        "version": c.version,
        "records": [
            {"step": r.step.order, "name": r.step.name, "done_by": r.done_by, "done_on": r.done_on, "note": r.note}
            for r in c.records.select_related("step")
        ],
    }


@router.get(
    "/people/cases/{id}", response=PowerCaseOut, openapi_extra=_x("people.powercase"), summary="一件小微权力办理事项"
)
def case_detail(request, id: int):
    return _case(scope.get_object_or_404(request.user, m.PowerCase.objects.select_related("power"), pk=id))


class StepRecordIn(Schema):
    step: int
    done_by: str
    done_on: dt.date
    note: str = ""
    version: int


@router.post(
    "/people/cases/{id}/steps",
    response=PowerCaseOut,
    openapi_extra=_x("people.powercase"),
    summary="记录办理事项的下一步（不能跳步）",
)
def case_step(request, id: int, data: StepRecordIn):
    c = scope.get_object_or_404(request.user, m.PowerCase.objects.select_related("power"), pk=id)
    step = m.PowerStep.objects.filter(power=c.power, order=data.step).first()
    if step is None:
        raise ValidationError({"step": ["该事项没有这一步骤"]})
    c = lists.case_step_record(
        actor=request.user,
        case=c,
        step=step,
        done_by=data.done_by,
        done_on=data.done_on,
        note=data.note,
        version=data.version,
        request=request,
    )
    return _case(c)

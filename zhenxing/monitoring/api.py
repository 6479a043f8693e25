"""JSON API for cases, transitions, measures and visits (mounted under /api/v1/), under the data scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from zhenxing import workflow as engine
from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_page
from zhenxing.lib.photos import photo_files
from zhenxing.registry.models import Household

from . import bulk, selectors, services, visits, workflow
from .models import Helper, Measure, MonitoringCase

router = Router(tags=["防返贫监测"])
CASE = {"x-scope": "monitoring.monitoringcase"}


class MeasureOut(Schema):
    id: int
    category: str
    category_label: str
    content: str
    unit: str
    person: str
    start_on: dt.date
    end_on: dt.date | None
    amount: Decimal
    status: str


class VisitOut(Schema):
    id: int
    date: dt.date
    helper: str | None
    changes: str
    per_capita_income: Decimal | None


class EventOut(Schema):
    transition: str
    label: str
    from_state: str
    to_state: str
    actor: str
    actor_level: str
    date: dt.date
    at: dt.datetime
    decision: str
    reason: str
    warnings: list[str]


class TransitionOut(Schema):
    name: str
    label: str
    target: str
    level: str
    required: list[str]
    optional: list[str]


class CaseOut(Schema):
    id: int
    number: str
    household_id: int
    household_number: str
    head_name: str
    village_code: str
    village_name: str
    channel: str
    source_ref: str
    state: str
    state_label: str
    version: int
    kind: str
    risk_types: list[str]
    fast_track: bool
    helper: str | None
    discovered_on: dt.date
    identified_on: dt.date | None
    due: dt.date | None
    overdue_days: int
    elimination_way: str
    eliminated_on: dt.date | None


class RequirementOut(Schema):
    name: str  # the step
    label: str
    who: str  # who takes it
    missing: list[str]  # what its checks would refuse today; empty: nothing missing


class CaseDetailOut(CaseOut):
    description: str
    authorisation_signed: bool
    income_12m: Decimal | None
    spending_12m: Decimal | None
    per_capita_income: Decimal | None
    coping: str  # 自身应对能力: able / partly / unable ("" before verification)
    hardship: str  # 突发困难情况
    posting_start: dt.date | None
    closing_reason: str
    timeline: list[EventOut]
    measures: list[MeasureOut]
    available_transitions: list[TransitionOut]
    # What this step and the next ones of the case's phase require (the steps' own checks, as of
    # today): a village sees what the county will refuse before it sends the case up.
    requirements: list[RequirementOut]


def _requirements(c: MonitoringCase) -> list[dict]:
    try:
        rows = workflow.requirements(c)
    except ValidationError:  # no monitoring standard set yet
        return []
    return [{"name": r.transition.code, "label": r.label, "who": r.who, "missing": list(r.missing)} for r in rows]


def _case(c: MonitoringCase, standards=None) -> dict:
    due = selectors.case_due(c, standards)
    return {
        "id": c.id,
        "number": c.number,
        "household_id": c.household_id,
        "household_number": c.household.number,
        "head_name": c.household.head_name,
        "village_code": c.village.code,
        "village_name": c.village.name,
        "channel": c.channel,
        "source_ref": c.source_ref,
        "state": c.state,
        "state_label": c.state_label,
        "version": c.version,
        "kind": c.kind,
        "risk_types": c.risk_types,
        "fast_track": c.fast_track,
        "helper": str(c.helper) if c.helper_id else None,
        "discovered_on": c.discovered_on,
        "identified_on": c.identified_on,
        "due": due.due if due else None,
        "overdue_days": due.overdue_days if due else 0,
        "elimination_way": c.elimination_way,
        "eliminated_on": c.eliminated_on,
    }


def _transition(t) -> dict:
    return {
        "name": t.name,
        "label": str(t.label),
        "target": t.target,
        "level": t.level,
        "required": list(t.required),
        "optional": list(t.optional),
    }


def _measure(m: Measure) -> dict:
    return {
        "id": m.id,
        "category": m.category,
        "category_label": m.get_category_display(),
        "content": m.content,
        "unit": m.unit,
        "person": m.person,
        "start_on": m.start_on,
        "end_on": m.end_on,
        "amount": m.amount,
        "status": m.status,
    }


def _detail(request, c: MonitoringCase) -> dict:
    return {
        **_case(c),
        "description": c.description,
        "authorisation_signed": c.authorisation_signed,
        "income_12m": c.income_12m,
        "spending_12m": c.spending_12m,
        "per_capita_income": c.per_capita_income,
        "coping": c.coping,
        "hardship": c.hardship,
        "posting_start": c.posting_start,
        "closing_reason": c.closing_reason,
        "timeline": [
            {
                "transition": e.transition,
                "label": e.label,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor_name,
                "actor_level": e.actor_level,
                "date": e.date,
                "at": e.at,
                "decision": e.decision,
                "reason": e.reason,
                "warnings": e.warnings,
            }
            for e in c.events.all()
        ],
        "measures": [_measure(m) for m in c.measures.all()],
        "available_transitions": []
        if request.user.is_read_only
        else [_transition(t) for t in workflow.available(c, request.user)],
        "requirements": _requirements(c) if c.is_open else [],
    }


def _get(request, pk: int) -> MonitoringCase:
    return scope.get_object_or_404(request.user, selectors.cases(request.user), pk=pk)


@router.get(
    "/cases",
    response=list[CaseOut],
    openapi_extra=CASE,
    summary="监测案件列表（数据权限范围内；按编号倒序，after 为上一页最后一条的 id）",
)
def case_list(
    request,
    response: HttpResponse,
    page: Keyset = Query(...),
    state: str = "",
    kind: str = "",
    risk_type: str = "",
    region: str = "",
    overdue: bool = False,
):
    node = scope.region_by_code(request.user, region)
    qs = selectors.case_filter(request.user, kind=kind, risk_type=risk_type, state=state, region=node, overdue=overdue)
    standards = selectors.Standards()
    return [_case(c, standards) for c in keyset_page(request, response, qs, page, desc=True)]


class DiscoverIn(Schema):
    household_id: int
    channel: str
    risk_types: list[str] = []
    description: str = ""
    source_ref: str = ""
    discovered_on: dt.date | None = None


@router.post("/cases", response={201: CaseDetailOut}, openapi_extra=CASE, summary="登记发现（新建监测案件）")
def case_create(request, payload: DiscoverIn):
    household = scope.get_object_or_404(request.user, Household, pk=payload.household_id)
    case = services.case_discover(
        actor=request.user,
        household=household,
        channel=payload.channel,
        risk_types=payload.risk_types,
        description=payload.description,
        source_ref=payload.source_ref,
        discovered_on=payload.discovered_on,
    )
    return Status(201, _detail(request, case))


# Before /cases/{case_id}: the first matching path wins.
class BulkIn(Schema):
    ids: list[int]
    action: str  # "hand_on" (本级审核通过) or "remind" (催办)
    note: str = ""


class BulkOut(Schema):
    done: list[int]
    refused: dict[str, str]


@router.post(
    "/cases/bulk",
    response=BulkOut,
    openapi_extra=CASE,
    summary="乡镇、县级批量办理所选案件：action 为 hand_on（本级审核通过，报送下一环节）或 remind（催办，"
    "note 为催办要求）；每件单独校验并各记一条审计记录，不存在、不在权限范围、环节不符或条件不满足的逐件列入 refused，其余照常办理",
)
def case_bulk(request, payload: BulkIn):
    cases, refused = engine.scoped_records(request.user, MonitoringCase, payload.ids)
    result = bulk.cases_bulk(actor=request.user, cases=cases, action=payload.action, note=payload.note, refused=refused)
    return {"done": result["done"], "refused": {str(k): v for k, v in result["refused"].items()}}


@router.get("/cases/{case_id}", response=CaseDetailOut, openapi_extra=CASE, summary="一个监测案件（含办理记录）")
def case_detail(request, case_id: int):
    return _detail(request, _get(request, case_id))


@router.get(
    "/cases/{case_id}/transitions", response=list[TransitionOut], openapi_extra=CASE, summary="当前用户可以办理的操作"
)
def case_transitions(request, case_id: int):
    c = _get(request, case_id)
    return [] if request.user.is_read_only else [_transition(t) for t in workflow.available(c, request.user)]


class CaseTransitionIn(Schema):
    name: str
    version: int
    data: dict = {}
    # Photos of the step (the field app: JPEG resized on the phone, base64), stored as its evidence.
    photos: list[str] = []


@router.post(
    "/cases/{case_id}/transitions",
    response=CaseDetailOut,
    openapi_extra=CASE,
    summary="办理一个环节（version 为读取时的版本；他人已办理时返回 409）",
)
def case_transition(request, case_id: int, payload: CaseTransitionIn):
    c = _get(request, case_id)
    c = services.case_transition(
        actor=request.user,
        case=c,
        name=payload.name,
        version=payload.version,
        data=payload.data,
        files=[("photo", f) for f in photo_files(payload.photos)],
    )
    return _detail(request, c)


class HelperIn(Schema):
    helper_id: int


@router.post("/cases/{case_id}/helper", response=CaseDetailOut, openapi_extra=CASE, summary="明确帮扶责任人")
def case_helper(request, case_id: int, payload: HelperIn):
    c = _get(request, case_id)
    helper = scope.get_object_or_404(request.user, Helper, pk=payload.helper_id)
    return _detail(request, services.case_assign_helper(actor=request.user, case=c, helper=helper))


@router.get("/cases/{case_id}/measures", response=list[MeasureOut], openapi_extra=CASE, summary="帮扶措施")
def measure_list(request, response: HttpResponse, case_id: int, page: Keyset = Query(...)):
    return [_measure(m) for m in keyset_page(request, response, _get(request, case_id).measures.all(), page)]


class MeasureIn(Schema):
    category: str
    content: str
    unit: str
    person: str
    start_on: dt.date
    end_on: dt.date | None = None
    amount: Decimal = Decimal("0")
    status: str = "planned"
    # The case version a phone's form was based on; when given and stale, 409 and nothing is written.
    version: int | None = None


@router.post("/cases/{case_id}/measures", response={201: MeasureOut}, openapi_extra=CASE, summary="登记帮扶措施")
def measure_create(request, case_id: int, payload: MeasureIn):
    c = _get(request, case_id)
    return Status(201, _measure(services.measure_add(actor=request.user, case=c, **payload.dict())))


class StatusIn(Schema):
    status: str


@router.post(
    "/measures/{measure_id}/status",
    response=MeasureOut,
    openapi_extra={"x-scope": "monitoring.measure"},
    summary="更新措施进展（计划、实施中、已完成）",
)
def measure_status(request, measure_id: int, payload: StatusIn):
    m = scope.get_object_or_404(request.user, Measure, pk=measure_id)
    return _measure(services.measure_set_status(actor=request.user, measure=m, status=payload.status))


def _visit(v) -> dict:
    return {
        "id": v.id,
        "date": v.date,
        "helper": str(v.helper) if v.helper_id else None,
        "changes": v.changes,
        "per_capita_income": v.per_capita_income,
    }


@router.get("/cases/{case_id}/visits", response=list[VisitOut], openapi_extra=CASE, summary="走访记录")
def visit_list(request, response: HttpResponse, case_id: int, page: Keyset = Query(...)):
    c = _get(request, case_id)
    return [_visit(v) for v in keyset_page(request, response, c.visits.select_related("helper"), page)]


class VisitIn(Schema):
    date: dt.date
    changes: str
    per_capita_income: Decimal | None = None
    # A phone's idempotency key (the field app): a resend answers 200 with the visit recorded before.
    client_id: str = Field("", max_length=64)
    # The case version the form was based on; when given and stale, 409 and nothing is written.
    version: int | None = None
    # Photos (the field app: JPEG resized on the phone to ≤ 1600 px, base64), stored with the visit.
    photos: list[str] = []


@router.post(
    "/cases/{case_id}/visits",
    response={201: VisitOut, 200: VisitOut},
    openapi_extra=CASE,
    summary="登记走访（photos 为 base64 编码的 JPEG/PNG 照片，最多 6 张；client_id 相同的重发返回已登记的记录，状态 200）",
)
def visit_create(request, case_id: int, payload: VisitIn):
    c = _get(request, case_id)
    v = visits.visit_add(
        actor=request.user,
        case=c,
        date=payload.date,
        changes=payload.changes,
        per_capita_income=payload.per_capita_income,
        client_id=payload.client_id,
        version=payload.version,
        files=[("photo", f) for f in photo_files(payload.photos)],
    )
    return Status(200 if getattr(v, "resent", False) else 201, _visit(v))

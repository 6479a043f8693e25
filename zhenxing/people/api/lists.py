"""People API: the list system (清单制): small powers, their steps and cases."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Query, Schema

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_page

from .. import lists
from .. import models as m
from .common import router, scope_extra


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
    openapi_extra=scope_extra("people.power"),
    summary="小微权力清单（可按区划代码（village，一个村或其上级）筛选）",
)
def power_list(request, response: HttpResponse, page: Keyset = Query(...), village: str = ""):
    qs = scope.within(scope.scoped(request.user, m.Power), scope.region_by_code(request.user, village))
    return [
        _power(p) for p in keyset_page(request, response, qs.select_related("village").prefetch_related("steps"), page)
    ]


@router.get(
    "/people/powers/{id}", response=PowerOut, openapi_extra=scope_extra("people.power"), summary="一项小微权力及其流程"
)
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
    "/people/cases/{id}",
    response=PowerCaseOut,
    openapi_extra=scope_extra("people.powercase"),
    summary="一件小微权力办理事项",
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
    openapi_extra=scope_extra("people.powercase"),
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

"""Ledger API: inspections (督导检查), their findings and follow-ups."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Schema, Status

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_page

from .. import services, workflow
from ..models import Inspection, RectificationItem, RectificationType, Unit
from .common import router, scope_extra
from .rectification import ItemOut, _item


class FindingIn(Schema):
    text: str
    region: str
    type: str = "inspection"
    household: str | None = None
    deadline: dt.date | None = None
    responsible_unit: int | None = None
    responsible_person: str = ""


class InspectionIn(Schema):
    region: str
    date: dt.date
    subject: str
    kind: str = "prefecture_spot"
    inspectors: str = ""
    summary: str = ""
    findings: list[FindingIn] = []


class FollowUpIn(Schema):
    text: str
    date: dt.date | None = None


class FollowUpOut(Schema):
    date: dt.date
    text: str
    by: str | None


class InspectionOut(Schema):
    id: int
    kind: str
    subject: str
    region_code: str
    region_name: str
    date: dt.date
    inspectors: str
    summary: str
    findings: list[ItemOut]
    follow_ups: list[FollowUpOut]


def _inspection(request, ins: Inspection) -> dict:
    today = timezone.localdate()
    items = (
        scope.scoped(request.user, RectificationItem)
        .filter(inspection=ins)
        .select_related("type", "region", "household", "responsible_unit")
        .order_by("pk")
    )
    return {
        "id": ins.pk,
        "kind": ins.kind,
        "subject": ins.title,
        "region_code": ins.region.code,
        "region_name": ins.region.name,
        "date": ins.started_on,
        "inspectors": ins.inspectors,
        "summary": ins.summary,
        "findings": [_item(i, today) for i in items],
        "follow_ups": [
            {"date": f.on, "text": f.text, "by": f.created_by.username if f.created_by_id else None}
            for f in ins.follow_ups.select_related("created_by")
        ],
    }


def _finding(request, ins: Inspection, f: FindingIn) -> RectificationItem:
    from zhenxing.registry.models import Household

    rtype = RectificationType.objects.filter(code=f.type).first() if f.type != "inspection" else None
    if f.type != "inspection" and rtype is None:
        raise ValidationError({"type": [f"未知的整改台账类型：{f.type}"]})
    node = scope.region_by_code(request.user, f.region)
    if node is None:
        raise ValidationError({"region": ["请填写问题所在区划代码"]})
    household = scope.get_object_or_404(request.user, Household, number=f.household) if f.household else None
    unit = Unit.objects.filter(pk=f.responsible_unit).first() if f.responsible_unit else None
    if f.responsible_unit and unit is None:
        raise ValidationError({"responsible_unit": ["责任单位不存在"]})
    return services.inspection_finding_add(
        actor=request.user,
        inspection=ins,
        region=node,
        problem=f.text,
        type=rtype,
        deadline=f.deadline,
        household=household,
        responsible_unit=unit,
        responsible_person=f.responsible_person,
    )


def _may_inspect(request) -> None:
    workflow.require_inspector(request.user)


@router.get(
    "/ledger/inspections",
    response=list[InspectionOut],
    openapi_extra=scope_extra("ledger.inspection"),
    summary="督导检查（含发现问题转成的整改事项和回访；按编号倒序，after 为上一页最后一条的 id）",
)
def inspection_list(request, response: HttpResponse, page: Keyset = Query(...)):
    qs = scope.scoped(request.user, Inspection).select_related("region")
    return [_inspection(request, i) for i in keyset_page(request, response, qs, page, desc=True)]


@router.get(
    "/ledger/inspections/{inspection_id}",
    response=InspectionOut,
    openapi_extra=scope_extra("ledger.inspection"),
    summary="一次督导检查",
)
def inspection_detail(request, inspection_id: int):
    return _inspection(request, scope.get_object_or_404(request.user, Inspection, pk=inspection_id))


@router.post(
    "/ledger/inspections",
    response={201: InspectionOut},
    openapi_extra=scope_extra("ledger.inspection"),
    summary="登记督导检查（督查人员可登记）：region 被督导区划代码、date 督导日期、subject 名称，"
    "findings 为发现的问题 [{text, region}]，每个问题转为责任单位的整改事项",
)
def inspection_create(request, payload: InspectionIn):
    from django.db import transaction

    _may_inspect(request)
    node = scope.region_by_code(request.user, payload.region)
    if node is None:
        raise ValidationError({"region": ["请填写被督导区划代码"]})
    with transaction.atomic():  # the inspection and its findings, or nothing
        ins = services.inspection_create(
            actor=request.user,
            kind=payload.kind,
            title=payload.subject,
            region=node,
            started_on=payload.date,
            inspectors=payload.inspectors,
            summary=payload.summary,
        )
        for f in payload.findings:
            _finding(request, ins, f)
    return Status(201, _inspection(request, ins))


@router.post(
    "/ledger/inspections/{inspection_id}/findings",
    response={201: ItemOut},
    openapi_extra=scope_extra("ledger.inspection"),
    summary="督导检查发现的问题（转为整改事项）",
)
def inspection_finding(request, inspection_id: int, payload: FindingIn):
    ins = scope.get_object_or_404(request.user, Inspection, pk=inspection_id)
    _may_inspect(request)
    return Status(201, _item(_finding(request, ins, payload), timezone.localdate()))


@router.post(
    "/ledger/inspections/{inspection_id}/follow-ups",
    response={201: InspectionOut},
    openapi_extra=scope_extra("ledger.inspection"),
    summary="督导回访",
)
def inspection_follow_up(request, inspection_id: int, payload: FollowUpIn):
    ins = scope.get_object_or_404(request.user, Inspection, pk=inspection_id)
    _may_inspect(request)
    services.inspection_follow_up_add(actor=request.user, inspection=ins, text=payload.text, on=payload.date)
    return Status(201, _inspection(request, ins))

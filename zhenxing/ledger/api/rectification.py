"""Ledger API: rectification items (整改事项) and their transitions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Schema, Status

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_page

from .. import selectors, services, workflow
from ..models import RectificationItem, RectificationType
from .common import router, scope_extra


class ItemOut(Schema):
    id: int
    type: str
    type_name: str
    region_code: str
    region_name: str
    household: str | None
    source: str
    source_label: str
    source_ref: str
    problem: str
    found_on: dt.date
    deadline: dt.date
    responsible_unit: str | None
    responsible_person: str
    measures: str
    status: str
    overdue_days: int
    failed_checks: int
    fixed_on: dt.date | None
    closed_on: dt.date | None
    recheck_result: str
    version: int


def _item(i: RectificationItem, today: dt.date) -> dict:
    return {
        "id": i.pk,
        "type": i.type.code,
        "type_name": i.type.name,
        "region_code": i.region.code,
        "region_name": i.region.name,
        "household": i.household.number if i.household_id else None,
        "source": i.source,
        "source_label": i.source_label,
        "source_ref": i.source_ref,
        "problem": i.problem,
        "found_on": i.found_on,
        "deadline": i.deadline,
        "responsible_unit": i.responsible_unit.name if i.responsible_unit_id else None,
        "responsible_person": i.responsible_person,
        "measures": i.measures,
        "status": i.status,
        "overdue_days": i.overdue_days(today),
        "failed_checks": i.failed_checks,
        "fixed_on": i.fixed_on,
        "closed_on": i.closed_on,
        "recheck_result": i.recheck_result,
        "version": i.version,
    }


@router.get(
    "/ledger/items",
    response=list[ItemOut],
    openapi_extra=scope_extra("ledger.rectificationitem"),
    summary="整改事项（按区划、类型、状态、逾期筛选；按编号倒序，after 为上一页最后一条的 id，before 为其旧名）",
)
def item_list(
    request,
    response: HttpResponse,
    page: Keyset = Query(...),
    region: str = "",
    type: str = "",
    status: str = "",
    overdue: bool = False,
    before: str = "",
):
    node = scope.region_by_code(request.user, region)
    today = timezone.localdate()
    qs = selectors.items(request.user, region=node, type_code=type, status=status, overdue=overdue, as_of=today)
    return [_item(i, today) for i in keyset_page(request, response, qs, page, desc=True, after=before)]


@router.get(
    "/ledger/items/{item_id}",
    response=ItemOut,
    openapi_extra=scope_extra("ledger.rectificationitem"),
    summary="一项整改事项",
)
def item_detail(request, item_id: int):
    qs = RectificationItem.objects.select_related("type", "region", "household", "responsible_unit")
    return _item(scope.get_object_or_404(request.user, qs, pk=item_id), timezone.localdate())


class ItemIn(Schema):
    type: str
    region: str
    problem: str
    source: str = "self_check"
    source_label: str = ""
    source_ref: str = ""
    household: str | None = None
    found_on: dt.date | None = None
    deadline: dt.date | None = None
    responsible_person: str = ""
    measures: str = ""


@router.post(
    "/ledger/items",
    response={201: ItemOut},
    openapi_extra=scope_extra("ledger.rectificationitem"),
    summary="登记整改事项",
)
def item_create(request, payload: ItemIn):
    from zhenxing.registry.models import Household

    rtype = RectificationType.objects.filter(code=payload.type).first()
    if rtype is None:
        raise ValidationError({"type": [f"未知的整改台账类型：{payload.type}"]})
    if not payload.region:
        raise ValidationError({"region": ["请填写区划代码"]})
    node = scope.region_by_code(request.user, payload.region)
    household = None
    if payload.household:
        household = scope.get_object_or_404(request.user, Household, number=payload.household)
    item = services.rectification_item_open(
        actor=request.user,
        type=rtype,
        region=node,
        household=household,
        problem=payload.problem,
        source=payload.source,
        source_label=payload.source_label,
        source_ref=payload.source_ref,
        found_on=payload.found_on,
        deadline=payload.deadline,
        responsible_person=payload.responsible_person,
        measures=payload.measures,
    )
    return Status(201, _item(item, timezone.localdate()))


class ItemTransitionIn(Schema):
    action: str
    note: str = ""
    evidence: str = ""
    on: dt.date | None = None
    version: int | None = None


@router.post(
    "/ledger/items/{item_id}/transitions",
    response=ItemOut,
    openapi_extra=scope_extra("ledger.rectificationitem"),
    summary="办理整改事项：start / fix / verify / fail / recheck_fail",
)
def item_transition(request, item_id: int, payload: ItemTransitionIn):
    item = scope.get_object_or_404(request.user, RectificationItem.objects.select_related("type", "region"), pk=item_id)
    if payload.action not in workflow.ITEM_TRANSITIONS:
        raise ValidationError({"action": ["未知操作"]})
    item = services.item_transition(
        actor=request.user,
        item=item,
        action=payload.action,
        note=payload.note,
        evidence=payload.evidence,
        on=payload.on,
        expected_version=payload.version,
    )
    item.refresh_from_db()
    return _item(item, timezone.localdate())

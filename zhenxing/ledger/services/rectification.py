"""Rectification ledgers: types, items opened here or from other modules, transitions, 回头看."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhenxing.accounts.models import Role
from zhenxing.audit.context import acting
from zhenxing.calendar.services import work_calendar
from zhenxing.lib.workdays import CALENDAR, WORKDAYS, limit_due
from zhenxing.regions.models import Region

from .. import workflow
from ..defaults import RECTIFICATION_TYPES
from ..models import Inspection, ItemStatus, RectificationItem, RectificationType, SourceKind, Unit
from .base import _require, _require_act, _require_region
from .notices import notice_send


def types_ensure() -> dict[str, RectificationType]:
    out = {}
    for code, name, task_number, dept, recheck, days in RECTIFICATION_TYPES:
        out[code], _ = RectificationType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "task_number": task_number,
                "department": dept,
                "recheck_required": recheck,
                "default_days": days,
                "builtin": True,
            },
        )
    return out


def rectification_type_create(
    *,
    actor,
    code: str,
    name: str,
    department: str = "",
    recheck_required: bool = False,
    default_days: int = 30,
    default_days_unit: str = CALENDAR,
) -> RectificationType:
    _require_act(actor, "ledger.type.create")
    _require(not RectificationType.objects.filter(code=code).exists(), "代码已存在", "code")
    _require(default_days_unit in (CALENDAR, WORKDAYS), "时限单位无效", "default_days_unit")
    with transaction.atomic(), acting(actor):
        return RectificationType.objects.create(
            code=code,
            name=name,
            department=department,
            recheck_required=recheck_required,
            default_days=default_days,
            default_days_unit=default_days_unit,
        )


def rectification_item_open(
    *,
    actor,
    type: RectificationType,
    region: Region,
    problem: str,
    source: str,
    found_on: dt.date | None = None,
    deadline: dt.date | None = None,
    household=None,
    source_label: str = "",
    source_ref: str = "",
    responsible_unit: Unit | None = None,
    responsible_person: str = "",
    measures: str = "",
    inspection: Inspection | None = None,
) -> RectificationItem:
    # a finding of an inspection: the inspector records it too
    _require_region(actor, region, "ledger.inspection.record" if inspection is not None else "ledger.write")
    _require(bool(problem.strip()), "请填写问题描述", "problem")
    _require(source in SourceKind.values, "问题来源无效", "source")
    if actor is not None and actor.role == Role.DEPARTMENT_STAFF:  # None: the system (demo, another module)
        _require(type.department == actor.department, "行业部门只能登记本行业的整改事项", "type")
    if household is not None:
        _require(household.village.path.startswith(region.path), "农户不在所选区划内", "household")
        region = household.village
    found_on = found_on or timezone.localdate()
    if deadline is None:  # the type's default limit, in 自然日 or 工作日 (the calendar service)
        deadline = limit_due(work_calendar(), found_on, type.default_days, type.default_days_unit)
    _require(deadline >= found_on, "整改时限不能早于发现日期", "deadline")
    with transaction.atomic(), acting(actor):
        item = RectificationItem.objects.create(
            type=type,
            region=region,
            household=household,
            source=source,
            source_label=source_label,
            source_ref=source_ref,
            inspection=inspection,
            problem=problem.strip(),
            found_on=found_on,
            responsible_unit=responsible_unit,
            responsible_person=responsible_person,
            deadline=deadline,
            measures=measures,
            created_by=actor,
        )
        workflow.ITEMS.record(
            actor=actor, obj=item, code="open", label="登记", target=ItemStatus.PENDING, on=found_on, note=source_label
        )
        notice_send(
            region=region,
            roles={Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.VILLAGE_CADRE},
            title=f"新整改事项：{type.name}",
            body=problem.strip()[:200],
            url=reverse("ledger:item", args=[item.pk]),
            kind="rectification",
            exclude=actor,
            above=True,
        )
    return item


def rectification_item_open_from_source(
    *,
    actor,
    kind: str,
    region: Region,
    household=None,
    source_label: str,
    source_ref: str,
    problem: str,
    source: str = SourceKind.SCREENING,
    found_on: dt.date | None = None,
    deadline: dt.date | None = None,
    responsible_unit: Unit | None = None,
    measures: str = "",
) -> RectificationItem:
    """One click from another module (a screening alert of the housing or water rule, a funds finding).

    ``kind`` is a rectification type code ("housing", "water", "toilet", ...). Calling it again for
    the same ``source_ref`` while the item is still open returns that item instead of a duplicate."""
    rtype = types_ensure().get(kind) or RectificationType.objects.filter(code=kind).first()
    _require(rtype is not None, f"未知的整改台账类型：{kind}", "kind")
    _require(bool(source_ref), "须提供来源编号", "source_ref")
    existing = (
        RectificationItem.objects.filter(source=source, source_ref=source_ref, type=rtype)
        .exclude(status=ItemStatus.CLOSED)
        .first()
    )
    if existing is not None:
        return existing
    return rectification_item_open(
        actor=actor,
        type=rtype,
        region=region,
        household=household,
        problem=problem,
        source=source,
        source_label=source_label,
        source_ref=source_ref,
        found_on=found_on,
        deadline=deadline,
        responsible_unit=responsible_unit,
        measures=measures,
    )


def item_update(
    *, actor, item: RectificationItem, measures: str, responsible_person: str, responsible_unit: Unit | None
) -> RectificationItem:
    _require(workflow.is_handler(actor, item) or workflow.is_checker(actor, item), "您无权修改该事项")
    _require(item.status != ItemStatus.CLOSED, "事项已销号")
    with transaction.atomic(), acting(actor):
        item.measures = measures
        item.responsible_person = responsible_person
        item.responsible_unit = responsible_unit
        item.version += 1
        item.save()
    return item


def item_transition(
    *,
    actor,
    item: RectificationItem,
    action: str,
    note: str = "",
    evidence: str = "",
    evidence_file=None,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> RectificationItem:
    """One step of a rectification item (workflow.ITEM_TRANSITIONS), through the one transition engine."""
    t = workflow.ITEMS.check(actor=actor, obj=item, code=action)
    on = on or timezone.localdate()
    _require(on >= item.found_on, "日期不能早于发现日期", "on")
    workflow.ITEMS.apply(
        actor=actor,
        obj=item,
        code=t.code,
        reason=note,
        evidence=evidence,
        version=expected_version,
        on=on,
        evidence_file=evidence_file,
    )
    return item


def item_recheck_pass(*, actor, item: RectificationItem, result: str, on: dt.date | None = None) -> RectificationItem:
    """回头看 confirms a closed item stays fixed."""
    _require(item.status == ItemStatus.CLOSED, "只有已销号事项才能回头看")
    _require(workflow.is_checker(actor, item), "您无权开展回头看")
    _require(bool(result.strip()), "请填写回头看结果", "result")
    with transaction.atomic(), acting(actor):
        item.recheck_result = result.strip()
        item.rechecked_on = on or timezone.localdate()
        item.version += 1
        item.save()
        workflow.ITEMS.record(
            actor=actor,
            obj=item,
            code="recheck_pass",
            label="回头看通过",
            on=item.rechecked_on,
            details={"result": result},
        )
    return item

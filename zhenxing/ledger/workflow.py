"""The state machines of the ledger, as data: which transition leads where, who may take it and
what must hold first; the one transition engine (zhenxing.workflow) takes the steps. Services look
transitions up here; views only offer what ``allowed`` returns, so a rule lives in exactly one place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from zhenxing import workflow as engine
from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.lib.modules import provided
from zhenxing.registry.models import Household
from zhenxing.registry.services import household_record_apply

from .defaults import TYPE_FLAGS
from .models import (
    AssessmentScheme,
    AssessmentScore,
    Assignment,
    AssignmentEvent,
    ItemEvent,
    ItemStatus,
    RectificationItem,
    SchemeStatus,
    TaskStatus,
)

# Who, in words the checks below understand:
#   "owner"   -- the county (or a unit of the task) that carries the assignment out
#   "lead"    -- the task's lead unit, or the prefecture admin
#   "handler" -- staff of the item's region (or its responsible unit)
#   "checker" -- staff one level above the item's region or higher, the type's department, or the
#                prefecture admin (the one who fixed it does not verify it)


WRITERS = {Role.PREFECTURE_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.VILLAGE_CADRE, Role.DEPARTMENT_STAFF}


def user_unit_id(user) -> int | None:
    link = getattr(user, "ledger_unit", None) if user.is_authenticated else None
    return link.unit_id if link is not None else None


def is_lead(user, task) -> bool:
    if user.role == Role.PREFECTURE_ADMIN:
        return True
    return task.lead_unit_id is not None and user_unit_id(user) == task.lead_unit_id


def is_owner(user, assignment) -> bool:
    if user.role not in WRITERS:
        return False
    if user.role == Role.PREFECTURE_ADMIN:
        return True
    if user.role == Role.COUNTY_STAFF and assignment.region.path.startswith(user.region.path):
        return True  # the county's ledger is kept by the county office
    unit = user_unit_id(user)
    if unit is None:
        return False
    task = assignment.task
    return unit in (assignment.owner_unit_id, task.lead_unit_id) or task.responsible_units.filter(pk=unit).exists()


def is_handler(user, item) -> bool:
    if user.role not in WRITERS or not item.region.path.startswith(user.region.path):
        return False
    if user.role == Role.DEPARTMENT_STAFF:
        return bool(item.type.department) and item.type.department == user.department
    return True


def is_checker(user, item) -> bool:
    if user.role not in WRITERS or not item.region.path.startswith(user.region.path):
        return False
    if user.role == Role.PREFECTURE_ADMIN:
        return True
    if user.role == Role.DEPARTMENT_STAFF:
        return bool(item.type.department) and item.type.department == user.department
    return user.region.depth < item.region.depth  # a level above the item's region


WHO_LABELS = {
    "owner": "承担任务的县或责任单位",
    "lead": "牵头单位或地区管理员",
    "handler": "事项所在地工作人员或主管部门",
    "checker": "上一级及以上工作人员、主管部门或地区管理员",
}

CHECKS = {
    "owner": lambda user, obj: is_owner(user, obj),
    "lead": lambda user, obj: is_lead(user, obj.task),
    "handler": is_handler,
    "checker": is_checker,
}


def may_inspect(actor) -> bool:
    """Inspections, their findings and follow-ups: the inspector's one write (督查人员 record what
    they inspect; everything else stays read-only for them), and every writer's."""
    return actor is not None and scope.can_write(actor, None, "ledger.inspection.record")


def require_inspector(actor) -> None:
    scope.require_write(actor, None, "ledger.inspection.record")


def missing_evidence(assignment: Assignment) -> list:
    done = set(assignment.evidence.exclude(text="").values_list("item_id", flat=True))
    return [c for c in assignment.task.checklist.all() if c.pk not in done]


def _on(move: engine.Move) -> dt.date:
    return move.extra.get("on") or timezone.localdate()


# ---------------------------------------------------------------- key-task assignments


def _checklist_refusal(move: engine.Move) -> str | None:
    missing = missing_evidence(move.obj)
    return "验收清单尚有未提供佐证的事项：" + "；".join(f"第{c.number}项" for c in missing) if missing else None


def _task_dates(move: engine.Move) -> dict:
    if move.target == TaskStatus.CLOSED:
        return {"closed_on": _on(move)}
    if move.target == TaskStatus.AWAITING_ACCEPTANCE:
        return {"submitted_on": _on(move)}
    return {"closed_on": None, **({"submitted_on": None} if move.code in ("reject", "reopen") else {})}


def _notify_owner(move: engine.Move) -> None:
    from .services.tasks import notify_owner  # services import this module

    body = move.reason or f"状态由“{TaskStatus(move.source).label}”变为“{TaskStatus(move.target).label}”"
    notify_owner(move.obj, f"{move.obj.task.title}：{move.label}", body)


def _task(code: str, label: str, sources, target, who: str, *, notify: bool = False, **kw) -> engine.Transition:
    return engine.Transition(
        code=code,
        label=label,
        sources=tuple(sources),
        target=target,
        who=CHECKS[who],
        actor_label=WHO_LABELS[who],
        effects=(_task_dates, *((_notify_owner,) if notify else ())),
        **kw,
    )


TASK_TRANSITIONS: dict[str, engine.Transition] = {
    t.code: t
    for t in [
        _task("start", "开始推进", (TaskStatus.NOT_STARTED,), TaskStatus.IN_PROGRESS, "owner"),
        _task(
            "submit",
            "报请验收",
            (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS),
            TaskStatus.AWAITING_ACCEPTANCE,
            "owner",
            needs_evidence=True,
        ),
        _task(
            "close",
            "验收销号",
            (TaskStatus.AWAITING_ACCEPTANCE,),
            TaskStatus.CLOSED,
            "lead",
            needs_evidence=True,
            notify=True,
            not_same_actor_as=("submit",),
        ),
        _task(
            "reject",
            "验收不通过",
            (TaskStatus.AWAITING_ACCEPTANCE,),
            TaskStatus.IN_PROGRESS,
            "lead",
            needs_reason=True,
            notify=True,
            not_same_actor_as=("submit",),
        ),
        _task(
            "reopen", "撤销销号", (TaskStatus.CLOSED,), TaskStatus.IN_PROGRESS, "lead", needs_reason=True, notify=True
        ),
    ]
}

ASSIGNMENTS = engine.register(
    engine.Machine(
        model=Assignment,
        transitions=TASK_TRANSITIONS.values(),
        write_action="ledger.assignment.transition",
        history=lambda move: AssignmentEvent.objects.create(
            assignment=move.obj,
            action=move.code,
            from_status=move.source,
            to_status=move.target,
            on=_on(move),
            actor=move.actor,
            reason=move.reason,
        ),
        audit_extra=lambda move: {"on": _on(move)},
        state_message="当前状态为{state}，不能{t.label}",
        denied_error=ValidationError,
        reason_field="reason",
        evidence_refusal=_checklist_refusal,
        stale_message="该任务已被他人更新，请刷新后重试",
    )
)


# ---------------------------------------------------------------- rectification items


def _item_evidence_refusal(move: engine.Move) -> str | None:
    return None if (move.evidence or "").strip() or move.obj.evidence.strip() else "请填写整改佐证"


def _fixed(move: engine.Move) -> dict:
    changes: dict = {"fixed_on": _on(move)}
    if (move.evidence or "").strip():
        changes["evidence"] = move.evidence.strip()
    if move.extra.get("evidence_file"):
        stored = RectificationItem.objects.get(pk=move.obj.pk)
        stored.evidence_file = move.extra["evidence_file"]
        stored.save(update_fields=["evidence_file"])
    return changes


def _flags_secured(move: engine.Move) -> None:
    """A closed housing, water, schooling or insurance item secures the household's flag again
    (for a village's water item: every household of the village recorded as not safe)."""
    item = move.obj
    flag = TYPE_FLAGS.get(item.type.code)
    if flag is None:
        return
    if item.household_id is not None:
        households = Household.objects.filter(pk=item.household_id)
    elif flag == "water_safe":
        households = Household.objects.filter(village_id=item.region_id, water_safe=False)
    else:
        return
    for household in households.select_related("village"):
        household_record_apply(
            actor=move.actor,
            household=household,
            flags={flag: True},
            source=f"ledger.item:{item.pk}",
            source_label=f"整改事项 {item.pk} 销号：{item.type.name}",
        )


def _source_closed(move: engine.Move) -> None:
    """The module an item came from learns it was closed, in the same transaction: every app's
    ``rectification`` module (``item_closed(*, actor, item, on)``; lib/modules) looks at the item's
    ``source_ref`` and updates its own record (the collective's contract problem)."""
    for _, module in provided("rectification"):
        module.item_closed(actor=move.actor, item=move.obj, on=_on(move))


def _source_reopened(move: engine.Move) -> None:
    """回头看 found a closed item not fixed: the source module's record is open again."""
    for _, module in provided("rectification"):
        module.item_reopened(actor=move.actor, item=move.obj)


def _failed(move: engine.Move) -> dict:
    changes: dict = {"failed_checks": F("failed_checks") + 1, "closed_on": None, "fixed_on": None}
    if move.code == "recheck_fail":
        changes.update(recheck_result=move.reason, rechecked_on=_on(move))
    return changes


def _item(code: str, label: str, sources, target, who: str, *effects: engine.Effect, **kw) -> engine.Transition:
    return engine.Transition(
        code=code,
        label=label,
        sources=tuple(sources),
        target=target,
        who=CHECKS[who],
        actor_label=WHO_LABELS[who],
        effects=effects,
        **kw,
    )


ITEM_TRANSITIONS: dict[str, engine.Transition] = {
    t.code: t
    for t in [
        _item("start", "开始整改", (ItemStatus.PENDING,), ItemStatus.IN_PROGRESS, "handler"),
        _item(
            "fix",
            "整改完成，报请核验",
            (ItemStatus.PENDING, ItemStatus.IN_PROGRESS),
            ItemStatus.AWAITING_VERIFICATION,
            "handler",
            _fixed,
            needs_evidence=True,
        ),
        _item(
            "verify",
            "核验通过，销号",
            (ItemStatus.AWAITING_VERIFICATION,),
            ItemStatus.CLOSED,
            "checker",
            lambda move: {"closed_on": _on(move)},
            _flags_secured,
            _source_closed,
            not_same_actor_as=("fix",),
        ),
        _item(
            "fail",
            "核验不通过，退回整改",
            (ItemStatus.AWAITING_VERIFICATION,),
            ItemStatus.IN_PROGRESS,
            "checker",
            _failed,
            needs_reason=True,
            not_same_actor_as=("fix",),
        ),
        # 回头看: a closed item found not fixed after all goes back, and counts as fixed badly.
        _item(
            "recheck_fail",
            "回头看发现问题，重新整改",
            (ItemStatus.CLOSED,),
            ItemStatus.IN_PROGRESS,
            "checker",
            _failed,
            _source_reopened,
            needs_reason=True,
        ),
    ]
}


def _item_event(move: engine.Move) -> ItemEvent | None:
    """The item's status log (the status as of any date is read from it); acts that change no
    status (回头看 passed, an escalation decision) are only audited."""
    if not move.target:
        return None
    return ItemEvent.objects.create(
        item=move.obj,
        action=move.code,
        from_status=move.source,
        to_status=move.target,
        on=_on(move),
        actor=move.actor,
        note=move.reason or move.extra.get("note", ""),
    )


ITEMS = engine.register(
    engine.Machine(
        model=RectificationItem,
        transitions=ITEM_TRANSITIONS.values(),
        write_action="ledger.item.transition",
        history=_item_event,
        audit_extra=lambda move: {"note": move.reason, "on": _on(move), **move.extra.get("details", {})},
        state_message="当前状态为{state}，不能{t.label}",
        denied_error=ValidationError,
        reason_field="note",
        evidence_refusal=_item_evidence_refusal,
        evidence_field="evidence",
        stale_message="该事项已被他人更新，请刷新后重试",
    )
)


# ---------------------------------------------------------------- assessment schemes


def _publishable(move: engine.Move) -> list[str]:
    scheme = move.obj
    refusals = []
    missing = AssessmentScore.objects.filter(result__scheme=scheme, score__isnull=True, applicable=True).count()
    if missing:
        refusals.append(f"尚有 {missing} 项评审指标未打分")
    total_weight = sum((i.weight for i in scheme.indicators.all()), Decimal("0"))
    if total_weight != Decimal("100"):
        refusals.append(f"指标分值合计为{total_weight}，须为100")
    return refusals[:1]


def _published(move: engine.Move) -> dict:
    return {"published_at": timezone.now(), "published_by": move.actor}


def _notify_counties(move: engine.Move) -> None:
    from .services.assessment import results_notify  # services import this module

    results_notify(move.obj)


SCHEME_TRANSITIONS: dict[str, engine.Transition] = {
    t.code: t
    for t in [
        engine.Transition(
            code="publish",
            label="发布考核结果",
            sources=(SchemeStatus.COMPUTED,),
            target=SchemeStatus.PUBLISHED,
            roles=frozenset({Role.PREFECTURE_ADMIN}),
            guards=(_publishable,),
            effects=(_published, _notify_counties),
        ),
    ]
}

SCHEMES = engine.register(
    engine.Machine(
        model=AssessmentScheme,
        transitions=SCHEME_TRANSITIONS.values(),
        write_action="ledger.assessment.transition",
        audit_extra=lambda move: move.extra.get("details", {}),
        state_message="只有已计算并审核的考核才能发布",
        denied_message="考核结果由地区发布",
        denied_error=ValidationError,
        stale_message="该考核已被他人更新，请刷新后重试",
    )
)


def item_requirements(item: RectificationItem) -> list[engine.Requirement]:
    """What the steps ahead of an open item require (整改佐证 before 报请核验, another person to
    verify it), by the steps' own checks; a closed item has none."""
    if item.status == ItemStatus.CLOSED:
        return []
    return ITEMS.ahead(item)


def allowed(transitions: dict[str, engine.Transition], user, obj) -> list[engine.Transition]:
    if not user.is_authenticated or user.is_read_only:
        return []
    return [t for t in transitions.values() if obj.status in t.sources and t.allows(user, obj)]

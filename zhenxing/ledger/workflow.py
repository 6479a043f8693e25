"""The two state machines of the ledger, as data: which transition leads where, who may take it
and what must hold first. Services look transitions up here; views only offer what ``allowed``
returns, so a rule lives in exactly one place."""
from __future__ import annotations

from dataclasses import dataclass

from zhenxing.accounts.models import Role

from .models import ItemStatus, TaskStatus

# Who, in words the checks below understand:
#   "owner"   -- the county (or a unit of the task) that carries the assignment out
#   "lead"    -- the task's lead unit, or the prefecture admin
#   "handler" -- staff of the item's region (or its responsible unit)
#   "checker" -- staff one level above the item's region or higher, the type's department, or the
#                prefecture admin (the one who fixed it does not verify it)


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    who: str
    needs_reason: bool = False
    needs_evidence: bool = False


TASK_TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("start", "开始推进", (TaskStatus.NOT_STARTED,), TaskStatus.IN_PROGRESS, "owner"),
    Transition("submit", "报请验收", (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS),
               TaskStatus.AWAITING_ACCEPTANCE, "owner", needs_evidence=True),
    Transition("close", "验收销号", (TaskStatus.AWAITING_ACCEPTANCE,), TaskStatus.CLOSED, "lead",
               needs_evidence=True),
    Transition("reject", "验收不通过", (TaskStatus.AWAITING_ACCEPTANCE,), TaskStatus.IN_PROGRESS, "lead",
               needs_reason=True),
    Transition("reopen", "撤销销号", (TaskStatus.CLOSED,), TaskStatus.IN_PROGRESS, "lead", needs_reason=True),
]}

ITEM_TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("start", "开始整改", (ItemStatus.PENDING,), ItemStatus.IN_PROGRESS, "handler"),
    Transition("fix", "整改完成，报请核验", (ItemStatus.PENDING, ItemStatus.IN_PROGRESS),
               ItemStatus.AWAITING_VERIFICATION, "handler", needs_evidence=True),
    Transition("verify", "核验通过，销号", (ItemStatus.AWAITING_VERIFICATION,), ItemStatus.CLOSED, "checker"),
    Transition("fail", "核验不通过，退回整改", (ItemStatus.AWAITING_VERIFICATION,), ItemStatus.IN_PROGRESS,
               "checker", needs_reason=True),
    # 回头看: a closed item found not fixed after all goes back, and counts as fixed badly.
    Transition("recheck_fail", "回头看发现问题，重新整改", (ItemStatus.CLOSED,), ItemStatus.IN_PROGRESS,
               "checker", needs_reason=True),
]}

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
    return (unit in (assignment.owner_unit_id, task.lead_unit_id)
            or task.responsible_units.filter(pk=unit).exists())


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


CHECKS = {
    "owner": lambda user, obj: is_owner(user, obj),
    "lead": lambda user, obj: is_lead(user, obj.task),
    "handler": is_handler,
    "checker": is_checker,
}


def allowed(transitions: dict[str, Transition], user, obj) -> list[Transition]:
    if not user.is_authenticated or user.is_read_only:
        return []
    return [t for t in transitions.values() if obj.status in t.sources and CHECKS[t.who](user, obj)]

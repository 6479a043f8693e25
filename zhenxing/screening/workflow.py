"""The alert workflow as data: 新预警 → 已下发 → 核实中 → 纳入监测 / 核实无风险, and the outcomes
that carry the work on in another module: 并入监测案件 (``attach``: the household's open case gains
the alert), 转整改台账 (``rectify``: one ledger item of the matching type), 部门撤回
(``withdraw``: the department's own record was wrong). ``alerts.alert_transition`` takes a step
through the one transition engine (zhenxing.workflow)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from zhenxing import workflow as engine
from zhenxing.accounts.models import Role
from zhenxing.audit.writes import audited_bulk_create
from zhenxing.calendar.services import work_calendar
from zhenxing.lib.workdays import CALENDAR, limit_due

from . import bridges, figures
from . import evidence as alert_evidence
from .models import OPEN_STATES, Alert, AlertNote, AlertState, NoteKind, RecordCorrection

OFFICE = {Role.PREFECTURE_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF}
FIELD = {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF}
VERIFY_DAYS = 15  # while no yearly monitoring standard is set (verify_due)


@dataclass(frozen=True, kw_only=True)
class Transition(engine.Transition):
    opens_case: bool = False
    household_only: bool = False  # offered only on a household's alert
    rectifiable_only: bool = False  # offered only on an alert of a rule with a rectification ledger


def _household_alert(move: engine.Move) -> str | None:
    if move.obj.household_id is None:
        return "村级预警不能直接纳入监测，请按农户分别核实"
    return None


def _no_open_case(move: engine.Move) -> str | None:
    case = bridges.open_case(move.obj.household)
    if case is not None:
        return f"该户已有未办结的监测案件 {case.number}，请选择“并入该户未办结的监测案件”"
    return None


def verify_due(issued_on: dt.date) -> dt.date:
    """The village's deadline to verify a handed-on alert: the yearly standard's limit from discovery to
    decision (发现至认定时限, in 天 or 工作日 as the standard says, through the one calendar service);
    ``VERIFY_DAYS`` calendar days while no standard is set. A working-day limit reaching a year the
    calendar does not know refuses the step with the calendar's Chinese message (CalendarYearUnknown)."""
    from zhenxing.monitoring.models import YearStandard

    standard = YearStandard.objects.filter(year__lte=issued_on.year).order_by("-year").first()
    days, unit = standard.limit("decision") if standard is not None else (VERIFY_DAYS, CALENDAR)
    return limit_due(work_calendar(), issued_on, days, unit)


def _issued(move: engine.Move) -> dict:
    if move.reason:  # the township's instruction stays on the alert's thread, never overwritten
        AlertNote.objects.create(alert=move.obj, kind=NoteKind.INSTRUCTION, text=move.reason, author=move.actor)
    return {"issued_at": timezone.now(), "verify_due": verify_due(timezone.localdate())}


def _closed(move: engine.Move) -> dict:
    return {
        "is_open": False,
        "closed_at": timezone.now(),
        "outcome_reason": move.reason,
        "outcome_evidence": (move.evidence or "").strip(),
    }


def _open_case(move: engine.Move) -> dict:
    """纳入监测 opens the household's monitoring case (its number is kept on the alert); the
    problem the alert's rule stands for is recorded on the household (its 三保障/饮水 flag)."""
    from .alerts import _open_case  # alerts imports this module

    return {"case_ref": _open_case(actor=move.actor, alert=move.obj, reason=move.reason)}


def _has_open_case(move: engine.Move) -> str | None:
    if move.obj.household_id is None:
        return "村级预警不能并入监测案件"
    if bridges.open_case(move.obj.household) is None:
        return "该户没有未办结的监测案件，请核实后纳入监测"
    return None


def _attach(move: engine.Move) -> dict:
    from .alerts import _attach_case  # alerts imports this module

    return {"case_ref": _attach_case(actor=move.actor, alert=move.obj, reason=move.reason)}


def _rectifiable(move: engine.Move) -> str | None:
    alert = move.obj
    if alert.rule not in bridges.RECTIFY_KINDS:
        return "只有住房、饮水、义务教育、基本医保方面的预警可以转整改台账"
    if alert.household_id is None and alert.rule != "water":
        return "该预警没有对应的农户"
    if bridges.rectification_opener() is None:
        return "整改台账模块未启用"
    return None


def _rectify(move: engine.Move) -> dict:
    from .alerts import _open_item  # alerts imports this module

    return {"item_ref": _open_item(actor=move.actor, alert=move.obj, reason=move.reason)}


def _own_field(actor, alert) -> bool:
    return bool(alert.department) and getattr(actor, "department", "") == alert.department


def _withdraw_reason(move: engine.Move) -> str | None:
    return None if move.reason else "请填写撤回原因（部门记录哪里有误）"


def _flag_records(move: engine.Move) -> None:
    """The department's records the alert cites are flagged for correction; its reason joins the thread."""
    alert = move.obj
    records = alert_evidence.full(alert).get("records") or [{}]
    audited_bulk_create(
        RecordCorrection,
        [
            RecordCorrection(
                alert=alert,
                department=alert.department,
                source=str(r.get("source") or "")[:16],
                record_key=str(r.get("key") or "")[:100],
                note=str(r.get("note") or "")[:300],
                reason=move.reason,
                created_by=move.actor,
            )
            for r in records
        ],
        actor=move.actor,
    )
    AlertNote.objects.create(alert=alert, kind=NoteKind.WITHDRAWAL, text=move.reason, author=move.actor)


def _not_before_issue(actor, alert) -> bool:
    """The village acts on an alert once the township has handed it on."""
    return actor.role != Role.VILLAGE_CADRE or alert.state != AlertState.NEW


TRANSITIONS: dict[str, Transition] = {
    t.code: t
    for t in [
        Transition(
            code="issue",
            label="下发到村核实",
            sources=(AlertState.NEW,),
            target=AlertState.ISSUED,
            roles=frozenset(OFFICE),
            effects=(_issued,),
        ),
        Transition(
            code="start",
            label="开始入户核实",
            sources=(AlertState.ISSUED,),
            target=AlertState.VERIFYING,
            roles=frozenset(FIELD),
        ),
        Transition(
            code="include",
            label="核实有风险，纳入监测",
            sources=(AlertState.VERIFYING,),
            target=AlertState.MONITORED,
            roles=frozenset(FIELD),
            needs_reason=True,
            opens_case=True,
            household_only=True,
            guards=(_household_alert, _no_open_case),
            effects=(_closed, _open_case),
        ),
        Transition(
            code="dismiss",
            label="核实无风险",
            sources=(AlertState.VERIFYING,),
            target=AlertState.NO_RISK,
            roles=frozenset(FIELD),
            needs_reason=True,
            needs_evidence=True,
            effects=(_closed,),
        ),
        Transition(
            code="attach",
            label="并入该户未办结的监测案件",
            sources=OPEN_STATES,
            target=AlertState.ATTACHED,
            roles=frozenset(OFFICE | FIELD),
            who=_not_before_issue,
            household_only=True,
            guards=(_has_open_case,),
            effects=(_closed, _attach),
        ),
        Transition(
            code="rectify",
            label="转整改台账",
            sources=OPEN_STATES,
            target=AlertState.RECTIFYING,
            roles=frozenset(OFFICE | FIELD),
            who=_not_before_issue,
            rectifiable_only=True,
            guards=(_rectifiable,),
            effects=(_closed, _rectify),
        ),
        Transition(
            code="withdraw",
            label="部门数据有误，撤回预警",
            sources=OPEN_STATES,
            target=AlertState.WITHDRAWN,
            roles=frozenset({Role.DEPARTMENT_STAFF}),
            who=_own_field,
            guards=(_withdraw_reason,),
            effects=(_closed, _flag_records),
        ),
    ]
}

MACHINE = engine.register(
    engine.Machine(
        model=Alert,
        transitions=TRANSITIONS.values(),
        state_field="state",
        state_message="预警当前状态为“{state}”，不能“{t.label}”",
        denied_message="您的角色不能执行此操作",
        reason_message="请填写核实说明",
        evidence_message="请填写核实依据（如入户核实记录、佐证材料）",
        stale_message="该预警已被他人处理，请刷新后重试",
        after_move=figures.alert_moved,
    )
)


def _offered(t: Transition, alert) -> bool:
    if t.household_only and alert.household_id is None:
        return False
    if t.rectifiable_only and (
        alert.rule not in bridges.RECTIFY_KINDS or (alert.household_id is None and alert.rule != "water")
    ):
        return False
    if t.code in ("attach", "include"):
        return (bridges.open_case(alert.household) is None) == (t.code == "include")
    return True


def available(alert, user) -> list[Transition]:
    if user is None or getattr(user, "is_read_only", False):
        return []
    return [
        t for t in TRANSITIONS.values() if alert.state in t.sources and t.allows(user, alert) and _offered(t, alert)
    ]

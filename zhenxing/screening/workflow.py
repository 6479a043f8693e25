"""The alert workflow as data: 新预警 → 已下发 → 核实中 → 纳入监测 / 核实无风险.
``services.alert_transition`` takes a step through the one transition engine (zhenxing.workflow)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from zhenxing import workflow as engine
from zhenxing.accounts.models import Role

from .models import Alert, AlertState

OFFICE = {Role.PREFECTURE_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF}
FIELD = {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF}
VERIFY_DAYS = 15


@dataclass(frozen=True, kw_only=True)
class Transition(engine.Transition):
    opens_case: bool = False


def _household_alert(move: engine.Move) -> str | None:
    if move.obj.household_id is None:
        return "村级预警不能直接纳入监测，请按农户分别核实"
    return None


def _issued(move: engine.Move) -> dict:
    return {"issued_at": timezone.now(), "verify_due": timezone.localdate() + dt.timedelta(days=VERIFY_DAYS)}


def _closed(move: engine.Move) -> dict:
    return {"is_open": False, "closed_at": timezone.now(), "outcome_reason": move.reason,
            "outcome_evidence": (move.evidence or "").strip()}


def _open_case(move: engine.Move) -> dict:
    """纳入监测 opens the household's monitoring case (its number is kept on the alert)."""
    from .services import _open_case  # services import this module

    return {"case_ref": _open_case(actor=move.actor, alert=move.obj, reason=move.reason)}


TRANSITIONS: dict[str, Transition] = {t.code: t for t in [
    Transition(code="issue", label="下发到村核实", sources=(AlertState.NEW,), target=AlertState.ISSUED,
               roles=frozenset(OFFICE), effects=(_issued,)),
    Transition(code="start", label="开始入户核实", sources=(AlertState.ISSUED,), target=AlertState.VERIFYING,
               roles=frozenset(FIELD)),
    Transition(code="include", label="核实有风险，纳入监测", sources=(AlertState.VERIFYING,),
               target=AlertState.MONITORED, roles=frozenset(FIELD), needs_reason=True, opens_case=True,
               guards=(_household_alert,), effects=(_closed, _open_case)),
    Transition(code="dismiss", label="核实无风险", sources=(AlertState.VERIFYING,), target=AlertState.NO_RISK,
               roles=frozenset(FIELD), needs_reason=True, needs_evidence=True, effects=(_closed,)),
]}

MACHINE = engine.register(engine.Machine(
    model=Alert, transitions=TRANSITIONS.values(), state_field="state",
    state_message="预警当前状态为“{state}”，不能“{t.label}”", denied_message="您的角色不能执行此操作",
    reason_message="请填写核实说明", evidence_message="请填写核实依据（如入户核实记录、佐证材料）",
    stale_message="该预警已被他人处理，请刷新后重试"))


def available(alert, user) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if t.source == alert.state and user.role in t.roles
            and not (t.opens_case and alert.household_id is None)]

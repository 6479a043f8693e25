"""The alert workflow as data: 新预警 → 已下发 → 核实中 → 纳入监测 / 核实无风险."""
from __future__ import annotations

from dataclasses import dataclass

from zhenxing.accounts.models import Role

from .models import AlertState

OFFICE = {Role.PREFECTURE_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF}
FIELD = {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF}


@dataclass(frozen=True)
class Transition:
    code: str
    label: str
    source: str
    target: str
    roles: frozenset[str]
    needs_reason: bool = False
    needs_evidence: bool = False
    opens_case: bool = False


TRANSITIONS: dict[str, Transition] = {t.code: t for t in [
    Transition("issue", "下发到村核实", AlertState.NEW, AlertState.ISSUED, frozenset(OFFICE)),
    Transition("start", "开始入户核实", AlertState.ISSUED, AlertState.VERIFYING, frozenset(FIELD)),
    Transition("include", "核实有风险，纳入监测", AlertState.VERIFYING, AlertState.MONITORED, frozenset(FIELD),
               needs_reason=True, opens_case=True),
    Transition("dismiss", "核实无风险", AlertState.VERIFYING, AlertState.NO_RISK, frozenset(FIELD),
               needs_reason=True, needs_evidence=True),
]}


def available(alert, user) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if t.source == alert.state and user.role in t.roles
            and not (t.opens_case and alert.household_id is None)]

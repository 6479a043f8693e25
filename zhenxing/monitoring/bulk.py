"""Many cases in one action (选中多条): a township or county hands the selected cases on (its level's
审核通过 / 审定), or reminds (催办) the village of them. Each case is one step of the one transition
engine (its own checks, transaction and audit entry); a case refused — another region, the wrong
step, a later requirement not met, maker ≠ checker — is listed with its reason and the others go
on (not all-or-nothing)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhenxing import workflow as engine
from zhenxing.accounts import scope
from zhenxing.workflow.engine import BULK_MAX

from . import services, workflow
from .models import MonitoringCase

# 下发/报送: the step of each level that sends a case on, in both phases.
HAND_ON = {
    workflow.TOWNSHIP: ("township_approve", "elim_township_approve"),
    workflow.COUNTY: ("county_approve", "elim_county_approve"),
}
ACTIONS = {"hand_on": "审核通过，报送下一环节", "remind": "催办", "export": "导出所选"}


def _hand_on_one(*, actor, case: MonitoringCase, note: str) -> None:
    codes = HAND_ON.get(workflow.level_of(actor) or "", ())
    t = next((workflow.BY_NAME[c] for c in codes if case.state in workflow.BY_NAME[c].sources), None)
    if t is None:
        raise ValidationError(f"案件当前环节为“{case.state_label}”，不是本级审核环节，不能批量审核通过")
    services.case_transition(actor=actor, case=case, name=t.name, version=case.version, data={"reason": note})


def cases_bulk(*, actor, cases, action: str, note: str = "", refused: dict | None = None) -> dict:
    """``action``: "hand_on" (the actor's level's 审核通过 on each case) or "remind" (催办: a row on
    each case's timeline, one audit entry each). ``refused``: ids already refused (out of scope),
    listed with the rest. Returns ``{"done": [ids], "refused": {id: message}}``."""
    if actor is None:
        raise PermissionDenied("只有乡镇和县级工作人员可以批量办理监测案件")
    scope.require_write(actor, None, "monitoring.case.bulk")
    if action not in ("hand_on", "remind"):
        raise ValidationError("请选择批量操作")
    cases = list(cases)
    refused = dict(refused or {})
    if not cases and not refused:
        raise ValidationError("请选择要办理的案件")
    if len(cases) > BULK_MAX:
        raise ValidationError(f"一次最多办理 {BULK_MAX} 件")
    note = (note or "").strip()
    if action == "remind":
        if not note:
            raise ValidationError("请填写催办要求")
        result = (
            engine.record_bulk(
                actor=actor,
                records=cases,
                code="remind",
                label="催办",
                reason=note,
                on=timezone.localdate(),
                decision="催办",
            )
            if cases
            else {"done": [], "refused": {}}
        )
        return {"done": result["done"], "refused": {**refused, **result["refused"]}}
    done = []
    for case in cases:
        try:
            _hand_on_one(actor=actor, case=case, note=note)
        except (ValidationError, PermissionDenied) as exc:
            refused[case.pk] = engine.refusal_text(exc)
        else:
            done.append(case.pk)
    return {"done": done, "refused": refused}

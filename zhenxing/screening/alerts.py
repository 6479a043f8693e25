"""Alert writes: a step of the alert workflow, the outcomes that carry the work into monitoring
and the ledger (and the household's record), the alert's thread and the township's bulk hand-on."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhenxing import workflow as engine
from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.lib.errors import StaleVersion
from zhenxing.monitoring import services as monitoring
from zhenxing.regions.models import Region
from zhenxing.registry.services import household_record_apply

from . import bridges, workflow
from .models import Alert, AlertNote, NoteKind

# Someone else acted on the alert since it was read (optimistic locking on ``version``).
ConcurrentChange = StaleVersion


def alert_transition(
    *, actor, alert: Alert, action: str, reason: str = "", evidence: str = "", expected_version: int | None = None
) -> Alert:
    """One step of the alert workflow (workflow.TRANSITIONS), through the one transition engine."""
    workflow.MACHINE.apply(
        actor=actor, obj=alert, code=action, reason=reason, evidence=evidence, version=expected_version
    )
    return alert


def _records_text(alert: Alert) -> str:
    return "；".join(r.get("note") or "" for r in alert.evidence.get("records", [])[:5])


def _flags_confirmed(*, actor, alert: Alert) -> list[str]:
    """The household flag the alert's rule is about, recorded as not secured (the problem is confirmed)."""
    flag = bridges.RULE_FLAGS.get(alert.rule)
    if flag is None or alert.household_id is None:
        return []
    household_record_apply(
        actor=actor,
        household=alert.household,
        flags={flag: False},
        source=f"screening.alert:{alert.pk}",
        source_label=f"预警 {alert.pk} {alert.rule_name}",
    )
    return [flag]


def _open_case(*, actor, alert: Alert, reason: str) -> str:
    flags = _flags_confirmed(actor=actor, alert=alert)
    case = monitoring.case_discover(
        actor=actor,
        household=alert.household,
        channel="department_alert",
        risk_types=list(alert.risk_types),
        description=f"部门筛查预警：{alert.rule_name}。{_records_text(alert)}。核实说明：{reason.strip()}",
        source_ref=f"screening.alert:{alert.pk}",
        source_label=f"部门筛查预警 {alert.pk}：{alert.rule_name}",
        source_flags=flags,
    )
    return str(getattr(case, "pk", case))[:64]


def _attach_case(*, actor, alert: Alert, reason: str) -> str:
    """``attach``: the household's open case gains the alert in its discovery list; the alert cites the case."""

    case = monitoring.case_open_for(alert.household)
    if case is None:
        raise ValidationError("该户没有未办结的监测案件")
    flags = _flags_confirmed(actor=actor, alert=alert)
    monitoring.case_source_attach(
        actor=actor,
        case=case,
        source_ref=f"screening.alert:{alert.pk}",
        label=f"部门筛查预警 {alert.pk}：{alert.rule_name}",
        flags=flags,
        note=reason or _records_text(alert),
    )
    return str(case.pk)


def _open_item(*, actor, alert: Alert, reason: str) -> str:
    """``rectify``: one rectification item of the rule's type citing the alert, for the household or,
    for water, the village (one open item per village: a second water alert joins the open one)."""
    opener = bridges.rectification_opener()
    if opener is None:
        raise ValidationError("整改台账模块未启用")
    kind = bridges.RECTIFY_KINDS[alert.rule]
    if alert.household_id is None:
        ref, household = f"screening.water:{alert.village_id}", None
    else:
        ref, household = f"screening.alert:{alert.pk}", alert.household
        _flags_confirmed(actor=actor, alert=alert)
    problem = f"{alert.rule_name}（预警 {alert.pk}）：{_records_text(alert) or alert.rule_name}"
    if reason.strip():
        problem += f"。{reason.strip()}"
    item = opener(
        actor=actor,
        kind=kind,
        region=alert.village,
        household=household,
        source_label=f"部门筛查预警 {alert.pk}：{alert.rule_name}",
        source_ref=ref,
        problem=problem,
    )
    return str(item.pk)


# ---------------------------------------------------------------- the alert's thread and bulk hand-on

NOTE_MAX = 2000


def alert_note_add(*, actor, alert: Alert, text: str) -> AlertNote:
    """A question or an answer on the alert's thread (the department answers on any alert of its
    field; the township and village see the thread)."""
    if actor is None or actor.is_read_only:
        raise PermissionDenied("督查账户为只读账户")
    if not scope.scoped(actor, Alert).filter(pk=alert.pk).exists():
        raise PermissionDenied("该预警不在您的数据权限范围内")
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写留言内容")
    if len(text) > NOTE_MAX:
        raise ValidationError(f"留言不能超过 {NOTE_MAX} 字")
    with transaction.atomic(), acting(actor):
        return AlertNote.objects.create(alert=alert, kind=NoteKind.COMMENT, text=text, author=actor)


BULK_MAX = 500


def alerts_bulk_issue(*, actor, alerts, instruction: str = "", refused: dict | None = None) -> dict:
    """A township hands many alerts on to their villages at once (选中多条，或按村全部下发): each is
    one step through the engine (one audit entry per alert, each with the instruction on its
    thread); one refused is listed with its reason, the others go on. ``refused``: the ids already
    refused before (out of scope), listed with the rest. Returns ``{"done": [ids], "refused": {id: message}}``."""
    if actor is None:
        raise PermissionDenied("只有乡镇及以上工作人员可以批量下发预警")
    scope.require_write(actor, None, "screening.alert.bulk_issue")
    alerts = list(alerts)
    if not alerts and not refused:
        raise ValidationError("请选择要下发的预警")
    if len(alerts) > BULK_MAX:
        raise ValidationError(f"一次最多下发 {BULK_MAX} 条预警")
    result = (
        engine.transition_bulk(actor=actor, records=alerts, code="issue", reason=instruction, limit=BULK_MAX)
        if alerts
        else {"done": [], "refused": {}}
    )
    return {"done": result["done"], "refused": {**(refused or {}), **result["refused"]}}


def alerts_of_village(*, actor, village: Region):
    """The new alerts of one village in the actor's scope, for 按村下发."""
    return scope.scoped(actor, Alert).filter(village=village, state="new").order_by("id")

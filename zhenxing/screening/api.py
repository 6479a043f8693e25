"""JSON API of department screening (mounted under /api/v1/): alerts with their evidence and state
transitions, and runs. Everything is read through the data scope: regions see their subtree, a line
department only the alerts its own data raised; a record outside the scope answers 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Query, Router, Schema, Status

from zhenxing import workflow as engine
from zhenxing.accounts import scope
from zhenxing.jobs.services import jobs_recover_for_page
from zhenxing.lib.pagination import Keyset, keyset_page

from . import alerts as alert_writes
from . import evidence as alert_evidence
from . import rules, selectors, workflow
from .models import Alert, AlertState, Run, RunStatus

router = Router(tags=["部门筛查预警"])
ALERT = {"x-scope": "screening.alert"}
RUN = {"x-scope": "screening.run"}
RULE_CODES = {*rules.RULES, *rules.EXTRA_CODES}


class AlertOut(Schema):
    id: int
    rule: str
    rule_name: str
    risk_types: list[str]
    severity: str
    state: str
    state_label: str
    is_open: bool
    household_id: int | None
    household_number: str | None
    village_code: str
    village_name: str
    department: str
    metric: Decimal | None
    limit_value: Decimal | None
    raised_at: dt.datetime
    updated_at: dt.datetime
    issued_at: dt.datetime | None
    verify_due: dt.date | None
    closed_at: dt.datetime | None
    case_ref: str
    item_ref: str
    version: int


class AlertActionOut(Schema):
    action: str
    label: str
    target: str
    needs_reason: bool
    needs_evidence: bool


class AlertNoteOut(Schema):
    id: int
    kind: str
    kind_label: str
    text: str
    author: str | None
    author_role: str
    created_at: dt.datetime


class CorrectionOut(Schema):
    department: str
    source: str
    record_key: str
    note: str
    reason: str
    created_at: dt.datetime


class AlertDetailOut(AlertOut):
    rule_description: str
    head_name: str | None
    evidence: dict
    outcome_reason: str
    outcome_evidence: str
    available_actions: list[AlertActionOut]
    notes: list[AlertNoteOut]
    corrections: list[CorrectionOut]


def _alert(a: Alert) -> dict:
    return {
        "id": a.pk,
        "rule": a.rule,
        "rule_name": a.rule_name,
        "risk_types": list(a.risk_types or []),
        "severity": a.severity,
        "state": a.state,
        "state_label": a.get_state_display(),
        "is_open": a.is_open,
        "household_id": a.household_id,
        "household_number": a.household.number if a.household_id else None,
        "village_code": a.village.code,
        "village_name": a.village.name,
        "department": a.department,
        "metric": a.metric,
        "limit_value": a.limit_value,
        "raised_at": a.raised_at,
        "updated_at": a.updated_at,
        "issued_at": a.issued_at,
        "verify_due": a.verify_due,
        "closed_at": a.closed_at,
        "case_ref": a.case_ref,
        "item_ref": a.item_ref,
        "version": a.version,
    }


def _actions(request, a: Alert) -> list[dict]:
    if request.user.is_read_only:
        return []
    return [
        {
            "action": t.code,
            "label": t.label,
            "target": t.target,
            "needs_reason": t.needs_reason,
            "needs_evidence": t.needs_evidence,
        }
        for t in workflow.available(a, request.user)
    ]


def _detail(request, a: Alert) -> dict:
    rule = rules.RULES.get(a.rule)
    return {
        **_alert(a),
        "rule_description": rule.description if rule else "",
        "head_name": a.household.head_name if a.household_id else None,
        "evidence": {**a.citation, **alert_evidence.full(a)},
        "outcome_reason": a.outcome_reason,
        "outcome_evidence": a.outcome_evidence,
        "available_actions": _actions(request, a),
        "notes": [_note(n) for n in a.notes.select_related("author")],
        "corrections": [
            {
                "department": c.department,
                "source": c.source,
                "record_key": c.record_key,
                "note": c.note,
                "reason": c.reason,
                "created_at": c.created_at,
            }
            for c in a.corrections.all()
        ],
    }


def _note(n) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "kind_label": n.get_kind_display(),
        "text": n.text,
        "author": n.author.full_name or n.author.username if n.author_id else None,
        "author_role": n.author.get_role_display() if n.author_id else "",
        "created_at": n.created_at,
    }


def _get(request, alert_id: int) -> Alert:
    return scope.get_object_or_404(
        request.user, Alert.objects.select_related("household", "village", "ruleset", "last_run"), pk=alert_id
    )


@router.get(
    "/screening/alerts",
    response=list[AlertOut],
    openapi_extra=ALERT,
    summary="预警列表（数据权限范围内；行业部门只见本部门数据触发的预警；按编号倒序，after 为上一页最后一条的 id）",
)
def alert_list(
    request,
    response: HttpResponse,
    page: Keyset = Query(...),
    rule: str = "",
    state: str = "",
    region: str = "",
    is_open: bool | None = None,
):
    if rule and rule not in RULE_CODES:
        raise ValidationError({"rule": [f"未知规则 {rule}（可用：{'、'.join(sorted(RULE_CODES))}）"]})
    if state and state not in AlertState.values:
        raise ValidationError({"state": [f"未知状态 {state}（可用：{'、'.join(AlertState.values)}）"]})
    node = scope.region_by_code(request.user, region)
    qs = selectors.alerts_for(request.user, rule=rule, state=state, region=node)
    if is_open is not None:
        qs = qs.filter(is_open=is_open)
    return [_alert(a) for a in keyset_page(request, response, qs, page, desc=True)]


class BulkIssueIn(Schema):
    ids: list[int] = []
    village: str = ""
    instruction: str = ""


class BulkIssueOut(Schema):
    done: list[int]
    refused: dict[str, str]


@router.post(
    "/screening/alerts/bulk-issue",
    response=BulkIssueOut,
    openapi_extra=ALERT,
    summary="乡镇批量下发预警：ids 为所选预警，或 village 为村代码（下发该村全部新预警）；"
    "instruction 为下发要求；每条预警各记一条审计记录；不存在、不在权限范围内或状态不符的逐条列入 refused，其余照常下发",
)
def alert_bulk_issue(request, payload: BulkIssueIn):
    if bool(payload.ids) == bool(payload.village):
        raise ValidationError("请提供所选预警编号 ids 或村代码 village 之一")
    if payload.village:
        village = scope.region_by_code(request.user, payload.village)
        alerts = alert_writes.alerts_of_village(actor=request.user, village=village)
        refused = {}
    else:  # an id unknown or of another region is listed in refused; the others go on
        alerts, refused = engine.scoped_records(request.user, Alert, payload.ids)
    result = alert_writes.alerts_bulk_issue(
        actor=request.user, alerts=alerts, instruction=payload.instruction, refused=refused
    )
    return {"done": result["done"], "refused": {str(k): v for k, v in result["refused"].items()}}


@router.get(
    "/screening/alerts/{alert_id}",
    response=AlertDetailOut,
    openapi_extra=ALERT,
    summary="一条预警及其依据（规则、参数、规则集版本、部门记录）和当前用户可办理的操作",
)
def alert_detail(request, alert_id: int):
    return _detail(request, _get(request, alert_id))


class AlertTransitionIn(Schema):
    action: str
    version: int
    reason: str = ""
    evidence: str = ""


@router.post(
    "/screening/alerts/{alert_id}/transitions",
    response=AlertDetailOut,
    openapi_extra=ALERT,
    summary="办理预警：issue 下发到村核实（reason 为下发要求）、start 开始入户核实、"
    "include 核实有风险纳入监测、"
    "dismiss 核实无风险、attach 并入该户未办结的监测案件、rectify 转整改台账（住房、饮水、义务教育、"
    "基本医保）、withdraw 行业部门撤回本部门数据有误的预警（须填 reason）"
    "（version 为读取时的版本；他人已办理时返回 409）",
)
def alert_transition(request, alert_id: int, payload: AlertTransitionIn):
    alert = alert_writes.alert_transition(
        actor=request.user,
        alert=_get(request, alert_id),
        action=payload.action,
        reason=payload.reason,
        evidence=payload.evidence,
        expected_version=payload.version,
    )
    return _detail(request, _get(request, alert.pk))


class AlertNoteIn(Schema):
    text: str


@router.post(
    "/screening/alerts/{alert_id}/comments",
    response={201: AlertNoteOut},
    openapi_extra=ALERT,
    summary="在预警下留言（提问或行业部门答复；乡镇、村和本领域行业部门均可见）",
)
def alert_comment(request, alert_id: int, payload: AlertNoteIn):
    alert = _get(request, alert_id)
    note = alert_writes.alert_note_add(actor=request.user, alert=alert, text=payload.text)
    return Status(201, _note(note))


class RunOut(Schema):
    id: int
    kind: str
    kind_label: str
    as_of: dt.date
    status: str
    status_label: str
    progress: int
    stage: str
    ruleset_year: int | None
    ruleset_version: int | None
    overrides: dict
    threshold: Decimal | None
    started_by: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    heartbeat_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str


class RunDetailOut(RunOut):
    summary: dict


def _run(r: Run) -> dict:
    return {
        "id": r.pk,
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "as_of": r.as_of,
        "status": r.status,
        "status_label": r.get_status_display(),
        "progress": r.progress,
        "stage": r.stage,
        "ruleset_year": r.ruleset.year if r.ruleset_id else None,
        "ruleset_version": r.ruleset.version if r.ruleset_id else None,
        "overrides": r.overrides or {},
        "threshold": r.threshold,
        "started_by": r.started_by.username if r.started_by_id else None,
        "created_at": r.created_at,
        "started_at": r.started_at,
        "heartbeat_at": r.heartbeat_at,
        "finished_at": r.finished_at,
        "error": r.error,
    }


@router.get(
    "/screening/runs",
    response=list[RunOut],
    openapi_extra=RUN,
    summary="筛查运行与政策模拟（按编号倒序，after 为上一页最后一条的 id；中断的运行显示为失败）",
)
def run_list(request, response: HttpResponse, page: Keyset = Query(...), status: str = ""):
    if status and status not in RunStatus.values:
        raise ValidationError({"status": [f"未知状态 {status}（可用：{'、'.join(RunStatus.values)}）"]})
    jobs_recover_for_page()
    qs = selectors.runs_for(request.user)
    if status:
        qs = qs.filter(status=status)
    return [_run(r) for r in keyset_page(request, response, qs, page, desc=True)]


@router.get("/screening/runs/{run_id}", response=RunDetailOut, openapi_extra=RUN, summary="一次运行（含结果摘要）")
def run_detail(request, run_id: int):
    jobs_recover_for_page()
    run = scope.get_object_or_404(request.user, selectors.runs_for(request.user), pk=run_id)
    return {**_run(run), "summary": run.summary or {}}

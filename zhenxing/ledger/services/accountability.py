"""Inspections and accountability: findings, the escalation ladder and its decisions."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhenxing.accounts.models import Role, User
from zhenxing.audit.context import acting
from zhenxing.regions.models import Region

from .. import workflow
from ..defaults import ESCALATION_RULES
from ..models import (
    DecisionOutcome,
    EscalationDecision,
    EscalationRule,
    Inspection,
    InspectionFollowUp,
    InspectionKind,
    RectificationItem,
    RectificationType,
    SourceKind,
    Unit,
)
from .base import _require, _require_act, _require_region
from .notices import notice_send
from .rectification import rectification_item_open, types_ensure


def inspection_create(
    *,
    actor,
    kind: str,
    title: str,
    region: Region,
    started_on: dt.date,
    unit: Unit | None = None,
    inspectors: str = "",
    summary: str = "",
) -> Inspection:
    """An inspection (督导检查); inspectors record theirs too (workflow.may_inspect)."""
    _require_region(actor, region, "ledger.inspection.record")
    _require(bool(title.strip()), "请填写名称", "title")
    _require(kind in InspectionKind.values, "督导方式无效", "kind")
    _require(started_on <= timezone.localdate(), "督导日期不能晚于今天", "started_on")
    with transaction.atomic(), acting(actor):
        return Inspection.objects.create(
            kind=kind,
            title=title.strip(),
            region=region,
            unit=unit,
            inspectors=inspectors,
            started_on=started_on,
            summary=summary,
            created_by=actor,
        )


def inspection_finding_add(
    *,
    actor,
    inspection: Inspection,
    region: Region,
    problem: str,
    type: RectificationType | None = None,
    deadline: dt.date | None = None,
    household=None,
    responsible_unit: Unit | None = None,
    responsible_person: str = "",
) -> RectificationItem:
    """Each finding becomes a rectification item (for the responsible unit, when named)."""
    workflow.require_inspector(actor)
    _require(region.path.startswith(inspection.region.path), "发现问题的区划须在被督导区划内", "region")
    rtype = type or types_ensure()["inspection"]
    return rectification_item_open(
        actor=actor,
        type=rtype,
        region=region,
        problem=problem,
        source=SourceKind.INSPECTION,
        source_label=inspection.title,
        source_ref=f"INS-{inspection.pk}",
        found_on=inspection.started_on,
        deadline=deadline,
        household=household,
        responsible_unit=responsible_unit,
        responsible_person=responsible_person,
        inspection=inspection,
    )


def inspection_follow_up_add(
    *, actor, inspection: Inspection, text: str, on: dt.date | None = None
) -> InspectionFollowUp:
    """督导回访: what a later look at the inspection's findings showed."""
    workflow.require_inspector(actor)
    _require(inspection.region.path.startswith(actor.region.path), "该督导检查不在您的数据权限范围内")
    _require(bool(text.strip()), "请填写回访情况", "text")
    on = on or timezone.localdate()
    _require(inspection.started_on <= on <= timezone.localdate(), "回访日期须在督导日期之后、今天之前", "on")
    with transaction.atomic(), acting(actor):
        return InspectionFollowUp.objects.create(inspection=inspection, on=on, text=text.strip(), created_by=actor)


def rules_ensure() -> list[EscalationRule]:
    for order, code, name, days, fails, desc in ESCALATION_RULES:
        EscalationRule.objects.get_or_create(
            code=code,
            defaults={
                "order": order,
                "name": name,
                "min_overdue_days": days,
                "min_failed_checks": fails,
                "description": desc,
            },
        )
    return list(EscalationRule.objects.order_by("order"))


def escalation_rule_update(
    *, actor, rule: EscalationRule, min_overdue_days: int | None, min_failed_checks: int | None
) -> EscalationRule:
    """The prefecture sets when a step is proposed (the ladder's order stays fixed)."""
    _require_act(actor, "ledger.escalation.rule")
    _require(min_overdue_days is not None or min_failed_checks is not None, "至少设置一个条件")
    with transaction.atomic(), acting(actor):
        rule.min_overdue_days = min_overdue_days
        rule.min_failed_checks = min_failed_checks
        rule.save()
    return rule


def escalation_next(
    item: RectificationItem, as_of: dt.date, rules: list[EscalationRule] | None = None, decided: set[int] | None = None
) -> EscalationRule | None:
    """The step the system proposes for an item now, or None: the first undecided step, when met."""
    rules = rules if rules is not None else list(EscalationRule.objects.order_by("order"))
    decided = decided if decided is not None else set(item.decisions.values_list("rule_id", flat=True))
    for rule in rules:
        if rule.pk in decided:
            continue
        return rule if rule.met_by(item, as_of) else None
    return None


def escalation_decide(
    *,
    actor,
    item: RectificationItem,
    rule: EscalationRule,
    outcome: str,
    unit: Unit | None = None,
    people: str = "",
    document: str = "",
    document_file=None,
    note: str = "",
    on: dt.date | None = None,
) -> EscalationDecision:
    _require_act(actor, "ledger.escalation.decide")
    on = on or timezone.localdate()
    proposed = escalation_next(item, on)
    _require(proposed is not None and proposed.pk == rule.pk, f"当前不具备“{rule.name}”的条件")
    _require(outcome in DecisionOutcome.values, "请选择决定", "outcome")
    if outcome == DecisionOutcome.APPLIED:
        _require(bool(document.strip()) or bool(document_file), "实施问责须附文件文号或文件", "document")
    with transaction.atomic(), acting(actor):
        decision = EscalationDecision.objects.create(
            item=item,
            rule=rule,
            outcome=outcome,
            unit=unit or item.responsible_unit,
            people=people.strip(),
            document=document.strip(),
            document_file=document_file or "",
            note=note.strip(),
            decided_on=on,
            decided_by=actor,
        )
        workflow.ITEMS.record(
            actor=actor,
            obj=item,
            code="escalation",
            label=rule.name,
            on=on,
            details={"rule": rule.name, "outcome": outcome},
        )
        if outcome == DecisionOutcome.APPLIED:
            url = reverse("ledger:item", args=[item.pk])
            title = f"{rule.name}：{item.type.name}"
            notice_send(
                region=item.region,
                roles={Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF},
                title=title,
                body=item.problem[:200],
                url=url,
                kind="escalation",
                above=True,
            )
            if decision.unit_id:
                notice_send(
                    recipients=User.objects.filter(ledger_unit__unit_id=decision.unit_id),
                    title=title,
                    body=item.problem[:200],
                    url=url,
                    kind="escalation",
                )
    return decision

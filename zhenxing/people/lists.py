"""清单制: a village micro-power's procedure as data, and cases tracked against it.

Each ``Power`` has ordered ``PowerStep`` rows (the published procedure). A ``PowerCase`` moves
only by recording its next step (``done_steps + 1``): a step can be neither skipped nor done
twice, and recording the last step closes the case. Who did each step, on what day and who
recorded it are kept in ``CaseStep`` (insert-only). The case's states are data in ``workflow.py``;
two people acting on one case at once are serialised by the transition engine (row lock and
version check).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.lib.errors import require_current

from . import workflow
from .models import CaseState, Power, PowerCase, PowerStep

CASE_TRANSITIONS = workflow.CASE_TRANSITIONS  # the flow is data (workflow.py)


def next_step(case: PowerCase) -> PowerStep | None:
    if case.state != CaseState.OPEN:
        return None
    return case.power.steps.filter(order=case.done_steps + 1).first()


def step_append(*, actor, power: Power, name: str, actor_name: str, time_limit_days: int | None = None) -> PowerStep:
    """Add a step at the end of a power's procedure; not while cases are open under it."""
    scope.require_write(actor, power, "people.list.write")
    if power.cases.filter(state=CaseState.OPEN).exists():
        raise ValidationError("该事项有办理中的案件，不能修改办理流程")
    if not name.strip() or not actor_name.strip():
        raise ValidationError("请填写环节名称和责任主体")
    with transaction.atomic(), acting(actor):
        last = power.steps.aggregate(n=Max("order"))["n"] or 0
        return PowerStep.objects.create(
            power=power, order=last + 1, name=name.strip(), actor=actor_name.strip(), time_limit_days=time_limit_days
        )


def case_open(*, actor, power: Power, title: str, applicant: str = "", opened: dt.date | None = None) -> PowerCase:
    scope.require_write(actor, power, "people.list.write")
    if not power.steps.exists():
        raise ValidationError("该权力事项尚未公布办理流程")
    if not title.strip():
        raise ValidationError({"title": ["请填写事项名称"]})
    with transaction.atomic(), acting(actor):
        return PowerCase.objects.create(
            power=power,
            title=title.strip(),
            applicant=applicant,
            opened=opened or timezone.localdate(),
            opened_by=actor,
        )


def case_step_record(
    *,
    actor,
    case: PowerCase,
    step: PowerStep,
    done_by: str,
    done_on: dt.date,
    note: str = "",
    version: int | None = None,
    request=None,
) -> PowerCase:
    """Record that ``step`` of ``case`` was done by ``done_by`` on ``done_on``; it must be the next step."""
    require_current(version, case.version, "该事项已被他人办理，请刷新后重试")
    scope.require_write(actor, case, "people.list.write")
    if case.state != CaseState.OPEN:
        raise ValidationError(f"该事项{case.get_state_display()}，不能再办理")
    if step.power_id != case.power_id:
        raise ValidationError("该步骤不属于此权力事项")
    expected = next_step(case)
    if expected is None or step.order != expected.order:
        raise ValidationError(
            f"须按流程办理：下一步为第{expected.order}步「{expected.name}」" if expected else "该事项已无待办步骤"
        )
    if not done_by.strip():
        raise ValidationError({"done_by": ["请填写办理人"]})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": ["办理日期不能晚于今天"]})
    previous = case.records.order_by("-step__order").first()
    floor = previous.done_on if previous else case.opened
    if done_on < floor:
        raise ValidationError({"done_on": [f"办理日期不能早于上一环节（{floor:%Y年%m月%d日}）"]})
    is_last = not case.power.steps.filter(order__gt=step.order).exists()
    workflow.LIST_CASES.apply(
        actor=actor,
        obj=case,
        code="finish" if is_last else "step",
        version=version,
        step=step,
        done_by=done_by.strip(),
        done_on=done_on,
        note=note,
        request=request,
    )
    return case


def case_withdraw(*, actor, case: PowerCase, reason: str, request=None) -> PowerCase:
    workflow.LIST_CASES.apply(actor=actor, obj=case, code="withdraw", reason=reason, request=request)
    return case

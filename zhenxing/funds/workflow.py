"""The project lifecycle, as data: every allowed step, who may take it, and what must be true.

申报 → 乡镇审核 → 论证 → 县级审定（入库）→ 纳入年度计划 → 开工 → 在建 → 竣工 → 验收 → 资产移交

Before entering the pool the township (at 申报) and the county (at 乡镇审核 and 论证) may send a
project back to the village (退回修改; the village edits it and declares it again) or refuse it
(不予入库, final), each with a reason. 验收 needs the year's minimum days after 竣工 and share of
the budget paid (``YearParameter``).

The one function that moves a project is ``services.project_transition``; it looks the step up
here and takes it through the one transition engine (zhenxing.workflow): the actor's role and
data scope, the evidence, the date and the step's checks (``lifecycle.py``), then the status under
an optimistic lock, the step's record (``ProjectTransition``, insert-only) and an audit event
``transition``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from zhenxing import workflow as engine
from zhenxing.accounts.models import Role

from .lifecycle import (
    DECLARE_ROLES,
    acceptance_refusal,
    check_complete,
    check_funded,
    check_has_asset,
    check_not_negative,
)
from .models import OFF_LINE_STATUSES, Project, ProjectTransition
from .models import ProjectStatus as S

COUNTY = frozenset({Role.COUNTY_STAFF})
TOWNSHIP = frozenset({Role.TOWNSHIP_STAFF})
IMPLEMENTING = frozenset({Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF})
DECLARING = DECLARE_ROLES


def _not_future(move: engine.Move) -> str | None:
    return "日期不能晚于今天" if move.extra["date"] > timezone.localdate() else None


def _not_before_last(move: engine.Move) -> str | None:
    last = move.obj.transitions.order_by("-id").first()
    if last is not None and move.extra["date"] < last.date:
        return f"日期不能早于上一步骤（{last.date:%Y年%m月%d日}）"
    return None


def _project_check(check: Callable[..., str]) -> engine.Guard:
    return engine.previewable(lambda move: check(move.obj) or None)


@engine.previewable
def _acceptance(move: engine.Move) -> str | None:
    return acceptance_refusal(move.obj, on=move.extra["date"]) or None


def _dated(move: engine.Move) -> dict:
    changes = {"status_date": move.extra["date"]}
    if move.target == S.COMPLETED:
        changes["completed_on"] = move.extra["date"]
    if move.target == S.PLANNED:
        changes["plan_year"] = move.obj.plan_year or move.obj.year
    if move.target == S.STARTED:
        changes["started_on"] = move.extra["date"]
    return changes


def Step(
    source: str,
    target: str,
    label: str,
    roles: frozenset[str],
    checks: tuple[Callable[..., str], ...] = (),
    guards: tuple[engine.Guard, ...] = (),
    not_same_actor_as: tuple[str, ...] = (),
) -> engine.Transition:
    """A step of the main line is named by the status it leads to (reached from one status only).
    ``not_same_actor_as``: the earlier steps whose actor may not take this one (maker ≠ checker)."""
    return engine.Transition(
        code=str(target),
        label=label,
        sources=(source,),
        target=target,
        roles=roles,
        needs_evidence=True,
        guards=(_not_future, _not_before_last, *(_project_check(c) for c in checks), *guards),
        effects=(_dated,),
        not_same_actor_as=not_same_actor_as,
    )


def Back(
    code: str,
    sources: str | tuple[str, ...],
    target: str,
    label: str,
    roles: frozenset[str],
    *,
    needs_reason: bool = True,
) -> engine.Transition:
    """A step off the main line (退回, 不予入库, 重新申报), named by its code."""
    return engine.Transition(
        code=code,
        label=label,
        sources=(sources,) if isinstance(sources, str) else sources,
        target=target,
        roles=roles,
        needs_reason=needs_reason,
        guards=(_not_future, _not_before_last),
        effects=(_dated,),
    )


TRANSITIONS: tuple[engine.Transition, ...] = (
    # Maker ≠ checker: who declared it again does not review it, who reported 竣工 does not accept it.
    Step(
        S.DECLARED, S.TOWNSHIP_REVIEWED, "乡镇审核通过", TOWNSHIP, (check_complete,), not_same_actor_as=("redeclare",)
    ),
    Step(S.TOWNSHIP_REVIEWED, S.APPRAISED, "完成项目论证", COUNTY, (check_complete,)),
    Step(S.APPRAISED, S.APPROVED, "县级审定入库", COUNTY, (check_complete, check_not_negative)),
    Step(S.APPROVED, S.PLANNED, "纳入年度计划", COUNTY, (check_complete, check_not_negative)),
    Step(S.PLANNED, S.STARTED, "开工", IMPLEMENTING, (check_funded,)),
    Step(S.STARTED, S.IN_PROGRESS, "在建", IMPLEMENTING),
    Step(S.IN_PROGRESS, S.COMPLETED, "竣工", IMPLEMENTING),
    Step(S.COMPLETED, S.ACCEPTED, "验收", COUNTY, guards=(_acceptance,), not_same_actor_as=(str(S.COMPLETED),)),
    Step(S.ACCEPTED, S.HANDED_OVER, "资产移交", COUNTY, (check_has_asset,)),
    # Off the main line, before the pool: each with a reason (the step's 说明), no document needed.
    Back("township_return", S.DECLARED, S.RETURNED, "退回村级修改", TOWNSHIP),
    Back("township_refuse", S.DECLARED, S.REFUSED, "乡镇审核不予入库", TOWNSHIP),
    Back("county_return", (S.TOWNSHIP_REVIEWED, S.APPRAISED), S.RETURNED, "退回村级修改", COUNTY),
    Back("county_refuse", (S.TOWNSHIP_REVIEWED, S.APPRAISED), S.REFUSED, "县级审定不予入库", COUNTY),
    Back("redeclare", S.RETURNED, S.DECLARED, "修改后重新申报", DECLARING, needs_reason=False),
)


def _record(move: engine.Move) -> ProjectTransition:
    return ProjectTransition.objects.create(
        project=move.obj,
        from_status=move.source,
        to_status=move.target,
        date=move.extra["date"],
        evidence=move.evidence.strip(),
        note=move.extra.get("note", ""),
        actor=move.actor,
        actor_level=move.actor.role,
    )


MACHINE = engine.register(
    engine.Machine(
        model=Project,
        transitions=TRANSITIONS,
        write_action="funds.project.transition",
        history=_record,
        audit_extra=lambda move: {"date": move.extra["date"]},
        denied_message="“{t.label}”须由{t.roles_label}办理",
        evidence_message="须填写依据（文号、会议纪要或验收报告等）",
        reason_message="退回或不予入库须在“说明”中写明理由",
        error_field="to",
        stale_message="该项目已被他人修改，请刷新后重试",
    )
)


def find(source: str, target: str) -> engine.Transition | None:
    return next((t for t in TRANSITIONS if source in t.sources and t.target == target), None)


def available(project: Project, user) -> list[engine.Transition]:
    """Steps this user could take now (role-wise); the checks run when the step is taken."""
    return MACHINE.available(project, user)


def requirements(project: Project) -> list[engine.Requirement]:
    """What the steps ahead of a project will require (complete information, funds arranged, days
    after 竣工 and share paid before 验收, an asset before 移交 …), by the steps' own checks as of
    today: the form says it before the user sends the project on."""
    return MACHINE.ahead(project, date=timezone.localdate())


def next_step(status: str) -> engine.Transition | None:
    """The main line's next step (never a 退回 or 不予入库)."""
    return next((t for t in TRANSITIONS if t.source == status and t.target not in OFF_LINE_STATUSES), None)

"""The two state machines of the collective, as data, through the one transition engine:
membership confirmation (申请 → 民主评议 → 公示 → 确认, or 未通过; 丧失成员身份 with a reason) and a
year's distribution (草案 → 成员大会通过 → 公示 → 发放). A confirmation and an approval are taken
by another person than the one who recorded the application or drafted the plan (maker ≠ checker)."""

from __future__ import annotations

import datetime as dt

from zhenxing import workflow as engine

from .models import CollectiveMember, Distribution, DistributionState, LeaveReason, MemberEvent, MemberState
from .services import allot, posting_days


def _posting_over(posted_on: dt.date | None, today: dt.date) -> str | None:
    days = posting_days()
    if posted_on is None:
        return "尚未公示"
    if today < posted_on + dt.timedelta(days=days):
        return f"公示期{days}天未满（{posted_on + dt.timedelta(days=days):%Y年%m月%d日}起方可办理）"
    return None


def _not_recorder(actor, member: CollectiveMember) -> bool:
    return member.recorded_by_id is None or actor.pk != member.recorded_by_id


def _not_maker(actor, plan: Distribution) -> bool:
    return plan.made_by_id is None or actor.pk != plan.made_by_id


def _confirm(move: engine.Move) -> dict:
    allot(move.obj, move.extra["today"], move.actor)
    return {"confirmed_on": move.extra["today"], "confirmed_by": move.actor}


def _leave_reason(move: engine.Move) -> str | None:
    return None if move.extra.get("left_reason") in LeaveReason.values else "请选择丧失成员身份的原因"


def _member_history(move: engine.Move) -> MemberEvent:
    return MemberEvent.objects.create(
        member=move.obj,
        code=move.code,
        label=move.label,
        from_state=move.source,
        to_state=move.target,
        note=move.reason or (move.evidence if isinstance(move.evidence, str) else ""),
        actor=move.actor,
    )


MEMBER_TRANSITIONS = [
    engine.Transition(
        code="appraise",
        label="民主评议",
        sources=(MemberState.APPLIED,),
        target=MemberState.APPRAISED,
        needs_evidence=True,
        effects=(lambda move: {"appraisal_meeting": move.evidence.strip()},),
    ),
    engine.Transition(
        code="post",
        label="公示",
        sources=(MemberState.APPRAISED,),
        target=MemberState.POSTED,
        effects=(lambda move: {"posted_on": move.extra["today"]},),
    ),
    engine.Transition(
        code="confirm",
        label="确认成员身份",
        sources=(MemberState.POSTED,),
        target=MemberState.CONFIRMED,
        who=_not_recorder,
        guards=(lambda move: _posting_over(move.obj.posted_on, move.extra["today"]),),
        effects=(_confirm,),
    ),
    engine.Transition(
        code="reject",
        label="不予确认",
        sources=(MemberState.APPLIED, MemberState.APPRAISED, MemberState.POSTED),
        target=MemberState.REJECTED,
        needs_reason=True,
    ),
    engine.Transition(
        code="leave",
        label="丧失成员身份",
        sources=(MemberState.CONFIRMED,),
        target=MemberState.LEFT,
        needs_reason=True,
        guards=(_leave_reason,),
        effects=(lambda move: {"left_reason": move.extra["left_reason"], "left_on": move.extra["today"]},),
    ),
]

MEMBERS = engine.register(
    engine.Machine(
        model=CollectiveMember,
        transitions=MEMBER_TRANSITIONS,
        state_field="state",
        write_action="collective.books.keep",
        history=_member_history,
        audit_extra=lambda move: {"flow": "collective_member"},
        denied_message="{t.label}须由登记人以外的工作人员办理",
        evidence_message="请填写民主评议的会议（名称、日期、结果）",
        stale_message="该成员记录已被他人处理，请刷新后重试",
    )
)


def _meeting(move: engine.Move) -> dict:
    return {"meeting": move.evidence.strip(), "approved_by": move.actor}


DISTRIBUTION_TRANSITIONS = [
    engine.Transition(
        code="approve",
        label="成员（代表）大会通过",
        sources=(DistributionState.DRAFT,),
        target=DistributionState.APPROVED,
        who=_not_maker,
        needs_evidence=True,
        effects=(_meeting,),
    ),
    engine.Transition(
        code="post",
        label="公示",
        sources=(DistributionState.APPROVED,),
        target=DistributionState.POSTED,
        effects=(lambda move: {"posted_on": move.extra["today"]},),
    ),
    engine.Transition(
        code="pay",
        label="发放",
        sources=(DistributionState.POSTED,),
        target=DistributionState.PAID,
        guards=(lambda move: _posting_over(move.obj.posted_on, move.extra["today"]),),
        effects=(lambda move: {"paid_on": move.extra["today"]},),
    ),
]

DISTRIBUTIONS = engine.register(
    engine.Machine(
        model=Distribution,
        transitions=DISTRIBUTION_TRANSITIONS,
        state_field="state",
        write_action="collective.books.keep",
        audit_extra=lambda move: {"flow": "collective_distribution", "year": move.obj.year},
        denied_message="{t.label}须由编制人以外的工作人员录入",
        evidence_message="请填写成员（代表）大会决议（会议名称、日期、表决结果）",
        stale_message="该分配方案已被他人处理，请刷新后重试",
    )
)

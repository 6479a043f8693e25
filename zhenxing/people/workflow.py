"""The two state machines of the village ledgers, as data, taken through the one transition engine
(zhenxing.workflow): 积分制 point entries (``points.py``) and 清单制 list cases (``lists.py``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from zhenxing import workflow as engine

from .models import CaseState, CaseStep, EntryState, PointAccount, PointEntry, PowerCase
from .services import VILLAGE_COMMITTEE

# ---------------------------------------------------------------- 积分制: point entries


def _posting_over(entry: PointEntry, today: dt.date) -> str | None:
    from .selectors import county_setting

    days = county_setting(entry.household.village, today.year).points_posting_days
    if entry.posted_on is None or today < entry.posted_on + dt.timedelta(days=days):
        ends = entry.posted_on + dt.timedelta(days=days) if entry.posted_on else None
        return f"公示期{days}天未满（{ends:%Y年%m月%d日}起方可入账）" if ends else "尚未公示"
    return None


def _credit(move: engine.Move) -> dict:
    """The confirmed, posted points go to the household's balance (a deduction stops at zero)."""
    entry = move.obj
    account, _ = PointAccount.objects.get_or_create(household_id=entry.household_id)
    account = PointAccount.objects.select_for_update().get(pk=account.pk)
    applied = entry.points if entry.points > 0 else -min(account.balance, -entry.points)
    PointAccount.objects.filter(pk=account.pk).update(balance=F("balance") + applied, earned=F("earned") + applied)
    return {"credited_at": timezone.now(), "applied": applied}


@dataclass(frozen=True, kw_only=True)
class PointTransition(engine.Transition):
    @property
    def source(self) -> frozenset[str]:  # points' steps may start from several states
        return frozenset(self.sources)


_COMMITTEE = frozenset(VILLAGE_COMMITTEE)
POINT_TRANSITIONS: dict[str, PointTransition] = {
    t.code: t
    for t in [
        PointTransition(
            code="confirm",
            label="村委会确认",
            sources=(EntryState.PROPOSED,),
            target=EntryState.CONFIRMED,
            roles=_COMMITTEE,
            effects=(lambda move: {"confirmed_by": move.actor, "confirmed_at": timezone.now()},),
        ),
        PointTransition(
            code="post",
            label="张榜公示",
            sources=(EntryState.CONFIRMED,),
            target=EntryState.POSTED,
            roles=_COMMITTEE,
            effects=(lambda move: {"posted_on": move.extra["today"]},),
        ),
        PointTransition(
            code="credit",
            label="公示无异议入账",
            sources=(EntryState.POSTED,),
            target=EntryState.CREDITED,
            roles=_COMMITTEE,
            guards=(lambda move: _posting_over(move.obj, move.extra["today"]),),
            effects=(_credit,),
        ),
        PointTransition(
            code="reject",
            label="不予通过",
            sources=(EntryState.PROPOSED, EntryState.CONFIRMED, EntryState.POSTED),
            target=EntryState.REJECTED,
            roles=_COMMITTEE,
            needs_reason=True,
            effects=(lambda move: {"rejected_reason": move.reason},),
        ),
    ]
}

POINTS = engine.register(
    engine.Machine(
        model=PointEntry,
        transitions=POINT_TRANSITIONS.values(),
        state_field="state",
        write_action="people.ledger.write",
        audit_extra=lambda move: {"flow": "points"},
        state_message="当前状态为「{state}」，不能{t.label}",
        denied_message="须由村委会（村干部）办理",
        reason_message="请填写{t.label}的原因",
        stale_message="该记录已被他人处理，请刷新后重试",
    )
)


# ---------------------------------------------------------------- 清单制: list cases


def _step_done(move: engine.Move) -> dict:
    return {"done_steps": move.extra["step"].order}


# The case states: recording a step keeps it open until the last step closes it.
CASE_TRANSITIONS: dict[str, engine.Transition] = {
    t.code: t
    for t in [
        engine.Transition(
            code="step", label="完成步骤", sources=(CaseState.OPEN,), target=CaseState.OPEN, effects=(_step_done,)
        ),
        engine.Transition(
            code="finish", label="办结", sources=(CaseState.OPEN,), target=CaseState.DONE, effects=(_step_done,)
        ),
        engine.Transition(
            code="withdraw", label="撤回", sources=(CaseState.OPEN,), target=CaseState.WITHDRAWN, needs_reason=True
        ),
    ]
}


def _case_step(move: engine.Move) -> CaseStep | None:
    """Who did the step, on what day and who recorded it (insert-only); a withdrawal records none."""
    if move.code == "withdraw":
        return None
    return CaseStep.objects.create(
        case=move.obj,
        step=move.extra["step"],
        done_by=move.extra["done_by"],
        done_on=move.extra["done_on"],
        note=move.extra.get("note", ""),
        recorded_by=move.actor,
    )


def _list_audit(move: engine.Move) -> dict:
    return {"flow": "list"} if move.code == "withdraw" else {"flow": "list", "step": move.extra["step"].order}


LIST_CASES = engine.register(
    engine.Machine(
        model=PowerCase,
        transitions=CASE_TRANSITIONS.values(),
        state_field="state",
        write_action="people.list.write",
        history=_case_step,
        audit_extra=_list_audit,
        state_message="该事项{state}，不能{t.label}",
        reason_message="请填写{t.label}原因",
        stale_message="该事项已被他人办理，请刷新后重试",
    )
)

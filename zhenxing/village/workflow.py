"""The village's two procedures as data, through the one transition engine: a 村规民约 (草案 →
村民会议或村民代表会议表决 → 乡镇备案 → 公布; posting supersedes the earlier one) and a 示范
recommendation (村级推荐 → 乡镇审核 → 县级审定命名, or 未通过)."""

from __future__ import annotations

from zhenxing import workflow as engine
from zhenxing.accounts.models import Role
from zhenxing.audit.writes import audited_update

from .models import Honour, HonourState, Meeting, RuleState, VillageRule

TOWNSHIP_UP = frozenset({Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF})


def _meeting(move: engine.Move) -> str | None:
    return None if move.extra.get("meeting") in Meeting.values else "请选择表决会议（村民会议或村民代表会议）"


def _supersede(move: engine.Move) -> dict:
    earlier = VillageRule.objects.filter(village_id=move.obj.village_id, state=RuleState.POSTED)
    audited_update(earlier.exclude(pk=move.obj.pk), actor=move.actor, state=RuleState.SUPERSEDED)
    return {"posted_on": move.extra["today"]}


RULE_TRANSITIONS = [
    engine.Transition(
        code="vote",
        label="会议表决通过",
        sources=(RuleState.DRAFT,),
        target=RuleState.VOTED,
        needs_evidence=True,
        guards=(_meeting,),
        effects=(
            lambda move: {
                "meeting": move.extra["meeting"],
                "vote_record": move.evidence.strip(),
                "voted_on": move.extra["today"],
            },
        ),
    ),
    engine.Transition(
        code="file",
        label="乡镇备案",
        sources=(RuleState.VOTED,),
        target=RuleState.FILED,
        roles=TOWNSHIP_UP,
        actor_label="乡镇或县级工作人员",
        needs_evidence=True,
        effects=(lambda move: {"filing_number": move.evidence.strip(), "filed_on": move.extra["today"]},),
    ),
    engine.Transition(
        code="post", label="公布", sources=(RuleState.FILED,), target=RuleState.POSTED, effects=(_supersede,)
    ),
    engine.Transition(
        code="return",
        label="退回修改",
        sources=(RuleState.VOTED,),
        target=RuleState.DRAFT,
        roles=TOWNSHIP_UP,
        needs_reason=True,
    ),
]

RULES = engine.register(
    engine.Machine(
        model=VillageRule,
        transitions=RULE_TRANSITIONS,
        state_field="state",
        write_action="village.profile.keep",
        audit_extra=lambda move: {"flow": "village_rule"},
        evidence_message="请填写{t.label}的依据（表决情况或备案编号）",
        stale_message="该村规民约已被他人处理，请刷新后重试",
    )
)


HONOUR_TRANSITIONS = [
    engine.Transition(
        code="review",
        label="乡镇审核通过",
        sources=(HonourState.RECOMMENDED,),
        target=HonourState.TOWNSHIP,
        roles=frozenset({Role.TOWNSHIP_STAFF}),
        actor_label="乡镇工作人员",
    ),
    engine.Transition(
        code="approve",
        label="县级审定命名",
        sources=(HonourState.TOWNSHIP,),
        target=HonourState.APPROVED,
        roles=frozenset({Role.COUNTY_STAFF}),
        actor_label="县级工作人员",
        needs_evidence=True,
        effects=(lambda move: {"decision": move.evidence.strip(), "decided_on": move.extra["today"]},),
    ),
    engine.Transition(
        code="refuse",
        label="不予通过",
        sources=(HonourState.RECOMMENDED, HonourState.TOWNSHIP),
        target=HonourState.REFUSED,
        roles=TOWNSHIP_UP,
        needs_reason=True,
        effects=(lambda move: {"decision": move.reason, "decided_on": move.extra["today"]},),
    ),
]

HONOURS = engine.register(
    engine.Machine(
        model=Honour,
        transitions=HONOUR_TRANSITIONS,
        state_field="state",
        write_action="village.profile.keep",
        audit_extra=lambda move: {"flow": "village_honour"},
        denied_message="{t.label}须由{t.actor_label}办理",
        evidence_message="请填写命名文件文号",
        stale_message="该推荐已被他人处理，请刷新后重试",
    )
)

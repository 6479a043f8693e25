"""The transition engine itself, on a tiny machine declared here over the point entries' table
(not registered, so the people app's own machine is untouched): wrong state, wrong role, reason,
evidence, guards, stale versions, history and audit written once, effects in the step's transaction."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhenxing.accounts.models import Role
from zhenxing.audit.models import AuditEntry
from zhenxing.lib.errors import StaleVersion
from zhenxing.people.models import EntryState, PointAccount, PointCategory, PointEntry, PointRule
from zhenxing.registry.testing import make_household
from zhenxing.workflow import Machine, Transition, transition_apply

CADRE = frozenset({Role.VILLAGE_CADRE})


def _needs_note(move) -> str | None:
    return None if move.obj.note else "事由未填写，不能公示"


def _boom(move) -> None:
    raise RuntimeError("effect failed")


def _open_account(move) -> dict:
    PointAccount.objects.create(household_id=move.obj.household_id, balance=5, earned=5)
    return {"confirmed_at": timezone.now(), "confirmed_by": move.actor}


def tiny(history: list, *effects) -> Machine:
    return Machine(
        model=PointEntry,
        state_field="state",
        transitions=[
            Transition(
                code="confirm",
                label="确认",
                sources=(EntryState.PROPOSED,),
                target=EntryState.CONFIRMED,
                roles=CADRE,
                effects=(_open_account, *effects),
            ),
            Transition(
                code="post",
                label="公示",
                sources=(EntryState.CONFIRMED,),
                target=EntryState.POSTED,
                roles=CADRE,
                needs_evidence=True,
                guards=(_needs_note,),
            ),
            Transition(
                code="reject",
                label="驳回",
                sources=(EntryState.PROPOSED, EntryState.CONFIRMED),
                target=EntryState.REJECTED,
                needs_reason=True,
                who=lambda actor, entry: actor.region_id == entry.household.village_id,
            ),
        ],
        history=lambda move: history.append((move.code, move.source, move.target, move.reason)) or len(history),
        audit_extra=lambda move: {"flow": "tiny"},
    )


@pytest.fixture
def entry(w):
    household = make_household(village=w.r.fendou)
    rule = PointRule.objects.create(village=w.r.fendou, category=PointCategory.PUBLIC_WORKS, name="义务劳动", points=10)
    return PointEntry.objects.create(
        household=household, rule=rule, points=10, date=dt.date(2026, 6, 1), proposer_name="一组组长"
    )


def transitions_of(entry) -> int:
    return AuditEntry.objects.filter(action="transition", model="people.pointentry", object_id=str(entry.pk)).count()


def test_a_step_writes_state_version_effects_history_and_audit_once(w, entry):
    history: list = []
    move = tiny(history).apply(actor=w.fendou, obj=entry, code="confirm")
    assert (entry.state, entry.version, entry.confirmed_by) == (EntryState.CONFIRMED, 2, w.fendou)
    assert entry.confirmed_at is not None and PointAccount.objects.filter(household=entry.household).exists()
    assert history == [("confirm", EntryState.PROPOSED, EntryState.CONFIRMED, "")] and move.history == 1
    audit = AuditEntry.objects.get(action="transition", model="people.pointentry", object_id=str(entry.pk))
    assert audit.actor == w.fendou
    assert audit.extra == {
        "action": "confirm",
        "label": "确认",
        "from": "proposed",
        "to": "confirmed",
        "reason": "",
        "flow": "tiny",
    }


def test_refused_from_the_wrong_state(w, entry):
    history: list = []
    with pytest.raises(ValidationError, match="当前状态为“待村委会确认”，不能公示"):
        tiny(history).apply(actor=w.fendou, obj=entry, code="post", evidence="张榜照片")
    with pytest.raises(ValidationError, match="未知操作"):
        tiny(history).apply(actor=w.fendou, obj=entry, code="fly")
    assert history == [] and transitions_of(entry) == 0


def test_refused_for_the_wrong_role_and_by_the_who_predicate(w, entry):
    history: list = []
    with pytest.raises(PermissionDenied, match="您无权确认"):  # the township is not the village committee
        tiny(history).apply(actor=w.shibazhan, obj=entry, code="confirm")
    with pytest.raises(PermissionDenied, match="您无权驳回"):  # another village's cadre
        tiny(history).apply(actor=w.kaikukang, obj=entry, code="reject", reason="重复申报")
    entry.refresh_from_db()
    assert entry.state == EntryState.PROPOSED and history == [] and transitions_of(entry) == 0


def test_a_reason_is_needed_where_the_step_says_so(w, entry):
    history: list = []
    with pytest.raises(ValidationError, match="驳回须填写理由"):
        tiny(history).apply(actor=w.fendou, obj=entry, code="reject", reason="   ")
    tiny(history).apply(actor=w.fendou, obj=entry, code="reject", reason=" 重复申报 ")
    assert entry.state == EntryState.REJECTED and history[-1][3] == "重复申报"


def test_guard_and_evidence_refusals_are_reported_together_in_chinese(w, entry):
    history: list = []
    machine = tiny(history)
    machine.apply(actor=w.fendou, obj=entry, code="confirm")
    with pytest.raises(ValidationError) as refused:
        machine.apply(actor=w.fendou, obj=entry, code="post", evidence="  ")
    assert refused.value.messages == ["请填写公示的依据", "事由未填写，不能公示"]
    PointEntry.objects.filter(pk=entry.pk).update(note="参加义务劳动")
    entry.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        machine.apply(actor=w.fendou, obj=entry, code="post")
    assert refused.value.messages == ["请填写公示的依据"]
    machine.apply(actor=w.fendou, obj=entry, code="post", evidence="张榜照片")
    assert entry.state == EntryState.POSTED and len(history) == 2


def test_a_stale_version_raises_stale_version_and_writes_nothing(w, entry):
    history: list = []
    machine = tiny(history)
    with pytest.raises(StaleVersion, match="该记录已被他人修改"):
        machine.apply(actor=w.fendou, obj=entry, code="confirm", version=entry.version - 1)
    shown = PointEntry.objects.get(pk=entry.pk)  # a page opened before someone else acted
    PointEntry.objects.filter(pk=entry.pk).update(version=entry.version + 1)
    with pytest.raises(StaleVersion):
        machine.apply(actor=w.fendou, obj=shown, code="confirm")
    stored = PointEntry.objects.get(pk=entry.pk)
    assert (stored.state, stored.version, stored.confirmed_at) == (EntryState.PROPOSED, entry.version + 1, None)
    assert not PointAccount.objects.filter(household=entry.household).exists()  # the effect did not run
    assert history == [] and transitions_of(entry) == 0
    assert isinstance(StaleVersion("x"), ValidationError)  # pages that show validation errors show it too


def test_a_failing_effect_rolls_the_whole_step_back(w, entry):
    history: list = []
    with pytest.raises(RuntimeError):
        tiny(history, _boom).apply(actor=w.fendou, obj=entry, code="confirm")
    stored = PointEntry.objects.get(pk=entry.pk)
    assert (stored.state, stored.version) == (EntryState.PROPOSED, 1)
    assert not PointAccount.objects.filter(household=entry.household).exists()  # the first effect's write undone
    assert history == [] and transitions_of(entry) == 0


def test_transition_apply_uses_the_machine_registered_for_the_model(w, entry):
    transition_apply(actor=w.fendou, obj=entry, code="confirm", today=dt.date(2026, 6, 2))  # people's 积分制 machine
    assert entry.state == EntryState.CONFIRMED and entry.version == 2
    assert (
        AuditEntry.objects.get(action="transition", object_id=str(entry.pk), model="people.pointentry").extra["flow"]
        == "points"
    )
    with pytest.raises(LookupError):
        transition_apply(actor=w.fendou, obj=PointRule.objects.first(), code="confirm")


def test_available_steps_are_data_a_fake_record_can_answer():
    machine = tiny([])
    record = SimpleNamespace(state=EntryState.CONFIRMED, household=SimpleNamespace(village_id=7))
    cadre = SimpleNamespace(role=Role.VILLAGE_CADRE, region_id=7, is_read_only=False)
    stranger = SimpleNamespace(role=Role.VILLAGE_CADRE, region_id=8, is_read_only=False)
    inspector = SimpleNamespace(role=Role.INSPECTOR, region_id=7, is_read_only=True)
    assert [t.code for t in machine.available(record, cadre)] == ["post", "reject"]
    assert [t.code for t in machine.available(record, stranger)] == ["post"]
    assert machine.available(record, inspector) == []
    assert [t.code for t in machine.from_state(EntryState.PROPOSED)] == ["confirm", "reject"]

"""清单制: a case follows its power's published steps in order; none can be skipped or repeated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhenxing.people import lists
from zhenxing.people import models as m

D = dt.date(2026, 5, 4)


@pytest.fixture
def power(w):
    p = m.Power.objects.create(village=w.r.fendou, number=1, name="村集体资金支出", category=m.PowerCategory.SPENDING)
    for name in ("提出申请", "两委商议", "监委会审核"):
        lists.step_append(actor=w.fendou, power=p, name=name, actor_name="村委会")
    return p


def _step(power, order):
    return power.steps.get(order=order)


def test_steps_are_numbered_in_order(power):
    assert list(power.steps.values_list("order", "name")) == [(1, "提出申请"), (2, "两委商议"), (3, "监委会审核")]


def test_a_case_cannot_skip_a_step(w, power):
    case = lists.case_open(actor=w.fendou, power=power, title="购置桌椅", opened=D)
    with pytest.raises(ValidationError, match="第1步"):
        lists.case_step_record(actor=w.fendou, case=case, step=_step(power, 2), done_by="书记", done_on=D)
    case = lists.case_step_record(actor=w.fendou, case=case, step=_step(power, 1), done_by="报账员", done_on=D)
    assert case.done_steps == 1 and case.state == m.CaseState.OPEN
    with pytest.raises(ValidationError, match="第2步"):
        lists.case_step_record(actor=w.fendou, case=case, step=_step(power, 3), done_by="监委会", done_on=D)
    with pytest.raises(ValidationError):  # nor be repeated
        lists.case_step_record(actor=w.fendou, case=case, step=_step(power, 1), done_by="报账员", done_on=D)


def test_the_last_step_closes_the_case_and_records_who_did_each(w, power):
    case = lists.case_open(actor=w.fendou, power=power, title="购置桌椅", opened=D)
    for order, who in ((1, "报账员"), (2, "书记"), (3, "监委会主任")):
        case = lists.case_step_record(
            actor=w.fendou, case=case, step=_step(power, order), done_by=who, done_on=D + dt.timedelta(days=order)
        )
    assert case.state == m.CaseState.DONE and case.done_steps == 3
    assert list(case.records.order_by("step__order").values_list("done_by", flat=True)) == [
        "报账员",
        "书记",
        "监委会主任",
    ]
    assert set(case.records.values_list("recorded_by", flat=True)) == {w.fendou.pk}
    assert lists.next_step(case) is None
    with pytest.raises(ValidationError):
        lists.case_step_record(actor=w.fendou, case=case, step=_step(power, 3), done_by="x", done_on=D)


def test_a_step_cannot_be_dated_before_the_previous_one(w, power):
    case = lists.case_open(actor=w.fendou, power=power, title="购置桌椅", opened=D)
    with pytest.raises(ValidationError, match="不能早于"):
        lists.case_step_record(
            actor=w.fendou, case=case, step=_step(power, 1), done_by="报账员", done_on=D - dt.timedelta(days=1)
        )
    case = lists.case_step_record(actor=w.fendou, case=case, step=_step(power, 1), done_by="报账员", done_on=D)
    lists.case_step_record(
        actor=w.fendou, case=case, step=_step(power, 2), done_by="书记", done_on=D
    )  # same day is fine


def test_stale_page_cannot_record_twice(w, power):
    case = lists.case_open(actor=w.fendou, power=power, title="购置桌椅", opened=D)
    shown = m.PowerCase.objects.get(pk=case.pk)
    lists.case_step_record(actor=w.fendou, case=case, step=_step(power, 1), done_by="甲", done_on=D, version=1)
    with pytest.raises(ValidationError, match="已被他人办理"):
        lists.case_step_record(actor=w.fendou, case=shown, step=_step(power, 1), done_by="乙", done_on=D, version=1)
    assert m.CaseStep.objects.filter(case=case).count() == 1


def test_procedure_is_frozen_while_cases_are_open(w, power):
    lists.case_open(actor=w.fendou, power=power, title="购置桌椅", opened=D)
    with pytest.raises(ValidationError, match="办理中"):
        lists.step_append(actor=w.fendou, power=power, name="结果公开", actor_name="村委会")


def test_withdrawn_case_takes_no_more_steps(w, power):
    case = lists.case_open(actor=w.fendou, power=power, title="购置桌椅", opened=D)
    case = lists.case_withdraw(actor=w.fendou, case=case, reason="申请人撤回")
    assert case.state == m.CaseState.WITHDRAWN
    with pytest.raises(ValidationError):
        lists.case_step_record(actor=w.fendou, case=case, step=_step(power, 1), done_by="甲", done_on=D)


def test_only_the_village_and_its_township_keep_cases(w, power):
    with pytest.raises(PermissionDenied):
        lists.case_open(actor=w.kaikukang, power=power, title="x", opened=D)
    with pytest.raises(PermissionDenied):
        lists.case_open(actor=w.ducha, power=power, title="x", opened=D)
    assert lists.case_open(actor=w.shibazhan, power=power, title="乡镇代办", opened=D).pk


def test_a_power_without_steps_takes_no_cases(w):
    p = m.Power.objects.create(village=w.r.fendou, number=2, name="宅基地审批", category=m.PowerCategory.HOUSING_SITE)
    with pytest.raises(ValidationError, match="流程"):
        lists.case_open(actor=w.fendou, power=p, title="x", opened=D)

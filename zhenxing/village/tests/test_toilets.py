"""Toilet census and rectification across modules: a problem toilet opens one ledger item; the
ledger's 核验销号 makes it 已整改, and a failed 回头看 sends both back; the figures follow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhenxing.ledger import services as ledger
from zhenxing.ledger.models import ItemStatus, RectificationItem
from zhenxing.registry.testing import make_household
from zhenxing.village import toilets
from zhenxing.village.indicators import INDICATORS
from zhenxing.village.models import Toilet, ToiletStatus

TODAY = dt.date.today()
FIGURES = {i.code: i for i in INDICATORS}


@pytest.fixture
def toilet(w):
    household = make_household(village=w.r.fendou)
    return toilets.toilet_survey(actor=w.fendou, household=household, kind="flush", mode="water", built_year=2020)


def _close(w, item):
    ledger.item_transition(actor=w.fendou, item=item, action="start")
    ledger.item_transition(actor=w.fendou, item=item, action="fix", evidence="已改造（照片）")
    ledger.item_transition(actor=w.shibazhan, item=item, action="verify")


def test_problem_toilet_opens_one_ledger_item_and_closing_it_rectifies_the_toilet(w, toilet):
    item = toilets.toilet_problem(actor=w.fendou, toilet=toilet, problem="frozen", note="冬季冻堵")
    assert item.type.code == "toilet" and item.household_id == toilet.household_id
    toilet.refresh_from_db()
    assert toilet.status == ToiletStatus.PROBLEM and toilet.item_id == item.pk and toilet.deadline == item.deadline
    with pytest.raises(ValidationError):  # once
        toilets.toilet_problem(actor=w.fendou, toilet=toilet, problem="leak")
    assert RectificationItem.objects.filter(source_ref=f"village.toilet:{toilet.pk}").count() == 1

    _close(w, item)
    item.refresh_from_db()
    toilet.refresh_from_db()
    assert item.status == ItemStatus.CLOSED
    assert toilet.status == ToiletStatus.RECTIFIED and toilet.rectified_on == TODAY


def test_failed_recheck_sends_the_item_and_the_toilet_back(w, toilet):
    item = toilets.toilet_problem(actor=w.fendou, toilet=toilet, problem="leak")
    _close(w, item)
    with pytest.raises(PermissionDenied):  # a village cadre does not organise a 回头看
        toilets.recheck_round_start(actor=w.fendou, region=w.r.fendou, name="回头看")
    rnd = toilets.recheck_round_start(actor=w.tahe, region=w.r.tahe, name="回头看", sample_percent=100)
    check = rnd.checks.get()
    with pytest.raises(ValidationError):  # a failure must say what was found
        toilets.recheck_record(actor=w.tahe, recheck=check, passed=False)
    toilets.recheck_record(actor=w.tahe, recheck=check, passed=False, note="化粪池仍渗漏")
    item.refresh_from_db()
    toilet.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS and item.failed_checks == 1
    assert toilet.status == ToiletStatus.RECTIFYING and toilet.rectified_on is None


def test_recheck_round_needs_rectified_toilets(w, toilet):
    with pytest.raises(ValidationError):
        toilets.recheck_round_start(actor=w.tahe, region=w.r.tahe, name="回头看")


def test_census_refuses_a_toilet_without_type_and_another_village(w):
    household = make_household(village=w.r.fendou)
    with pytest.raises(ValidationError) as exc:
        toilets.toilet_survey(actor=w.fendou, household=household, has_toilet=True, kind="")
    assert "厕所类型" in str(exc.value)
    with pytest.raises(PermissionDenied):
        toilets.toilet_survey(actor=w.kaikukang, household=household, kind="flush")
    assert not Toilet.objects.exists()
    t = toilets.toilet_survey(actor=w.fendou, household=household, has_toilet=False)
    assert t.kind == "" and not t.sanitary


def test_figures_sanitary_rate_and_problems(w, toilet):
    other = make_household(village=w.r.fendou)
    toilets.toilet_survey(actor=w.fendou, household=other, kind="plain")
    v = FIGURES["village.sanitary_toilet_rate"].compute(w.r.tahe, TODAY)
    assert (v.numerator, v.denominator) == (1, 2) and float(v.value) == 0.5
    item = toilets.toilet_problem(actor=w.fendou, toilet=toilet, problem="frozen")
    assert FIGURES["village.problem_toilets_open"].compute(w.r.tahe, TODAY).value == 1
    _close(w, item)
    assert FIGURES["village.problem_toilets_open"].compute(w.r.tahe, TODAY).value == 0
    on_time = FIGURES["village.problem_toilets_on_time"].compute(w.r.tahe, TODAY)
    assert (on_time.numerator, on_time.denominator) == (1, 1)

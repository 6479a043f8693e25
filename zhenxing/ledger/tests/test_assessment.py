"""County assessment: computed and manual indicators, ranking, and a published result that does not move."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhenxing.ledger import services
from zhenxing.ledger.models import AssessmentIndicator, AssessmentScore, Notice, SchemeStatus, Scoring

from .conftest import D, fixer


def _item(w, types, region, deadline, closed=None):
    item = services.rectification_item_open(
        actor=w.diqu,
        type=types["water"],
        region=region,
        problem="p",
        source="self_check",
        found_on=D(2022, 3, 1),
        deadline=deadline,
    )
    if closed:
        services.item_transition(actor=fixer(w, region), item=item, action="fix", evidence="e", on=closed)
        services.item_transition(actor=w.diqu, item=item, action="verify", on=closed)
    return item


@pytest.fixture
def scheme(w, types):
    s = services.scheme_create(actor=w.diqu, year=2022, title="2022年度考核", as_of=D(2022, 12, 31))
    services.scheme_indicator_add(
        actor=w.diqu,
        scheme=s,
        code="ledger.rectification_on_time",
        weight=Decimal("60"),
        scoring=Scoring.PROPORTIONAL,
        target=Decimal("1"),
    )
    services.scheme_indicator_add(
        actor=w.diqu, scheme=s, name="工作成效评审", weight=Decimal("40"), scoring=Scoring.MANUAL
    )
    return s


def _ind(weight="10", scoring=Scoring.PROPORTIONAL, target="0.9", higher=True):
    return AssessmentIndicator(weight=Decimal(weight), scoring=scoring, target=Decimal(target), higher_is_better=higher)


def test_scoring_at_the_target_and_below():
    assert services.indicator_score(_ind(), Decimal("0.9"))[0] == Decimal("10")
    assert services.indicator_score(_ind(), Decimal("0.45"))[0] == Decimal("5.00")
    assert services.indicator_score(_ind(scoring=Scoring.PASS_FAIL), Decimal("0.8999"))[0] == Decimal("0")
    assert services.indicator_score(_ind(target="0", higher=False, scoring=Scoring.PASS_FAIL), 0)[0] == Decimal("10")
    assert services.indicator_score(_ind(target="0", higher=False, scoring=Scoring.PASS_FAIL), 1)[0] == Decimal("0")
    assert services.indicator_score(_ind(target="2", higher=False), 4)[0] == Decimal("5.00")
    assert services.indicator_score(_ind(), None)[0] is None  # 不适用, never full marks


def test_computed_manual_ranked_and_published(w, types, scheme):
    _item(w, types, w.r.fendou, D(2022, 4, 30), closed=D(2022, 4, 1))
    _item(w, types, w.r.yongfeng, D(2022, 4, 30))
    _item(w, types, w.r.huma_village, D(2022, 4, 30), closed=D(2022, 4, 2))
    services.scheme_run(actor=w.diqu, scheme=scheme)
    manual = scheme.indicators.get(code="")
    with pytest.raises(ValidationError, match="未打分"):
        services.scheme_publish(actor=w.diqu, scheme=scheme)
    with pytest.raises(ValidationError, match="依据"):
        services.score_enter(
            actor=w.diqu, scheme=scheme, county=w.r.tahe, indicator=manual, score=Decimal("30"), evidence=""
        )
    with pytest.raises(ValidationError, match="0到40"):
        services.score_enter(
            actor=w.diqu, scheme=scheme, county=w.r.tahe, indicator=manual, score=Decimal("40.01"), evidence="座谈"
        )
    for county in (w.r.tahe, w.r.huma, w.r.mohe, w.r.jiagedaqi):
        services.score_enter(
            actor=w.diqu, scheme=scheme, county=county, indicator=manual, score=Decimal("30"), evidence="座谈记录"
        )
    services.scheme_publish(actor=w.diqu, scheme=scheme)
    results = {r.county.name: (r.total, r.rank) for r in scheme.results.select_related("county")}
    # 塔河: 1 of 2 on time -> 30 + 30; 呼玛: 1 of 1 -> 60 + 30; the others have nothing to measure:
    # 不适用, no computed figure applies -> 0 + the review's 30 (not the full 60 + 30)
    assert results["塔河县"] == (Decimal("60.00"), 2)
    assert results["呼玛县"] == (Decimal("90.00"), 1)
    assert results["漠河市"] == (Decimal("30.00"), 3)
    mohe = scheme.results.get(county=w.r.mohe)
    assert (mohe.raw_total, mohe.applicable_weight) == (Decimal("0"), Decimal("0"))
    assert not mohe.scores.get(indicator__code="ledger.rectification_on_time").applicable
    tahe = scheme.results.get(county=w.r.tahe).scores.get(indicator__code="ledger.rectification_on_time")
    assert (tahe.numerator, tahe.denominator, tahe.value) == (Decimal("1"), Decimal("2"), Decimal("0.5000"))
    assert Notice.objects.filter(recipient=w.tahe, kind="assessment").exists()


def test_a_published_assessment_does_not_move_when_data_changes(w, types, scheme):
    open_item = _item(w, types, w.r.fendou, D(2022, 4, 30))
    services.scheme_run(actor=w.diqu, scheme=scheme)
    manual = scheme.indicators.get(code="")
    for county in (w.r.tahe, w.r.huma, w.r.mohe, w.r.jiagedaqi):
        services.score_enter(
            actor=w.diqu, scheme=scheme, county=county, indicator=manual, score=Decimal("20"), evidence="评审"
        )
    services.scheme_publish(actor=w.diqu, scheme=scheme)
    before = list(
        AssessmentScore.objects.filter(result__scheme=scheme)
        .order_by("pk")
        .values_list("value", "score", "numerator", "denominator")
    )
    # the late item is closed within the deadline window in the data after publication
    services.item_transition(actor=w.tahe, item=open_item, action="fix", evidence="e", on=D(2022, 4, 20))
    services.item_transition(actor=w.diqu, item=open_item, action="verify", on=D(2022, 4, 21))
    with pytest.raises(ValidationError, match="已发布"):
        services.scheme_run(actor=w.diqu, scheme=scheme)
    with pytest.raises(ValidationError, match="已发布"):
        services.score_enter(
            actor=w.diqu, scheme=scheme, county=w.r.tahe, indicator=manual, score=Decimal("40"), evidence="改"
        )
    after = list(
        AssessmentScore.objects.filter(result__scheme=scheme)
        .order_by("pk")
        .values_list("value", "score", "numerator", "denominator")
    )
    assert after == before
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.PUBLISHED
    assert scheme.results.get(county=w.r.tahe).total == Decimal("20.00")


def test_weights_must_total_100_to_publish(w, types):
    s = services.scheme_create(actor=w.diqu, year=2022, title="考核", as_of=D(2022, 12, 31))
    services.scheme_indicator_add(
        actor=w.diqu,
        scheme=s,
        code="ledger.tasks_closed",
        weight=Decimal("99"),
        scoring=Scoring.PASS_FAIL,
        target=Decimal("1"),
    )
    services.scheme_run(actor=w.diqu, scheme=s)
    with pytest.raises(ValidationError, match="须为100"):
        services.scheme_publish(actor=w.diqu, scheme=s)


def test_only_the_prefecture_runs_the_assessment(w, scheme):
    with pytest.raises(ValidationError):
        services.scheme_run(actor=w.tahe, scheme=scheme)


def test_every_registered_indicator_runs_in_a_scheme(w, types):
    from zhenxing.lib.modules import indicators

    s = services.scheme_create(actor=w.diqu, year=2022, title="全部系统指标", as_of=D(2022, 12, 31))
    registry = indicators()
    for code in registry:
        services.scheme_indicator_add(
            actor=w.diqu, scheme=s, code=code, weight=Decimal("1"), scoring=Scoring.PASS_FAIL, target=Decimal("0")
        )
    services.scheme_run(actor=w.diqu, scheme=s)
    scores = AssessmentScore.objects.filter(result__scheme=s)
    assert scores.count() == 4 * len(registry)
    assert not scores.filter(score__isnull=True, applicable=True).exists()
    assert not scores.filter(score__isnull=False, applicable=False).exists()
    assert {i.formula for i in s.indicators.all()} == {ind.formula for ind in registry.values()}

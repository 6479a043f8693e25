"""An assessment that cannot be gamed: recording nothing is 不适用, not full marks, and a past-dated
scheme sees the data of its date."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from zhenxing.ledger import services
from zhenxing.ledger.models import Scoring

from .conftest import D, assignment, give_all_evidence


def _demo_like_scheme(w, as_of):
    """The demo's weights: tasks closed 30, on time 30, overdue 20 (pass/fail), review 20."""
    s = services.scheme_create(actor=w.diqu, year=2022, title="2022年度考核", as_of=as_of)
    services.scheme_indicator_add(
        actor=w.diqu,
        scheme=s,
        code="ledger.tasks_closed",
        weight=Decimal("30"),
        scoring=Scoring.PROPORTIONAL,
        target=Decimal("0.9"),
    )
    services.scheme_indicator_add(
        actor=w.diqu,
        scheme=s,
        code="ledger.rectification_on_time",
        weight=Decimal("30"),
        scoring=Scoring.PROPORTIONAL,
        target=Decimal("0.95"),
    )
    services.scheme_indicator_add(
        actor=w.diqu,
        scheme=s,
        code="ledger.rectification_overdue",
        weight=Decimal("20"),
        scoring=Scoring.PASS_FAIL,
        target=Decimal("0"),
    )
    return s


def _close(w, ledger, water_lead, number, county, on):
    a = assignment(ledger, number, county)
    give_all_evidence(w.diqu, a)
    services.assignment_transition(actor=w.tahe if county == w.r.tahe else w.huma, assignment=a, action="submit", on=on)
    services.assignment_transition(actor=water_lead, assignment=a, action="close", on=on)
    return a


def test_a_county_that_logged_and_closed_ranks_above_one_that_recorded_nothing(w, ledger, types, water_lead):
    _close(w, ledger, water_lead, 6, w.r.tahe, D(2022, 12, 1))
    item = services.rectification_item_open(
        actor=w.diqu,
        type=types["water"],
        region=w.r.fendou,
        problem="水压不足",
        source="self_check",
        found_on=D(2022, 3, 1),
        deadline=D(2022, 4, 30),
    )
    services.item_transition(actor=w.tahe, item=item, action="fix", evidence="照片", on=D(2022, 4, 1))
    services.item_transition(actor=w.diqu, item=item, action="verify", on=D(2022, 4, 2))
    scheme = _demo_like_scheme(w, D(2022, 12, 31))
    services.scheme_run(actor=w.diqu, scheme=scheme)
    results = {r.county.name: r for r in scheme.results.select_related("county")}
    tahe, jgdq = results["塔河县"], results["加格达奇区"]
    assert tahe.rank < jgdq.rank and tahe.total > jgdq.total
    # 加格达奇区: 0 tasks closed, no item: on time and overdue are 不适用, never full marks
    scores = {s.indicator.code: s for s in jgdq.scores.select_related("indicator")}
    assert (
        not scores["ledger.rectification_overdue"].applicable and scores["ledger.rectification_overdue"].score is None
    )
    assert not scores["ledger.rectification_on_time"].applicable
    assert (jgdq.raw_total, jgdq.applicable_weight, jgdq.total) == (Decimal("0"), Decimal("30"), Decimal("0"))
    # 塔河县: every figure applies, the overdue count of 0 is earned
    assert all(s.applicable for s in tahe.scores.all())
    assert tahe.scores.get(indicator__code="ledger.rectification_overdue").score == Decimal("20")


def test_result_page_states_the_rule(w, ledger, types, login):
    scheme = _demo_like_scheme(w, D(2022, 12, 31))
    services.scheme_run(actor=w.diqu, scheme=scheme)
    result = scheme.results.get(county=w.r.tahe)
    page = login(w.tahe).get(reverse("ledger:result", args=[result.pk])).content.decode()
    assert "不适用" in page and "适用系统指标分值之和" in page
    page = login(w.diqu).get(reverse("ledger:assessment", args=[scheme.pk])).content.decode()
    assert "适用系统指标分值之和" in page


def test_a_past_dated_assessment_uses_the_data_of_its_date(w, ledger, types, water_lead):
    _close(w, ledger, water_lead, 6, w.r.tahe, D(2022, 12, 1))
    before = _demo_like_scheme(w, D(2022, 11, 30))  # the day before the close-out
    services.scheme_run(actor=w.diqu, scheme=before)
    closed = before.results.get(county=w.r.tahe).scores.get(indicator__code="ledger.tasks_closed")
    assert closed.numerator == 0
    on_the_day = _demo_like_scheme(w, D(2022, 12, 1))
    services.scheme_run(actor=w.diqu, scheme=on_the_day)
    assert on_the_day.results.get(county=w.r.tahe).scores.get(indicator__code="ledger.tasks_closed").numerator == 1
    # an item found after the date does not make the overdue figure applicable
    services.rectification_item_open(
        actor=w.diqu,
        type=types["water"],
        region=w.r.fendou,
        problem="新发现",
        source="self_check",
        found_on=D(2022, 12, 15),
        deadline=D(2022, 12, 30),
    )
    services.scheme_run(actor=w.diqu, scheme=before)
    assert not before.results.get(county=w.r.tahe).scores.get(indicator__code="ledger.rectification_overdue").applicable

"""Runs that do not bury the villages: 收入缺失 once per household and income year, only after the
year's income collection has closed; a dry run counts per rule what a run would raise."""

from __future__ import annotations

import datetime as dt

from zhenxing.monitoring.testing import demo_standard
from zhenxing.registry import testing
from zhenxing.screening import runs
from zhenxing.screening.models import Alert, AlertState

D = dt.date


def _missing(**filters) -> int:
    return Alert.objects.filter(rule="income_missing", **filters).count()


def test_not_raised_until_the_collection_has_closed(w):
    testing.make_household(village=w.r.fendou, number="NONE", income=False)
    summary = runs.screen(actor=None, as_of=D(2022, 3, 31))  # 2021 collection closes 31 March 2022
    assert _missing() == 0 and "income_missing" not in summary["alerts"]
    assert summary["income_missing"] == {"raised": False, "income_year": 2021, "closes": "2022-03-31"}
    runs.screen(actor=None, as_of=D(2022, 4, 1))
    assert _missing(is_open=True) == 1


def test_the_yearly_standard_sets_the_closing_day(w):
    standard = demo_standard(2021)
    standard.income_collection_closes = D(2022, 5, 31)
    standard.save()
    testing.make_household(village=w.r.fendou, number="NONE", income=False)
    runs.screen(actor=None, as_of=D(2022, 5, 31))
    assert _missing() == 0
    runs.screen(actor=None, as_of=D(2022, 6, 1))
    assert _missing() == 1


def test_once_per_household_and_income_year(w):
    h = testing.make_household(village=w.r.fendou, number="NONE", income=False)
    runs.screen(actor=None, as_of=D(2022, 6, 30))
    alert = Alert.objects.get(rule="income_missing")
    assert alert.subject == f"h{h.pk}/2021"
    runs.screen(actor=None, as_of=D(2022, 7, 31))  # the same year again: the open alert is kept
    assert _missing() == 1
    Alert.objects.filter(pk=alert.pk).update(state=AlertState.NO_RISK, is_open=False)  # checked by the village
    runs.screen(actor=None, as_of=D(2022, 8, 31))
    assert _missing() == 1  # closed for 2021: not raised again
    runs.screen(actor=None, as_of=D(2023, 4, 1))  # income year 2022, collection closed
    assert set(Alert.objects.filter(rule="income_missing").values_list("subject", flat=True)) == {
        f"h{h.pk}/2021",
        f"h{h.pk}/2022",
    }


def test_preview_counts_new_and_open_per_rule_and_writes_nothing(w):
    testing.make_household(village=w.r.fendou, number="LOW", income={"wage_income": 100})
    testing.make_household(village=w.r.fendou, number="NONE", income=False)
    preview = runs.screen(actor=None, as_of=D(2022, 6, 30), preview=True)
    rows = {r["rule"]: r for r in preview["preview"]}
    assert (rows["income"]["alerts"], rows["income"]["new"], rows["income"]["open"]) == (1, 1, 0)
    assert (rows["income_missing"]["new"], rows["income_missing"]["open"]) == (1, 0)
    assert rows["dropout"]["alerts"] == 0
    assert not Alert.objects.exists()
    runs.screen(actor=None, as_of=D(2022, 6, 30))
    testing.make_household(village=w.r.fendou, number="LOW2", income={"wage_income": 50})
    rows = {r["rule"]: r for r in runs.screen(actor=None, as_of=D(2022, 6, 30), preview=True)["preview"]}
    assert (rows["income"]["alerts"], rows["income"]["new"], rows["income"]["open"]) == (2, 1, 1)
    assert Alert.objects.filter(rule="income").count() == 1

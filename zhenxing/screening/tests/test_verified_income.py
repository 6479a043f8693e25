"""Screening reads the household's income as the registry keeps it: a year's net income verified by
the monitoring work (registry.services.household_record_apply) counts instead of the components' sum,
in the rule engine (income below the standard) as in the registry's own per-capita figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhenxing.registry import services as registry
from zhenxing.registry.testing import make_household
from zhenxing.screening import runs
from zhenxing.screening.models import Alert

AS_OF = dt.date(2022, 6, 30)  # income year 2021; the fallback threshold 6000 per person


def _flagged() -> set[str]:
    runs.screen(actor=None, as_of=AS_OF)
    return set(Alert.objects.filter(rule="income", is_open=True).values_list("household__number", flat=True))


def test_a_verified_figure_counts_instead_of_the_components(w):
    # two members each; 12,000 for the household is exactly on the line
    low_verified = make_household(village=w.r.fendou, number="VLOW", income=False)
    high_verified = make_household(village=w.r.fendou, number="VHIGH", income=False)
    make_household(village=w.r.fendou, number="COLLECTED", income={"wage_income": 11999.99}, income_year=2021)
    for h, net in ((low_verified, "11999.99"), (high_verified, "12000")):
        registry.household_record_apply(
            actor=w.fendou, household=h, income=registry.IncomeFigure(2021, Decimal(net)), source="monitoring.case:1"
        )
    assert _flagged() == {"VLOW", "COLLECTED"}
    assert set(Alert.objects.filter(rule="income_missing").values_list("household__number", flat=True)) == set()

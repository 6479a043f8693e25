"""Each registry indicator on the hand-made households (conftest.py) against hand-computed values,
at a village, a township, a county and the prefecture; and the set-based roll-up used by the
nightly snapshot gives exactly what ``compute`` gives for every node."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhenxing.dashboard.services import compute_all
from zhenxing.lib.modules import indicators
from zhenxing.monitoring.models import YearStandard
from zhenxing.regions.models import Region
from zhenxing.registry.models import Household

TODAY = dt.date(2030, 1, 1)  # after every household's creation

# (code, 奋斗村, 十八站乡, 塔河县, 大兴安岭地区)
EXPECTED = [
    ("registry.households", 4, 6, 7, 8),
    ("registry.formerly_poor", 2, 2, 3, 4),
    ("registry.members", 9, 13, 15, 17),
    ("registry.monitored", 2, 3, 3, 4),
    ("registry.monitored.100A03001", 1, 1, 1, 2),
    ("registry.monitored.100A03002", 1, 1, 1, 1),
    ("registry.monitored.100A03003", 0, 1, 1, 1),
    ("registry.eliminated", 1, 1, 1, 1),
    # below 6,800: f1 (6,000), f4 (5,000), k1 (6,799.99); f2 at exactly 6,800 is not below
    ("registry.low_income", 2, 2, 3, 3),
    ("registry.low_income_unmonitored", 1, 1, 2, 2),
    ("registry.housing_unsafe", 1, 1, 1, 1),
    ("registry.water_unsafe", 1, 1, 1, 1),
    ("registry.uninsured", 0, 1, 1, 1),
    ("registry.schooling_unsecured", 0, 0, 1, 1),
]


@pytest.mark.parametrize("code,fendou,shibazhan,tahe,diqu", EXPECTED)
def test_registry_indicator_hand_computed(w, hh, code, fendou, shibazhan, tahe, diqu):
    ind = indicators()[code]
    got = [ind.compute(node, TODAY).value for node in (w.r.fendou, w.r.shibazhan, w.r.tahe, w.r.diqu)]
    assert got == [fendou, shibazhan, tahe, diqu]


def test_monitored_share_is_monitored_over_households(w, hh):
    ind = indicators()["registry.monitored_share"]
    v = ind.compute(w.r.shibazhan, TODAY)
    assert (v.numerator, v.denominator) == (3, 6)
    assert v.value == Decimal("0.5")
    assert ind.compute(w.r.kaikukang, TODAY).value == 0
    empty = Region.objects.get(code="232722200201")  # 十八站村: no households
    assert ind.compute(empty, TODAY).value is None


def test_low_income_uses_the_standard_of_the_income_year(w, hh):
    ind = indicators()["registry.low_income"]
    YearStandard.objects.filter(year=2021).update(threshold=Decimal("6799.99"))
    assert ind.compute(w.r.tahe, TODAY).value == 2  # k1 at exactly the standard no longer counts
    YearStandard.objects.all().delete()
    value = ind.compute(w.r.tahe, TODAY)
    assert value.value is None  # nothing to compare with
    assert value.evidence_url == "/monitoring/standards/"  # where the prefecture admin sets it


def test_low_income_uses_the_standard_in_force_for_the_income_year(w, hh):
    """As ``monitoring.rules.standard_for``: the income year's standard, else the latest earlier one;
    a later year's standard never applies to an earlier income year."""
    ind = indicators()["registry.low_income"]
    YearStandard.objects.all().delete()
    YearStandard.objects.create(year=2022, threshold=Decimal("100000"), reference_income=Decimal("17889"))
    assert ind.compute(w.r.tahe, TODAY).value == 0  # 2022's standard does not reach back to 2021 incomes
    YearStandard.objects.create(year=2020, threshold=Decimal("6800"), reference_income=Decimal("17889"))
    assert ind.compute(w.r.tahe, TODAY).value == 3  # 2020's standard is still in force for 2021
    YearStandard.objects.create(year=2021, threshold=Decimal("5000"), reference_income=Decimal("17889"))
    assert ind.compute(w.r.tahe, TODAY).value == 0  # 2021's own standard: f4 at exactly 5,000 is not below
    bulk = compute_all(ind, list(Region.objects.all()), TODAY)
    assert bulk[w.r.tahe.pk].value == 0


def test_as_of_counts_households_created_by_that_day(w, hh):
    ind = indicators()["registry.households"]
    day = dt.date(2022, 5, 31)
    late = timezone.make_aware(dt.datetime(2022, 6, 1, 0, 0))  # the first instant of the next day
    on_time = timezone.make_aware(dt.datetime(2022, 5, 31, 23, 59))
    Household.objects.exclude(pk=hh.f1.pk).update(created_at=late)
    Household.objects.filter(pk=hh.f1.pk).update(created_at=on_time)
    assert ind.compute(w.r.diqu, day).value == 1
    assert ind.compute(w.r.diqu, dt.date(2022, 6, 1)).value == 8


def test_every_indicator_rolls_up_to_what_compute_gives(w, hh):
    """The nightly snapshot's set-based form and the per-region form are the same definition."""
    nodes = list(Region.objects.all())
    for ind in indicators().values():
        bulk = compute_all(ind, nodes, TODAY)
        for node in nodes:
            one = ind.compute(node, TODAY)
            assert bulk[node.pk].value == one.value, (ind.code, node.name)
            assert bulk[node.pk].evidence_url == one.evidence_url, (ind.code, node.name)


def test_evidence_links_name_the_region_and_the_filter(w, hh):
    url = indicators()["registry.monitored"].compute(w.r.tahe, TODAY).evidence_url
    assert url == "/registry/?region=232722000000&monitoring_status=monitored"
    url = indicators()["registry.formerly_poor"].compute(w.r.fendou, TODAY).evidence_url
    assert url == "/registry/?region=232722200206&formerly_poor=1"

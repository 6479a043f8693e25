"""On the demo data of every module: for every indicator the nightly snapshot does not compute node
by node (a bulk form rolled up, or a figure computed once for all nodes), the stored snapshot of
every region node equals ``compute(node, as_of)``: value, numerator, denominator and link.

The demo's dates: monitoring, people, screening (a run as of today, alerts issued today with a
verification due in 15 days), the rectification items and this year's ledger are relative to today;
the 2022 ledger and funds are 2022. Edges the demo does not reach are tested in
each module (``test_indicators.py``, ``test_loans.py``, ``test_ratios.py``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zhenxing.dashboard.models import IndicatorSnapshot
from zhenxing.dashboard.services import snapshot_take
from zhenxing.lib.modules import indicators
from zhenxing.regions.models import Region

# Figures the demo has nothing for on these dates (the modules' own tests cover them): no monitored
# case lacks help, no alert is verified yet, no 突发严重困难户, no schooling gap.
NOT_IN_DEMO = {
    "monitoring.without_help",
    "screening.alerts_converted",
    "registry.monitored.100A03003",
    "registry.schooling_unsecured",
    # the demo's contract in arrears stays in arrears (the collective's tests collect arrears)
    "collective.arrears_collected",
}


def _dec(x):
    return None if x is None else Decimal(str(x))


def test_snapshot_of_every_bulk_figure_equals_compute_at_every_node(demo_world):
    today = timezone.localdate()
    dates = [today, today + dt.timedelta(days=30), dt.date(2022, 12, 31)]
    checked = [i for i in indicators().values() if i.by_region is not None or not i.regional]
    nodes = list(Region.objects.all())
    measured = set()
    for day in dates:
        snapshot_take(actor=None, date=day)
        stored = {(s.code, s.region_id): s for s in IndicatorSnapshot.objects.filter(date=day)}
        for ind in checked:
            for node in nodes:
                one = ind.compute(node, day)
                s = stored[ind.code, node.pk]
                assert (s.value, s.numerator, s.denominator, s.evidence_url) == (
                    _dec(one.value),
                    _dec(one.numerator),
                    _dec(one.denominator),
                    one.evidence_url,
                ), (ind.code, node.name, day)
                if one.value not in (None, 0) or one.denominator:
                    measured.add(ind.code)
    # the comparison means something only where the demo has records behind the figure
    assert {i.code for i in checked} - measured == NOT_IN_DEMO

"""For tests of any module's indicators: does the snapshot's set-based form give every region node
what ``compute`` gives?"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhenxing.lib.modules import Indicator, IndicatorValue, indicators
from zhenxing.regions.models import Region

from .services import compute_all


def _parts(v: IndicatorValue) -> tuple:
    def dec(x):
        return None if x is None else Decimal(str(x))

    return dec(v.value), dec(v.numerator), dec(v.denominator), v.evidence_url or ""


def bulk_mismatches(ind: Indicator | str, as_of: dt.date) -> list[tuple]:
    """(node, bulk figure, computed figure) for every node where the snapshot's form (``by_region``
    rolled up, or computed once when not regional) differs from ``compute(node, as_of)`` in value,
    numerator, denominator or evidence link."""
    ind = indicators()[ind] if isinstance(ind, str) else ind
    nodes = list(Region.objects.all())
    bulk = compute_all(ind, nodes, as_of)
    out = []
    for node in nodes:
        one = ind.compute(node, as_of)
        if _parts(bulk[node.pk]) != _parts(one):
            out.append((node.name, _parts(bulk[node.pk]), _parts(one)))
    return out

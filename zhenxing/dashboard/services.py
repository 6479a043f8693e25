"""Writes of the dashboard: the indicator snapshot (nightly, or 刷新 by the prefecture admin)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.audit.context import acting
from zhenxing.audit.services import event_log
from zhenxing.lib.modules import Indicator, IndicatorValue, indicators, share
from zhenxing.regions.models import Region

from .models import IndicatorSnapshot

REFRESH_ROLES = {Role.PREFECTURE_ADMIN}
WRITE_RULES = scope.write_rules(
    {
        "dashboard.snapshot.refresh": scope.WriteRule(
            roles=frozenset(REFRESH_ROLES), refusal="只有地区管理员可以刷新指标"
        ),
    }
)

# Who may open a page (scope.page_rules). Every level reads its own figures; the menu lists the
# leaders' dashboard from the township up and the periodic reports (county and prefecture
# reports) from the county up, while a village cadre opens its village's figures from the home page.
_ALL = frozenset(Role)
PAGE_RULES = scope.page_rules(
    {
        "dashboard.home": scope.PageRule(menu=_ALL - {Role.VILLAGE_CADRE}),
        "dashboard.reports": scope.PageRule(menu=_ALL - {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF}),
    }
)


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)) if not isinstance(value, Decimal) else value


@dataclass
class _Acc:
    value: Decimal = Decimal(0)
    numerator: Decimal = Decimal(0)
    denominator: Decimal = Decimal(0)
    seen_ratio: bool = False


def rollup(ind: Indicator, leaves: dict[int, IndicatorValue] | None, nodes: list[Region]) -> dict[int, IndicatorValue]:
    """Every node's figure from the figures of the nodes the records hang on (``by_region``).

    A leaf contributes to itself and to each ancestor named in its path: one pass over the leaves."""
    if leaves is None:  # nothing can be measured (e.g. no standard configured)
        return {r.pk: IndicatorValue(None) for r in nodes}
    id_by_code = {r.code: r.pk for r in nodes}
    path_by_id = {r.pk: r.path for r in nodes}
    acc: dict[int, _Acc] = {r.pk: _Acc() for r in nodes}
    for leaf_id, v in leaves.items():
        path = path_by_id.get(leaf_id)
        if path is None:
            continue
        for code in path.strip("/").split("/"):
            a = acc.get(id_by_code.get(code))
            if a is None:
                continue
            if v.value is not None:
                a.value += _dec(v.value)
            if v.numerator is not None and v.denominator is not None:
                a.numerator += _dec(v.numerator)
                a.denominator += _dec(v.denominator)
                a.seen_ratio = True
    out: dict[int, IndicatorValue] = {}
    for rid, a in acc.items():
        if ind.rollup == "ratio":
            out[rid] = IndicatorValue(
                share(a.numerator, a.denominator), numerator=a.numerator, denominator=a.denominator
            )
        else:
            out[rid] = IndicatorValue(
                a.value,
                numerator=a.numerator if a.seen_ratio else None,
                denominator=a.denominator if a.seen_ratio else None,
            )
    return out


def compute_all(ind: Indicator, nodes: list[Region], as_of: dt.date) -> dict[int, IndicatorValue]:
    """One indicator for every node: set-based when the indicator has a bulk form, once when it is
    the same for every node, else node by node."""
    if ind.by_region is not None and ind.rollup in {"sum", "ratio"}:
        figures = rollup(ind, ind.by_region(as_of), nodes)
        if ind.evidence is not None:
            return {
                node.pk: IndicatorValue(
                    figures[node.pk].value,
                    figures[node.pk].numerator,
                    figures[node.pk].denominator,
                    evidence_url=ind.evidence(node, as_of),
                )
                for node in nodes
            }
        return figures
    if not ind.regional and nodes:
        figure = ind.compute(nodes[0], as_of)
        return {node.pk: figure for node in nodes}
    return {node.pk: ind.compute(node, as_of) for node in nodes}


def snapshot_take(*, actor, date: dt.date | None = None) -> int:
    """Compute every indicator for every region node as of ``date`` and store them, replacing
    that date's figures. Returns the row count."""
    scope.require_write(actor, None, "dashboard.snapshot.refresh")
    date = date or timezone.localdate()
    nodes = list(Region.objects.all())
    now = timezone.now()
    rows = []
    for ind in indicators().values():
        for rid, v in compute_all(ind, nodes, date).items():
            rows.append(
                IndicatorSnapshot(
                    date=date,
                    region_id=rid,
                    code=ind.code,
                    value=_dec(v.value),
                    numerator=_dec(v.numerator),
                    denominator=_dec(v.denominator),
                    evidence_url=(v.evidence_url or "")[:500],
                    computed_at=now,
                )
            )
    with transaction.atomic(), acting(actor):
        IndicatorSnapshot.objects.filter(date=date).delete()
        IndicatorSnapshot.objects.bulk_create(rows, batch_size=5000)
        event_log(
            action="snapshot", actor=actor, extra={"date": date.isoformat(), "regions": len(nodes), "rows": len(rows)}
        )
    return len(rows)

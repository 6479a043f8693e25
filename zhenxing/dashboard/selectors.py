"""Reads of the dashboard: figures come from the stored snapshots only (never recounted per request),
for whatever ``core.modules.indicators()`` returns, grouped by section."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max

from zhenxing.accounts import scope
from zhenxing.lib.modules import Indicator, indicators
from zhenxing.regions.models import Region

from .models import IndicatorSnapshot

# Known sections first, in the plan's order; a section a module adds later follows, then 其他.
SECTION_ORDER = [
    "农户底数",
    "防返贫监测",
    "两不愁三保障",
    "部门筛查预警",
    "重点任务台账",
    "衔接资金",
    "项目资产",
    "就业帮扶",
    "乡村治理",
]
OTHER = "其他"


def sections() -> list[tuple[str, list[Indicator]]]:
    groups: dict[str, list[Indicator]] = {}
    for ind in indicators().values():
        groups.setdefault(getattr(ind, "section", OTHER) or OTHER, []).append(ind)

    def key(name: str):
        if name in SECTION_ORDER:
            return (0, SECTION_ORDER.index(name), name)
        return (2 if name == OTHER else 1, 0, name)

    return [(name, groups[name]) for name in sorted(groups, key=key)]


def ranked(ind: Indicator) -> bool:
    """Lagging regions are named on shares and on things that should be zero; plain counts of
    households or people are sizes, not performance."""
    return ind.unit == "%" or not ind.higher_is_better


def snapshot_date(node: Region, on: dt.date) -> dt.date | None:
    """The date of the latest snapshot of ``node`` on or before ``on``."""
    return IndicatorSnapshot.objects.filter(region=node, date__lte=on).aggregate(d=Max("date"))["d"]


def month_end_before(day: dt.date) -> dt.date:
    return day.replace(day=1) - dt.timedelta(days=1)


@dataclass
class Cell:
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    evidence_url: str = ""
    lagging: bool = False


@dataclass
class Row:
    indicator: Indicator
    cell: Cell
    previous: Cell | None = None

    @property
    def change(self) -> Decimal | None:
        if self.previous is None or self.previous.value is None or self.cell.value is None:
            return None
        return self.cell.value - self.previous.value


@dataclass
class Board:
    """What one dashboard page or one report shows for one node."""

    node: Region
    requested: dt.date
    date: dt.date | None
    previous_date: dt.date | None
    children: list[Region]
    sections: list[tuple[str, list[Row]]] = field(default_factory=list)
    # (section, indicators, {child_id: {code: Cell}})
    child_cells: dict[int, dict[str, Cell]] = field(default_factory=dict)
    computed_at: dt.datetime | None = None

    def child_rows(self, inds: list[Indicator]) -> list[tuple[Region, list[tuple[Indicator, Cell]]]]:
        return [(c, [(i, self.child_cells.get(c.pk, {}).get(i.code, Cell())) for i in inds]) for c in self.children]

    def lagging(self) -> list[tuple[Indicator, Region, Cell]]:
        """For each ranked indicator, the worst child when the children differ."""
        out = []
        for _, rows in self.sections:
            for row in rows:
                ind = row.indicator
                if not ranked(ind):
                    continue
                worst = self._worst(ind)
                if worst is not None:
                    out.append((ind, worst[0], worst[1]))
        return out

    def ranking(self, ind: Indicator) -> list[tuple[int, Region, Cell]]:
        """Children from best to worst on ``ind`` (children without a value last)."""
        vals = [(c, self.child_cells.get(c.pk, {}).get(ind.code, Cell())) for c in self.children]
        with_value = [(c, cell) for c, cell in vals if cell.value is not None]
        with_value.sort(key=lambda t: t[1].value, reverse=ind.higher_is_better)
        out, rank, last = [], 0, None
        for i, (c, cell) in enumerate(with_value, start=1):
            if cell.value != last:
                rank, last = i, cell.value
            out.append((rank, c, cell))
        return out + [(None, c, cell) for c, cell in vals if cell.value is None]

    def _worst(self, ind: Indicator):
        vals = [(c, self.child_cells.get(c.pk, {}).get(ind.code)) for c in self.children]
        vals = [(c, cell) for c, cell in vals if cell is not None and cell.value is not None]
        if len(vals) < 2:
            return None
        pick = min if ind.higher_is_better else max
        worst = pick(vals, key=lambda t: t[1].value)
        best = (max if ind.higher_is_better else min)(vals, key=lambda t: t[1].value)
        return worst if worst[1].value != best[1].value else None


def _cell(s: IndicatorSnapshot) -> Cell:
    return Cell(s.value, s.numerator, s.denominator, s.evidence_url)


def board(user, node: Region, on: dt.date, *, previous_on: dt.date | None = None) -> Board:
    """The figures of ``node`` and its children (in the user's scope) as of ``on``, with the
    previous period's figures (default: the end of the month before) for the change."""
    children = list(scope.regions(user).filter(parent=node).order_by("code"))
    date = snapshot_date(node, on)
    previous_on = previous_on or month_end_before(date or on)
    previous_date = snapshot_date(node, previous_on)
    b = Board(node=node, requested=on, date=date, previous_date=previous_date, children=children)
    if date is None:
        b.sections = [(name, [Row(i, Cell()) for i in inds]) for name, inds in sections()]
        return b
    snaps = scope.scoped(user, IndicatorSnapshot).filter(date=date, region__in=[node, *children])
    here: dict[str, Cell] = {}
    for s in snaps:
        b.computed_at = max(filter(None, [b.computed_at, s.computed_at]))
        if s.region_id == node.pk:
            here[s.code] = _cell(s)
        else:
            b.child_cells.setdefault(s.region_id, {})[s.code] = _cell(s)
    before: dict[str, Cell] = {}
    if previous_date is not None:
        before = {
            s.code: _cell(s) for s in scope.scoped(user, IndicatorSnapshot).filter(date=previous_date, region=node)
        }
    b.sections = [
        (name, [Row(i, here.get(i.code, Cell()), before.get(i.code)) for i in inds]) for name, inds in sections()
    ]
    for _ind, _child, cell in b.lagging():
        cell.lagging = True
    return b


def history(user, node: Region, ind: Indicator, *, until: dt.date, months: int = 13) -> list[tuple[dt.date, Cell]]:
    """Month-end figures (the latest snapshot of each month) up to ``until``."""
    start = (until.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    snaps = (
        scope.scoped(user, IndicatorSnapshot)
        .filter(region=node, code=ind.code, date__gte=start, date__lte=until)
        .order_by("date")
    )
    by_month: dict[tuple[int, int], tuple[dt.date, Cell]] = {}
    for s in snaps:
        by_month[(s.date.year, s.date.month)] = (s.date, _cell(s))
    return [by_month[k] for k in sorted(by_month)]

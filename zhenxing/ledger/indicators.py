"""Figures the ledger computes from its own data (core.modules ``indicators`` extension point).
Each is defined once and used by the county assessment, the dashboard and the reports alike."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.urls import reverse

from zhenxing.lib.modules import Indicator, IndicatorValue, share
from zhenxing.regions.models import Region

from .models import Assignment, AssignmentEvent, ItemStatus, RectificationItem, TaskStatus
from .selectors import status_as_of


def _items_url(region: Region, **params) -> str:
    return f"{reverse('ledger:items')}?region={region.code}" + "".join(f"&{k}={v}" for k, v in params.items())


def _on_time_url(region: Region, as_of: dt.date) -> str:
    return _items_url(region, due_by=as_of.isoformat())


def _overdue_url(region: Region, as_of: dt.date | None = None) -> str:
    return _items_url(region, overdue=1)


def _assignments_url(region: Region, as_of: dt.date) -> str:
    return f"{reverse('ledger:assignments')}?year={as_of.year}&region={region.code}"


# Items and assignments hang on one region node each (a village, a township, a county ...): the bulk
# forms group by that node, and the snapshot adds each node's figures into its ancestors.
def _due_items(as_of: dt.date):
    return RectificationItem.objects.filter(found_on__lte=as_of, deadline__lte=as_of)


def _on_time_counts(as_of: dt.date) -> dict:
    # closed_on is cleared when an item is reopened, so a later failure takes the credit back
    return dict(
        den=Count("pk"),
        num=Count("pk", filter=Q(closed_on__isnull=False, closed_on__lte=as_of) & Q(closed_on__lte=F("deadline"))),
    )


def rectification_on_time(region: Region, as_of: dt.date) -> IndicatorValue:
    c = _due_items(as_of).filter(region__path__startswith=region.path).aggregate(**_on_time_counts(as_of))
    return IndicatorValue(
        value=share(c["num"], c["den"]),
        numerator=c["num"],
        denominator=c["den"],
        evidence_url=_on_time_url(region, as_of),
        note="" if c["den"] else "统计期内无到期整改事项",
    )


def rectification_on_time_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    rows = _due_items(as_of).order_by().values("region_id").annotate(**_on_time_counts(as_of))
    return {r["region_id"]: IndicatorValue(share(r["num"], r["den"]), r["num"], r["den"]) for r in rows}


def _overdue_items(as_of: dt.date):
    return (
        RectificationItem.objects.filter(found_on__lte=as_of, deadline__lt=as_of)
        .annotate(st=status_as_of(as_of))
        .filter(st__in=[ItemStatus.PENDING, ItemStatus.IN_PROGRESS])
    )


def rectification_overdue(region: Region, as_of: dt.date) -> IndicatorValue:
    n = _overdue_items(as_of).filter(region__path__startswith=region.path).count()
    return IndicatorValue(value=n, evidence_url=_overdue_url(region))


def rectification_recorded(region: Region, as_of: dt.date) -> bool:
    """Whether the region had found any item by the date: a county that records nothing has no
    overdue item, which the assessment must not score as 达标."""
    return RectificationItem.objects.filter(found_on__lte=as_of, region__path__startswith=region.path).exists()


def rectification_overdue_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    rows = _overdue_items(as_of).order_by().values("region_id").annotate(n=Count("pk"))
    return {r["region_id"]: IndicatorValue(r["n"]) for r in rows}


def _assignments(as_of: dt.date):
    """The year's assignments with their status at the end of ``as_of`` (from the event log, so a
    past-dated assessment sees the data of its date: a later close or reopen does not count)."""
    last = (
        AssignmentEvent.objects.filter(assignment=OuterRef("pk"), on__lte=as_of)
        .order_by("-on", "-id")
        .values("to_status")[:1]
    )
    return Assignment.objects.filter(task__ledger__year=as_of.year).annotate(st_as_of=Subquery(last))


def _closed_counts(as_of: dt.date) -> dict:
    return dict(den=Count("pk"), num=Count("pk", filter=Q(st_as_of=TaskStatus.CLOSED)))


def tasks_closed(region: Region, as_of: dt.date) -> IndicatorValue:
    c = _assignments(as_of).filter(region__path__startswith=region.path).aggregate(**_closed_counts(as_of))
    return IndicatorValue(
        value=share(c["num"], c["den"]),
        numerator=c["num"],
        denominator=c["den"],
        evidence_url=_assignments_url(region, as_of),
        note="" if c["den"] else f"{as_of.year}年度台账未建立",
    )


def tasks_closed_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    rows = _assignments(as_of).order_by().values("region_id").annotate(**_closed_counts(as_of))
    return {r["region_id"]: IndicatorValue(share(r["num"], r["den"]), r["num"], r["den"]) for r in rows}


INDICATORS = [
    Indicator(
        code="ledger.rectification_on_time",
        name="整改事项按期销号率",
        formula="截至统计日已到整改时限的整改事项中，在时限内（含当日）核验销号的事项数 ÷ 已到整改时限的事项数；"
        "销号后经核验或回头看退回的不计入按期销号",
        unit="%",
        sources=("ledger.RectificationItem",),
        compute=rectification_on_time,
        by_region=rectification_on_time_by_region,
        rollup="ratio",
        evidence=_on_time_url,
    ),
    Indicator(
        code="ledger.rectification_overdue",
        name="逾期未整改事项数",
        formula="截至统计日，状态为待整改或整改中、且已超过整改时限的整改事项数（动态清零目标为0）；"
        "统计日前未登记任何整改事项的地区为不适用",
        unit="项",
        sources=("ledger.RectificationItem", "ledger.ItemEvent"),
        compute=rectification_overdue,
        higher_is_better=False,
        by_region=rectification_overdue_by_region,
        rollup="sum",
        evidence=_overdue_url,
        measured=rectification_recorded,
    ),
    Indicator(
        code="ledger.tasks_closed",
        name="重点任务销号率",
        formula="统计年度重点任务台账中本地区截至统计日已验收销号的任务落实数 ÷ 本地区任务落实总数",
        unit="%",
        sources=("ledger.Assignment",),
        compute=tasks_closed,
        by_region=tasks_closed_by_region,
        rollup="ratio",
        evidence=_assignments_url,
    ),
]


# The dashboard and reports show these figures under one heading.
INDICATORS = [dataclasses.replace(i, section="工作台账与整改") for i in INDICATORS]

"""Figures the ledger computes from its own data (core.modules ``indicators`` extension point).
Each is defined once and used by the county assessment, the dashboard and the reports alike."""
from __future__ import annotations

import dataclasses

import datetime as dt
from decimal import Decimal

from django.db.models import F
from django.urls import reverse

from zhenxing.core.modules import Indicator, IndicatorValue
from zhenxing.regions.models import Region

from .models import Assignment, ItemStatus, RectificationItem, TaskStatus
from .selectors import status_as_of


def _ratio(num: int, den: int) -> Decimal | None:
    return (Decimal(num) / Decimal(den)).quantize(Decimal("0.0001")) if den else None


def rectification_on_time(region: Region, as_of: dt.date) -> IndicatorValue:
    due = RectificationItem.objects.filter(region__path__startswith=region.path, found_on__lte=as_of,
                                           deadline__lte=as_of)
    den = due.count()
    # closed_on is cleared when an item is reopened, so a later failure takes the credit back
    num = due.filter(closed_on__isnull=False, closed_on__lte=as_of).filter(closed_on__lte=F("deadline")).count()
    return IndicatorValue(value=_ratio(num, den), numerator=num, denominator=den,
                          evidence_url=f"{reverse('ledger:items')}?region={region.code}&due_by={as_of.isoformat()}",
                          note="" if den else "统计期内无到期整改事项")


def rectification_overdue(region: Region, as_of: dt.date) -> IndicatorValue:
    n = (RectificationItem.objects.filter(region__path__startswith=region.path, found_on__lte=as_of,
                                          deadline__lt=as_of)
         .annotate(st=status_as_of(as_of)).filter(st__in=[ItemStatus.PENDING, ItemStatus.IN_PROGRESS]).count())
    return IndicatorValue(value=n, numerator=n,
                          evidence_url=f"{reverse('ledger:items')}?region={region.code}&overdue=1")


def tasks_closed(region: Region, as_of: dt.date) -> IndicatorValue:
    qs = Assignment.objects.filter(region__path__startswith=region.path, task__ledger__year=as_of.year)
    den = qs.count()
    num = qs.filter(status=TaskStatus.CLOSED, closed_on__lte=as_of).count()
    return IndicatorValue(value=_ratio(num, den), numerator=num, denominator=den,
                          evidence_url=f"{reverse('ledger:assignments')}?year={as_of.year}&region={region.code}",
                          note="" if den else f"{as_of.year}年度台账未建立")


INDICATORS = [
    Indicator(code="ledger.rectification_on_time", name="整改事项按期销号率",
              formula="截至统计日已到整改时限的整改事项中，在时限内（含当日）核验销号的事项数 ÷ 已到整改时限的事项数；"
                      "销号后经核验或回头看退回的不计入按期销号",
              unit="%", sources=("ledger.RectificationItem",), compute=rectification_on_time),
    Indicator(code="ledger.rectification_overdue", name="逾期未整改事项数",
              formula="截至统计日，状态为待整改或整改中、且已超过整改时限的整改事项数（动态清零目标为0）",
              unit="项", sources=("ledger.RectificationItem", "ledger.ItemEvent"), compute=rectification_overdue,
              higher_is_better=False),
    Indicator(code="ledger.tasks_closed", name="重点任务销号率",
              formula="统计年度重点任务台账中本地区已验收销号的任务落实数 ÷ 本地区任务落实总数",
              unit="%", sources=("ledger.Assignment",), compute=tasks_closed),
]


# The dashboard and reports show these figures under one heading.
INDICATORS = [dataclasses.replace(i, section="工作台账与整改") for i in INDICATORS]

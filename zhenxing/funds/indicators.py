"""Fund figures as indicators (core.modules.Indicator): the county assessment, the dashboard and
the reports read them from here, computed by ``selectors.figures``.

Allocations, payments and assignments hang on a county; loans on a household, hence on one village.
The bulk forms group by those nodes with the same filters as ``selectors.figures`` and
``selectors.loans_current``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum
from django.urls import reverse

from zhenxing.lib.modules import Indicator, IndicatorValue, share
from zhenxing.regions.models import Level, Region

from . import selectors
from .models import Allocation, Assignment, CountyMonthFigure, FundSource, MicroLoan, ProjectType

ZERO = Decimal("0")


def _url(region, as_of: dt.date) -> str:
    """The funds overview behind a figure: it is kept by county, so a township's or a village's
    figure opens its county's overview (the page answers 404 for a code below a county)."""
    if region.level not in (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY):
        codes = [c for c in region.path.split("/") if c]
        county = Region.objects.filter(code__in=codes, level=Level.COUNTY).first()
        region = county or region
    return f"{reverse('funds:figures')}?region={region.code}&year={as_of.year}"


def disbursement_rate(region, as_of: dt.date) -> IndicatorValue:
    f = selectors.figures(region, as_of.year, as_of=as_of)
    return IndicatorValue(
        value=f.disbursement_rate, numerator=f.paid, denominator=f.allocated, evidence_url=_url(region, as_of)
    )


def _ratios(num: dict, den: dict) -> dict[int, IndicatorValue]:
    return {
        k: IndicatorValue(share(num.get(k, ZERO), den.get(k, ZERO)), num.get(k, ZERO), den.get(k, ZERO))
        for k in num.keys() | den.keys()
    }


def _allocated(as_of: dt.date, **where) -> dict[int, Decimal]:
    """Per county: allocated for the year of ``as_of``, issued by then (as ``selectors.figures``)."""
    rows = (
        Allocation.objects.filter(year=as_of.year, issued_on__lte=as_of, **where)
        .order_by()
        .values("county_id")
        .annotate(s=Sum("amount"))
    )
    return {r["county_id"]: r["s"] or ZERO for r in rows}


def disbursement_rate_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    paid = {
        r["county_id"]: r["s"] or ZERO
        for r in CountyMonthFigure.objects.filter(year=as_of.year, month__lte=as_of.month)
        .order_by()
        .values("county_id")
        .annotate(s=Sum("paid"))
    }
    return _ratios(paid, _allocated(as_of))


def industry_share(region, as_of: dt.date) -> IndicatorValue:
    f = selectors.figures(region, as_of.year, as_of=as_of)
    minimum = f"{f.industry_min_share * 100:.0f}%"
    note = f"低于{as_of.year}年最低比例{minimum}" if f.industry_warning else f"{as_of.year}年最低比例{minimum}"
    return IndicatorValue(
        value=f.industry_share,
        numerator=f.central_industry,
        denominator=f.central_allocated,
        evidence_url=_url(region, as_of),
        note=note,
    )


def industry_share_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    industry = {
        r["allocation__county_id"]: r["s"] or ZERO
        for r in Assignment.objects.filter(
            allocation__year=as_of.year,
            date__lte=as_of,
            allocation__source=FundSource.CENTRAL,
            project__type=ProjectType.INDUSTRY,
        )
        .order_by()
        .values("allocation__county_id")
        .annotate(s=Sum("amount"))
    }
    return _ratios(industry, _allocated(as_of, source=FundSource.CENTRAL))


def _loans_url(region, as_of: dt.date | None = None) -> str:
    return f"{reverse('funds:loans')}?region={region.code}&current=1"


def micro_loan_households(region, as_of: dt.date) -> IndicatorValue:
    """Households with a small loan outstanding on the day or settled in its year (a 金融 assistance measure)."""
    qs = selectors.loans_current(MicroLoan.objects.filter(household__village__path__startswith=region.path), as_of)
    n = qs.values("household").distinct().count()
    overdue = qs.filter(settled_on__isnull=True, due_on__lt=as_of).values("household").distinct().count()
    return IndicatorValue(value=n, note=f"其中逾期 {overdue} 户", evidence_url=_loans_url(region))


def micro_loan_households_by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
    # A household lives in one village, so its distinct count per village adds up without double counting.
    rows = (
        selectors.loans_current(MicroLoan.objects.all(), as_of)
        .order_by()
        .values("household__village_id")
        .annotate(n=Count("household", distinct=True))
    )
    return {r["household__village_id"]: IndicatorValue(r["n"]) for r in rows}


INDICATORS = [
    Indicator(
        code="funds.disbursement_rate",
        name="衔接资金支出进度",
        formula="当年已支付资金 ÷ 当年下达资金",
        unit="%",
        sources=("funds.CountyMonthFigure", "funds.Allocation"),
        compute=disbursement_rate,
        by_region=disbursement_rate_by_region,
        rollup="ratio",
        evidence=_url,
    ),
    Indicator(
        code="funds.industry_share",
        name="中央衔接资金用于产业比例",
        formula="中央衔接资金安排到产业项目的金额 ÷ 中央衔接资金下达金额",
        unit="%",
        sources=("funds.Assignment", "funds.Allocation", "funds.Project"),
        compute=industry_share,
        by_region=industry_share_by_region,
        rollup="ratio",
        evidence=_url,
    ),
    Indicator(
        code="funds.micro_loan_households",
        name="小额信贷支持户数（金融帮扶）",
        formula="截至当日在贷或当年结清的脱贫人口小额信贷所涉农户数",
        unit="户",
        sources=("funds.MicroLoan",),
        compute=micro_loan_households,
        by_region=micro_loan_households_by_region,
        rollup="sum",
        evidence=_loans_url,
    ),
]


# The dashboard and reports show these figures under one heading.
INDICATORS = [dataclasses.replace(i, section="衔接资金与项目资产") for i in INDICATORS]

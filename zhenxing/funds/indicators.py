"""Fund figures as indicators (core.modules.Indicator): the county assessment, the dashboard and
the reports read them from here, computed by ``selectors.figures``."""
from __future__ import annotations

import dataclasses

import datetime as dt

from django.urls import reverse

from zhenxing.core.modules import Indicator, IndicatorValue

from . import selectors


def _url(region, year: int) -> str:
    return f"{reverse('funds:figures')}?region={region.code}&year={year}"


def disbursement_rate(region, as_of: dt.date) -> IndicatorValue:
    f = selectors.figures(region, as_of.year, as_of=as_of)
    return IndicatorValue(value=f.disbursement_rate, numerator=f.paid, denominator=f.allocated,
                          evidence_url=_url(region, as_of.year))


def industry_share(region, as_of: dt.date) -> IndicatorValue:
    f = selectors.figures(region, as_of.year, as_of=as_of)
    minimum = f"{f.industry_min_share * 100:.0f}%"
    note = f"低于{as_of.year}年最低比例{minimum}" if f.industry_warning else f"{as_of.year}年最低比例{minimum}"
    return IndicatorValue(value=f.industry_share, numerator=f.central_industry, denominator=f.central_allocated,
                          evidence_url=_url(region, as_of.year), note=note)


INDICATORS = [
    Indicator(code="funds.disbursement_rate", name="衔接资金支出进度",
              formula="当年已支付资金 ÷ 当年下达资金", unit="%",
              sources=("funds.CountyMonthFigure", "funds.Allocation"), compute=disbursement_rate),
    Indicator(code="funds.industry_share", name="中央衔接资金用于产业比例",
              formula="中央衔接资金安排到产业项目的金额 ÷ 中央衔接资金下达金额", unit="%",
              sources=("funds.Assignment", "funds.Allocation", "funds.Project"), compute=industry_share),
]


def micro_loan_households(region, as_of: dt.date) -> IndicatorValue:
    """Households with a small loan outstanding on the day or settled in its year (a 金融 assistance measure)."""
    from .models import MicroLoan

    qs = selectors.loans_current(MicroLoan.objects.filter(household__village__path__startswith=region.path), as_of)
    n = qs.values("household").distinct().count()
    overdue = qs.filter(settled_on__isnull=True, due_on__lt=as_of).values("household").distinct().count()
    return IndicatorValue(value=n, numerator=n, note=f"其中逾期 {overdue} 户",
                          evidence_url=f"{reverse('funds:loans')}?region={region.code}&current=1")


INDICATORS.append(Indicator(
    code="funds.micro_loan_households", name="小额信贷支持户数（金融帮扶）",
    formula="截至当日在贷或当年结清的脱贫人口小额信贷所涉农户数", unit="户", sources=("funds.MicroLoan",),
    compute=micro_loan_households))


# The dashboard and reports show these figures under one heading.
INDICATORS = [dataclasses.replace(i, section="衔接资金与项目资产") for i in INDICATORS]

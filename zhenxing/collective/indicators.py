"""The collective economy's figures (lib.modules.Indicator): organisations, confirmed members,
share certificates issued, 经营性收入 and its growth, 薄弱村, dividends paid, contracts in arrears.
Each is computed over the region's subtree as of a date; the county assessment and the dashboard
read them from here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse

from zhenxing.lib.modules import Indicator, IndicatorValue, share

from . import selectors
from .models import CollectiveMember, Contract, Distribution, DistributionState, MemberState, Organisation

SECTION = "农村集体经济"
SOURCES = ("collective.Organisation",)


def _url(region, **params) -> str:
    return f"{reverse('collective:index')}?{urlencode({'region': region.code, **params})}"


def _orgs(region):
    return Organisation.objects.filter(village__path__startswith=region.path)


def _organisations(region, as_of: dt.date) -> IndicatorValue:
    return IndicatorValue(_orgs(region).filter(created_at__date__lte=as_of).count(), evidence_url=_url(region))


def _members(region, as_of: dt.date) -> IndicatorValue:
    n = CollectiveMember.objects.filter(
        organisation__in=_orgs(region), state=MemberState.CONFIRMED, confirmed_on__lte=as_of
    ).count()
    return IndicatorValue(n, evidence_url=_url(region))


def _certificates(region, as_of: dt.date) -> IndicatorValue:
    confirmed = CollectiveMember.objects.filter(
        organisation__in=_orgs(region), state=MemberState.CONFIRMED, confirmed_on__lte=as_of
    )
    issued = confirmed.exclude(certificate_no="").filter(certificate_on__lte=as_of).count()
    total = confirmed.count()
    return IndicatorValue(share(issued, total), issued, total, _url(region))


def _operating(region, as_of: dt.date) -> IndicatorValue:
    start = dt.date(as_of.year, 1, 1)
    now = selectors.books(_orgs(region), start, as_of)
    before = selectors.books(_orgs(region), start.replace(year=as_of.year - 1), _year_ago(as_of))
    total = sum((b.operating for b in now.values()), Decimal("0"))
    last = sum((b.operating for b in before.values()), Decimal("0"))
    note = f"上年同期{last}元" + (f"，增长{share(total - last, last) * 100:.1f}%" if last else "")
    return IndicatorValue(total, total, last, _url(region, year=as_of.year), note)


def _year_ago(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return dt.date(d.year - 1, 2, 28)


def _growth(region, as_of: dt.date) -> IndicatorValue:
    v = _operating(region, as_of)
    if not v.denominator:
        return IndicatorValue(None, v.numerator, v.denominator, v.evidence_url, "上年同期无经营性收入")
    return IndicatorValue(share(v.numerator - v.denominator, v.denominator), evidence_url=v.evidence_url)


def _weak(region, as_of: dt.date) -> IndicatorValue:
    figures = selectors.village_figures(_orgs(region), as_of.year - 1)
    n = sum(1 for f in figures if f.weak)
    return IndicatorValue(n, n, len(figures), _url(region, year=as_of.year - 1), "按上一完整年度经营性收入判断")


def _dividends(region, as_of: dt.date) -> IndicatorValue:
    paid = Distribution.objects.filter(
        organisation__in=_orgs(region), state=DistributionState.PAID, paid_on__lte=as_of, paid_on__year=as_of.year
    ).aggregate(t=Sum("dividend_total"))["t"] or Decimal("0")
    return IndicatorValue(paid, evidence_url=_url(region))


def _arrears(region, as_of: dt.date) -> IndicatorValue:
    qs = Contract.objects.filter(organisation__in=_orgs(region))
    n = selectors.contracts_in_arrears(qs, as_of).count()
    return IndicatorValue(n, n, qs.filter(start__lte=as_of).count(), _url(region))


INDICATORS = [
    Indicator(
        "collective.organisations",
        "集体经济组织数",
        "已登记的村集体经济组织个数",
        "个",
        SOURCES,
        _organisations,
        section=SECTION,
    ),
    Indicator(
        "collective.members",
        "集体经济组织成员数",
        "截至当日已确认身份的成员人数",
        "人",
        ("collective.CollectiveMember",),
        _members,
        section=SECTION,
    ),
    Indicator(
        "collective.certificate_share",
        "股权证发放率",
        "已发放股权证的成员 ÷ 已确认成员",
        "%",
        ("collective.CollectiveMember",),
        _certificates,
        section=SECTION,
    ),
    Indicator(
        "collective.operating_income",
        "村集体经营性收入",
        "本年1月1日至当日经营收入、发包及上交收入、投资收益之和（含村集体所有经营性扶贫项目资产收益）",
        "元",
        ("collective.JournalEntry", "assets.AssetIncome"),
        _operating,
        section=SECTION,
    ),
    Indicator(
        "collective.operating_growth",
        "村集体经营性收入增长率",
        "（本年至当日经营性收入 − 上年同期）÷ 上年同期",
        "%",
        ("collective.JournalEntry", "assets.AssetIncome"),
        _growth,
        section=SECTION,
    ),
    Indicator(
        "collective.weak_villages",
        "集体经济薄弱村数",
        "上一年度经营性收入低于设定标准（COLLECTIVE_WEAK_THRESHOLD，默认5万元）的村数",
        "个",
        SOURCES,
        _weak,
        higher_is_better=False,
        section=SECTION,
    ),
    Indicator(
        "collective.dividends_paid",
        "本年股份分红发放额",
        "本年已发放的收益分配方案的成员分红总额",
        "元",
        ("collective.Distribution",),
        _dividends,
        section=SECTION,
    ),
    Indicator(
        "collective.contracts_in_arrears",
        "欠缴承包（租赁）费的合同数",
        "应收日期早于当日且未收足的合同个数",
        "个",
        ("collective.Contract", "collective.ContractPayment"),
        _arrears,
        higher_is_better=False,
        section=SECTION,
    ),
]

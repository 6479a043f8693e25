"""The collective economy's figures (lib.modules.Indicator): organisations, confirmed members,
share certificates issued, 经营性收入 and its growth, 薄弱村, dividends paid, contracts in arrears.
Each is computed over the region's subtree as of a date; the county assessment and the dashboard
read them from here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse

from zhenxing.lib.modules import Indicator, IndicatorValue, share

from . import selectors
from .models import (
    Category,
    CollectiveMember,
    Contract,
    Distribution,
    DistributionState,
    JournalEntry,
    MemberState,
    Organisation,
)

SECTION = "农村集体经济"
SOURCES = ("collective.Organisation",)


def _url(region, as_of: dt.date | None = None, **params) -> str:
    return f"{reverse('collective:index')}?{urlencode({'region': region.code, **params})}"


def _year_url(region, as_of: dt.date) -> str:
    return _url(region, year=as_of.year)


def _last_year_url(region, as_of: dt.date) -> str:
    return _url(region, year=as_of.year - 1)


def _orgs(region):
    return Organisation.objects.filter(village__path__startswith=region.path)


# Each figure is one grouped function of the organisations given: ``_per_village(orgs, as_of)`` ->
# {village_id: IndicatorValue} serves the bulk form (every organisation) and, summed, ``compute``
# (the region's), so the two agree by construction. A region without an organisation has nothing
# to compare (no numerator or denominator) and its sums are 0.


def _summed(per_village: dict[int, IndicatorValue], url: str) -> IndicatorValue:
    vals = list(per_village.values())
    value = sum((Decimal(str(v.value)) for v in vals if v.value is not None), Decimal("0"))
    paired = [v for v in vals if v.numerator is not None and v.denominator is not None]
    if not paired:
        return IndicatorValue(value, evidence_url=url)
    num = sum((Decimal(str(v.numerator)) for v in paired), Decimal("0"))
    den = sum((Decimal(str(v.denominator)) for v in paired), Decimal("0"))
    return IndicatorValue(value, num, den, url)


def _counts(qs, key: str, **annotations) -> dict[int, dict]:
    return {r[key]: r for r in qs.values(key).annotate(**annotations).order_by()}


def _organisations_v(orgs, as_of: dt.date) -> dict[int, IndicatorValue]:
    rows = _counts(orgs.filter(created_at__date__lte=as_of), "village_id", n=Count("id"))
    return {k: IndicatorValue(r["n"]) for k, r in rows.items()}


def _confirmed(orgs, as_of: dt.date):
    return CollectiveMember.objects.filter(organisation__in=orgs, state=MemberState.CONFIRMED, confirmed_on__lte=as_of)


def _members_v(orgs, as_of: dt.date) -> dict[int, IndicatorValue]:
    rows = _counts(_confirmed(orgs, as_of), "organisation__village_id", n=Count("id"))
    return {k: IndicatorValue(r["n"]) for k, r in rows.items()}


def _certificates_v(orgs, as_of: dt.date) -> dict[int, IndicatorValue]:
    issued = ~Q(certificate_no="") & Q(certificate_on__lte=as_of)
    rows = _counts(_confirmed(orgs, as_of), "organisation__village_id", n=Count("id"), i=Count("id", filter=issued))
    return {k: IndicatorValue(share(r["i"], r["n"]), r["i"], r["n"]) for k, r in rows.items()}


def _operating_pair(orgs, as_of: dt.date) -> dict[int, tuple[Decimal, Decimal]]:
    """(经营性收入 this year to date, last year's same period) per village of the organisations."""
    start = dt.date(as_of.year, 1, 1)
    now = selectors.books(orgs, start, as_of)
    before = selectors.books(orgs, start.replace(year=as_of.year - 1), _year_ago(as_of))
    village = dict(orgs.values_list("pk", "village_id"))
    return {village[pk]: (now[pk].operating, before[pk].operating) for pk in now}


def _operating_v(orgs, as_of: dt.date) -> dict[int, IndicatorValue]:
    return {k: IndicatorValue(t, t, last) for k, (t, last) in _operating_pair(orgs, as_of).items()}


def _growth_v(orgs, as_of: dt.date) -> dict[int, IndicatorValue]:
    return {
        k: IndicatorValue(share(t - last, last), t - last, last)
        for k, (t, last) in _operating_pair(orgs, as_of).items()
    }


def _weak_v(orgs, as_of: dt.date) -> dict[int, IndicatorValue]:
    out = {}
    for f in selectors.village_figures(orgs.select_related(None), as_of.year - 1):
        n = 1 if f.weak else 0
        out[f.org.village_id] = IndicatorValue(n, n, 1)
    return out


def _dividends_v(orgs, as_of: dt.date) -> dict[int, IndicatorValue]:
    qs = Distribution.objects.filter(
        organisation__in=orgs, state=DistributionState.PAID, paid_on__lte=as_of, paid_on__year=as_of.year
    )
    rows = _counts(qs, "organisation__village_id", t=Sum("dividend_total"))
    return {k: IndicatorValue(r["t"]) for k, r in rows.items()}


def _arrears_v(orgs, as_of: dt.date) -> dict[int, IndicatorValue]:
    qs = Contract.objects.filter(organisation__in=orgs)
    late = _counts(selectors.contracts_in_arrears(qs, as_of), "organisation__village_id", n=Count("id", distinct=True))
    started = _counts(qs, "organisation__village_id", s=Count("id", filter=Q(start__lte=as_of)))
    out = {}
    for k, r in started.items():
        n = late[k]["n"] if k in late else 0
        out[k] = IndicatorValue(n, n, r["s"])
    return out


def _journal_v(orgs, as_of: dt.date, condition: Q) -> dict[int, IndicatorValue]:
    year_start = dt.date(as_of.year, 1, 1)
    qs = JournalEntry.objects.filter(organisation__in=orgs, date__gte=year_start, date__lte=as_of).filter(condition)
    rows = _counts(qs, "organisation__village_id", t=Sum("amount"))
    return {k: IndicatorValue(r["t"]) for k, r in rows.items()}


def _resolved_v(orgs, as_of: dt.date) -> dict[int, IndicatorValue]:
    """化解债务: debts repaid this year to date (the journal's 偿还债务)."""
    return _journal_v(orgs, as_of, Q(category=Category.DEBT_REPAID))


def _collected_v(orgs, as_of: dt.date) -> dict[int, IndicatorValue]:
    """收缴欠款: claims collected and contract fees due before this year received this year (as on
    the 清化收 table, ``selectors.campaign``)."""
    year_start = dt.date(as_of.year, 1, 1)
    late_fee = Q(category=Category.CONTRACTING, payment__due_on__lt=year_start)
    return _journal_v(orgs, as_of, Q(category=Category.CLAIM_COLLECTED) | late_fee)


def _figure(per_village, evidence=_url):
    """(compute, by_region, evidence) of a figure from its per-village function."""

    def compute(region, as_of: dt.date) -> IndicatorValue:
        return _summed(per_village(_orgs(region), as_of), evidence(region, as_of))

    def by_region(as_of: dt.date) -> dict[int, IndicatorValue]:
        return per_village(Organisation.objects.all(), as_of)

    return {"compute": compute, "by_region": by_region, "rollup": "sum", "evidence": evidence}


def _year_ago(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return dt.date(d.year - 1, 2, 28)


def _ratio(per_village, evidence=_url):
    figure = _figure(per_village, evidence)

    def compute(region, as_of: dt.date) -> IndicatorValue:
        v = _summed(per_village(_orgs(region), as_of), evidence(region, as_of))
        num, den = v.numerator or Decimal("0"), v.denominator or Decimal("0")
        note = "" if den else "无可比数据"
        return IndicatorValue(share(num, den), num, den, v.evidence_url, note)

    return {**figure, "compute": compute, "rollup": "ratio"}


def _with_note(figure: dict) -> dict:
    """经营性收入 with last year's same period and the growth in words."""
    inner = figure["compute"]

    def compute(region, as_of: dt.date) -> IndicatorValue:
        v = inner(region, as_of)
        last = v.denominator or Decimal("0")
        note = f"上年同期{last}元" + (f"，增长{share(v.value - last, last) * 100:.1f}%" if last else "")
        return IndicatorValue(v.value, v.numerator, v.denominator, v.evidence_url, note)

    return {**figure, "compute": compute}


INDICATORS = [
    Indicator(
        "collective.organisations",
        "集体经济组织数",
        "已登记的村集体经济组织个数",
        "个",
        SOURCES,
        **_figure(_organisations_v),
        section=SECTION,
    ),
    Indicator(
        "collective.members",
        "集体经济组织成员数",
        "截至当日已确认身份的成员人数",
        "人",
        ("collective.CollectiveMember",),
        **_figure(_members_v),
        section=SECTION,
    ),
    Indicator(
        "collective.certificate_share",
        "股权证发放率",
        "已发放股权证的成员 ÷ 已确认成员",
        "%",
        ("collective.CollectiveMember",),
        **_ratio(_certificates_v),
        section=SECTION,
    ),
    Indicator(
        "collective.operating_income",
        "村集体经营性收入",
        "本年1月1日至当日经营收入、发包及上交收入、投资收益之和（含村集体所有经营性扶贫项目资产收益）",
        "元",
        ("collective.JournalEntry", "assets.AssetIncome"),
        **_with_note(_figure(_operating_v, _year_url)),
        section=SECTION,
    ),
    Indicator(
        "collective.operating_growth",
        "村集体经营性收入增长率",
        "（本年至当日经营性收入 − 上年同期）÷ 上年同期",
        "%",
        ("collective.JournalEntry", "assets.AssetIncome"),
        **_ratio(_growth_v, _year_url),
        section=SECTION,
    ),
    Indicator(
        "collective.weak_villages",
        "集体经济薄弱村数",
        "上一年度经营性收入低于设定标准（COLLECTIVE_WEAK_THRESHOLD，默认5万元）的村数",
        "个",
        SOURCES,
        **_figure(_weak_v, _last_year_url),
        higher_is_better=False,
        section=SECTION,
    ),
    Indicator(
        "collective.dividends_paid",
        "本年股份分红发放额",
        "本年已发放的收益分配方案的成员分红总额",
        "元",
        ("collective.Distribution",),
        **_figure(_dividends_v),
        section=SECTION,
    ),
    Indicator(
        "collective.contracts_in_arrears",
        "欠缴承包（租赁）费的合同数",
        "应收日期早于当日且未收足的合同个数",
        "个",
        ("collective.Contract", "collective.ContractPayment"),
        **_figure(_arrears_v),
        higher_is_better=False,
        section=SECTION,
    ),
    Indicator(
        "collective.debts_resolved",
        "本年化解村集体债务金额",
        "清化收：本年1月1日至当日偿还债务之和（收支日记账“偿还债务”）",
        "元",
        ("collective.Debt", "collective.JournalEntry"),
        **_figure(_resolved_v),
        section=SECTION,
    ),
    Indicator(
        "collective.arrears_collected",
        "本年收缴欠款金额",
        "清化收：本年1月1日至当日收回的债权欠款与往年应收承包（租赁）费之和",
        "元",
        ("collective.Debt", "collective.ContractPayment", "collective.JournalEntry"),
        **_figure(_collected_v),
        section=SECTION,
    ),
]

"""County figures against hand-computed numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhenxing.funds import selectors, services
from zhenxing.funds.models import Allocation, DisbursementPlan, YearParameter
from zhenxing.funds.testing import make_allocation, make_project


@pytest.fixture
def tahe_2022(w):
    """塔河县 2022: central 1,000,000 + county 200,000 allocated.
    Central: 540,000 to an industry project, 300,000 to infrastructure; county money: 100,000 to industry.
    Paid: 100,000 in March, 150,000 in May (industry), 50,000 in May (infrastructure)."""
    central = make_allocation(w.r.tahe, amount=Decimal("1000000"), source="central")
    county = make_allocation(w.r.tahe, amount=Decimal("200000"), source="county")
    industry = make_project(w.r.fendou, status="planned", type="industry", budget=Decimal("800000"))
    infra = make_project(
        w.r.yongfeng, status="planned", type="infrastructure", budget=Decimal("300000"), name="村内道路硬化"
    )
    for alloc, project, amount in [
        (central, industry, "540000"),
        (central, infra, "300000"),
        (county, industry, "100000"),
    ]:
        services.assignment_create(
            actor=None,
            allocation=alloc,
            project=project,
            amount=amount,
            document_number=f"塔财〔2022〕{amount}号",
            date=dt.date(2022, 3, 10),
        )
    industry.refresh_from_db()
    infra.refresh_from_db()
    for project, d, amount, v in [
        (industry, dt.date(2022, 3, 15), "100000", "V1"),
        (industry, dt.date(2022, 5, 1), "150000", "V2"),
        (infra, dt.date(2022, 5, 31), "50000", "V3"),
    ]:
        services.payment_create(
            actor=None, project=project, date=d, amount=amount, payee_name="施工单位", voucher_number=v
        )
    DisbursementPlan.objects.create(county=w.r.tahe, year=2022, month=3, target_rate=Decimal("0.1"))
    DisbursementPlan.objects.create(county=w.r.tahe, year=2022, month=5, target_rate=Decimal("0.3"))
    return w


def test_allocated_assigned_paid_and_rates(tahe_2022):
    f = selectors.figures(tahe_2022.r.tahe, 2022)
    assert f.allocated == Decimal("1200000")
    assert f.assigned == Decimal("940000")
    assert f.paid == Decimal("300000")
    assert f.disbursement_rate == Decimal("0.2500")  # 300,000 / 1,200,000
    assert f.industry_share == Decimal("0.5400")  # 540,000 / 1,000,000 (county money does not count)
    assert f.industry_warning  # 54% < 55%


def test_monthly_disbursement_against_plan(tahe_2022):
    f = selectors.figures(tahe_2022.r.tahe, 2022)
    m3, m4, m5 = f.months[2], f.months[3], f.months[4]
    assert (m3.paid, m3.cumulative, m3.rate, m3.target, m3.behind) == (
        Decimal("100000"),
        Decimal("100000"),
        Decimal("0.0833"),
        Decimal("0.1"),
        True,
    )
    assert (m4.paid, m4.cumulative, m4.target) == (Decimal("0"), Decimal("100000"), None)
    assert (m5.cumulative, m5.rate, m5.behind) == (Decimal("300000"), Decimal("0.2500"), True)


def test_as_of_cuts_at_the_month(tahe_2022):
    f = selectors.figures(tahe_2022.r.tahe, 2022, as_of=dt.date(2022, 4, 30))
    assert f.paid == Decimal("100000") and len(f.months) == 4


def test_industry_share_exactly_at_the_minimum_is_no_warning(tahe_2022):
    YearParameter.objects.create(year=2022, industry_min_share=Decimal("0.54"))
    f = selectors.figures(tahe_2022.r.tahe, 2022)
    assert f.industry_share == f.industry_min_share and not f.industry_warning


def test_a_county_parameter_overrides_the_prefecture(tahe_2022):
    YearParameter.objects.create(year=2022, industry_min_share=Decimal("0.50"))
    YearParameter.objects.create(year=2022, county=tahe_2022.r.tahe, industry_min_share=Decimal("0.60"))
    assert selectors.figures(tahe_2022.r.tahe, 2022).industry_min_share == Decimal("0.60")


def test_prefecture_figures_sum_the_counties(tahe_2022):
    make_allocation(tahe_2022.r.huma, amount=Decimal("800000"), source="central")
    f = selectors.figures(tahe_2022.r.diqu, 2022)
    assert f.allocated == Decimal("2000000") and f.paid == Decimal("300000")
    assert f.industry_share == Decimal("0.3000")  # 540,000 / 1,800,000


def test_indicators_use_the_same_figures(tahe_2022):
    from zhenxing.funds.indicators import INDICATORS

    by_code = {i.code: i for i in INDICATORS}
    v = by_code["funds.disbursement_rate"].compute(tahe_2022.r.tahe, dt.date(2022, 12, 31))
    assert (v.value, v.numerator, v.denominator) == (Decimal("0.2500"), Decimal("300000"), Decimal("1200000"))
    v = by_code["funds.industry_share"].compute(tahe_2022.r.tahe, dt.date(2022, 12, 31))
    assert v.value == Decimal("0.5400") and "55" in v.note


def test_no_allocation_means_no_rate(w):
    f = selectors.figures(w.r.mohe, 2022)
    assert f.disbursement_rate is None and f.industry_share is None and not f.industry_warning


def test_snapshot_gives_every_node_the_figures_compute_gives(tahe_2022):
    """The county-level records grouped by county and rolled up: the month cut (May's payments are
    not in by 30 April), an allocation issued after the day, another county, a new year."""
    from zhenxing.dashboard.testing import bulk_mismatches
    from zhenxing.funds.indicators import INDICATORS

    w = tahe_2022
    make_allocation(w.r.huma, amount=Decimal("800000"), source="central")
    Allocation.objects.filter(county=w.r.huma).update(issued_on=dt.date(2022, 5, 1))
    by_code = {i.code: i for i in INDICATORS}
    v = by_code["funds.disbursement_rate"].compute(w.r.diqu, dt.date(2022, 4, 30))
    assert (v.value, v.numerator, v.denominator) == (Decimal("0.0833"), Decimal("100000"), Decimal("1200000"))
    v = by_code["funds.industry_share"].compute(w.r.diqu, dt.date(2022, 5, 1))
    assert (v.value, v.numerator, v.denominator) == (Decimal("0.3000"), Decimal("540000"), Decimal("1800000"))
    assert by_code["funds.industry_share"].compute(w.r.fendou, dt.date(2022, 5, 1)).value is None
    for day in (
        dt.date(2022, 3, 9),
        dt.date(2022, 4, 30),
        dt.date(2022, 5, 1),
        dt.date(2022, 12, 31),
        dt.date(2023, 1, 1),
    ):
        for code in ("funds.disbursement_rate", "funds.industry_share"):
            assert bulk_mismatches(code, day) == [], (code, day)

"""小额信贷: only formerly-poor or monitored households; repayment never above the loan; overdue."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from zhenxing.funds import services
from zhenxing.funds.indicators import micro_loan_households
from zhenxing.funds.models import MicroLoan
from zhenxing.registry.testing import make_household


def loan(w, household, actor=None, **kw):
    values = {
        "borrower_name": "户主甲",
        "bank": "农村信用社",
        "contract_number": f"XD{household.pk}",
        "amount": 50000,
        "issued_on": dt.date(2022, 1, 31),
        "term_months": 12,
        "annual_rate": "0.0435",
    }
    values.update(kw)
    return services.micro_loan_create(actor=actor or w.fendou, household=household, **values)


def test_only_formerly_poor_or_monitored_households(w):
    with pytest.raises(ValidationError, match="脱贫户和监测对象"):
        loan(w, make_household(village=w.r.fendou))
    m = loan(w, make_household(village=w.r.fendou, formerly_poor=True))
    assert m.due_on == dt.date(2023, 1, 28)  # month arithmetic clamps the day


def test_repayment_and_overdue(w):
    m = loan(w, make_household(village=w.r.fendou, formerly_poor=True), issued_on=dt.date(2022, 3, 1))
    assert not m.is_overdue(m.due_on) and m.is_overdue(m.due_on + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="超过未还本金"):
        services.micro_loan_repay(actor=w.fendou, loan=m, amount="50000.01", date=dt.date(2023, 1, 1))
    services.micro_loan_repay(actor=w.fendou, loan=m, amount="50000", date=dt.date(2023, 1, 1))
    m.refresh_from_db()
    assert m.settled_on == dt.date(2023, 1, 1) and not m.is_overdue(dt.date(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        MicroLoan.objects.filter(pk=m.pk).update(repaid=Decimal("50000.01"))


def test_loan_households_indicator(w):
    h = make_household(village=w.r.fendou, formerly_poor=True)
    loan(w, h, issued_on=dt.date(2021, 1, 1))
    loan(w, h, contract_number="XD-2", issued_on=dt.date(2022, 2, 1))
    v = micro_loan_households(w.r.tahe, dt.date(2022, 6, 30))
    assert v.value == 1 and "逾期 1 户" in v.note
    assert micro_loan_households(w.r.huma, dt.date(2022, 6, 30)).value == 0


def test_loan_list_filters_to_a_region_and_to_the_figures_loans(login, w):
    """?region= narrows to a node's subtree in scope; ?current=1 keeps what the figure counts."""
    today = timezone.localdate()
    loan(
        w,
        make_household(village=w.r.fendou, formerly_poor=True),
        contract_number="XD-F",
        borrower_name="奋斗借款人",
        issued_on=today - dt.timedelta(days=30),
    )
    old = loan(
        w,
        make_household(village=w.r.fendou, formerly_poor=True),
        contract_number="XD-OLD",
        borrower_name="奋斗已结清",
        issued_on=dt.date(today.year - 3, 1, 1),
    )
    services.micro_loan_repay(actor=w.fendou, loan=old, amount=old.amount, date=dt.date(today.year - 1, 12, 31))
    loan(
        w,
        make_household(village=w.r.yongfeng, formerly_poor=True),
        actor=w.yongfeng,
        contract_number="XD-Y",
        borrower_name="永丰借款人",
        issued_on=today - dt.timedelta(days=30),
    )
    client = login(w.shibazhan)
    url = reverse("funds:loans")

    def listed(**params):
        page = client.get(url, params).content.decode()
        return [name for name in ("奋斗借款人", "奋斗已结清", "永丰借款人") if name in page]

    assert listed() == ["奋斗借款人", "奋斗已结清", "永丰借款人"]
    assert listed(region=w.r.fendou.code) == ["奋斗借款人", "奋斗已结清"]
    assert listed(region=w.r.fendou.code, current="1") == ["奋斗借款人"]  # settled last year: not counted
    assert listed(region=w.r.shibazhan.code, current="1") == ["奋斗借款人", "永丰借款人"]
    page = client.get(url, {"region": w.r.fendou.code, "current": "1"}).content.decode()
    assert f"区划：<strong>{w.r.fendou.full_name()}</strong>" in page
    assert '<a class="noprint" href="?current=1">清除区划筛选</a>' in page
    assert f'href="?region={w.r.fendou.code}&amp;current=1&amp;overdue=1"' in page  # 只看逾期 keeps both
    # the same filters reach the export
    r = client.get(url, {"region": w.r.fendou.code, "current": "1", "export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert w.r.fendou.full_name() in rows[0][0] and [row[2] for row in rows[2:]] == ["奋斗借款人"]
    # never wider than the scope, and nothing about other regions' codes
    assert login(w.fendou).get(url, {"region": w.r.yongfeng.code}).status_code == 404
    assert login(w.fendou).get(url, {"region": w.r.shibazhan.code}).status_code == 404
    assert login(w.shibazhan).get(url, {"region": w.r.kaikukang.code}).status_code == 404
    assert login(w.tahe).get(url, {"region": "232722999999"}).status_code == 404


def test_loan_households_in_the_snapshot(w):
    """A household with two loans counts once; a loan settled the year before, or issued after the
    day, does not count; the per-village form gives every node what ``compute`` gives."""
    from zhenxing.dashboard.testing import bulk_mismatches

    h = make_household(village=w.r.fendou, formerly_poor=True)
    loan(w, h, issued_on=dt.date(2021, 1, 1))
    loan(w, h, contract_number="XD-2", issued_on=dt.date(2022, 2, 1))
    old = loan(
        w,
        make_household(village=w.r.fendou, formerly_poor=True),
        contract_number="XD-OLD",
        issued_on=dt.date(2020, 1, 1),
    )
    services.micro_loan_repay(actor=w.fendou, loan=old, amount=old.amount, date=dt.date(2021, 12, 31))
    loan(
        w,
        make_household(village=w.r.kaikukang, formerly_poor=True),
        actor=w.kaikukang,
        contract_number="XD-K",
        issued_on=dt.date(2022, 7, 1),
    )
    assert micro_loan_households(w.r.tahe, dt.date(2022, 6, 30)).value == 1
    assert micro_loan_households(w.r.tahe, dt.date(2022, 7, 1)).value == 2
    assert micro_loan_households(w.r.tahe, dt.date(2021, 12, 31)).value == 2
    for day in (dt.date(2021, 12, 31), dt.date(2022, 6, 30), dt.date(2022, 7, 1)):
        assert bulk_mismatches("funds.micro_loan_households", day) == [], day

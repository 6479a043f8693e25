"""小额信贷: only formerly-poor or monitored households; repayment never above the loan; overdue."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from zhenxing.funds import services
from zhenxing.funds.indicators import micro_loan_households
from zhenxing.funds.models import MicroLoan
from zhenxing.registry.testing import make_household


def loan(w, household, **kw):
    values = {"borrower_name": "户主甲", "bank": "农村信用社", "contract_number": f"XD{household.pk}",
              "amount": 50000, "issued_on": dt.date(2022, 1, 31), "term_months": 12, "annual_rate": "0.0435"}
    values.update(kw)
    return services.micro_loan_create(actor=w.fendou, household=household, **values)


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

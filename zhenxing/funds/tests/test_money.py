"""Money never goes negative or over-assigned: the database refuses it, not just the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from zhenxing.funds import services
from zhenxing.funds.models import Allocation, Assignment, CountyMonthFigure, Payment, Project
from zhenxing.funds.testing import fund_project, make_allocation, make_project


@pytest.fixture
def planned(w):
    return make_project(w.r.fendou, status="planned", budget=Decimal("500000"))


def test_assignment_up_to_the_allocation_is_accepted_one_cent_more_is_refused(w, planned):
    alloc = make_allocation(w.r.tahe, amount=Decimal("100000.00"))
    services.assignment_create(
        actor=w.tahe, allocation=alloc, project=planned, amount="60000", document_number="A1", date=dt.date(2022, 4, 1)
    )
    services.assignment_create(
        actor=w.tahe, allocation=alloc, project=planned, amount="40000", document_number="A2", date=dt.date(2022, 4, 1)
    )
    alloc.refresh_from_db()
    assert alloc.assigned_total == alloc.amount
    with pytest.raises(ValidationError, match="余额"):
        services.assignment_create(
            actor=w.tahe,
            allocation=alloc,
            project=planned,
            amount="0.01",
            document_number="A3",
            date=dt.date(2022, 4, 1),
        )


def test_database_refuses_over_assignment_by_a_raw_update(w):
    alloc = make_allocation(w.r.tahe, amount=Decimal("100"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.filter(pk=alloc.pk).update(assigned_total=F("amount") + Decimal("0.01"))
    Allocation.objects.filter(pk=alloc.pk).update(assigned_total=F("amount"))  # equal is allowed


def test_database_refuses_negative_amounts_and_totals(w, planned):
    alloc = make_allocation(w.r.tahe, amount=Decimal("100"))
    for model, pk, changes in [
        (Allocation, alloc.pk, {"assigned_total": Decimal("-1")}),
        (Allocation, alloc.pk, {"amount": Decimal("0")}),
        (Project, planned.pk, {"assigned_total": Decimal("-0.01")}),
        (Project, planned.pk, {"budget": Decimal("-1")}),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=pk).update(**changes)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            allocation=alloc, project=planned, amount=Decimal("-5"), document_number="neg", date=dt.date(2022, 4, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            project=planned, amount=Decimal("0"), date=dt.date(2022, 5, 1), payee_name="x", voucher_number="v0"
        )


def test_database_refuses_paying_more_than_assigned(w, planned):
    fund_project(planned, amount=Decimal("1000"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=planned.pk).update(paid_total=Decimal("1000.01"))
    Project.objects.filter(pk=planned.pk).update(paid_total=Decimal("1000.00"))


def test_payment_service_keeps_totals_and_refuses_overpayment(w, planned):
    fund_project(planned, amount=Decimal("1000"))
    planned.refresh_from_db()
    services.payment_create(
        actor=w.tahe,
        project=planned,
        date=dt.date(2022, 6, 3),
        amount="999.99",
        payee_name="塔河县某建筑公司",
        voucher_number="V1",
    )
    with pytest.raises(ValidationError, match="未支付"):
        services.payment_create(
            actor=w.tahe,
            project=planned,
            date=dt.date(2022, 6, 3),
            amount="0.02",
            payee_name="某公司",
            voucher_number="V2",
        )
    services.payment_create(
        actor=w.tahe,
        project=planned,
        date=dt.date(2022, 6, 30),
        amount="0.01",
        payee_name="某公司",
        voucher_number="V3",
    )
    planned.refresh_from_db()
    assert planned.paid_total == planned.assigned_total == Decimal("1000")
    fig = CountyMonthFigure.objects.get(county=w.r.tahe, year=2022, month=6)
    assert (fig.paid, fig.industry_paid, fig.payments) == (Decimal("1000.00"), Decimal("1000.00"), 2)


def test_a_stale_project_object_cannot_overpay(w, planned):
    """Two clerks load the project at once; the second payment would exceed the assigned money."""
    fund_project(planned, amount=Decimal("1000"))
    first = Project.objects.get(pk=planned.pk)
    second = Project.objects.get(pk=planned.pk)
    services.payment_create(
        actor=w.tahe, project=first, date=dt.date(2022, 6, 3), amount="800", payee_name="甲公司", voucher_number="V1"
    )
    with pytest.raises(ValidationError, match="数据库拒绝"):
        services.payment_create(
            actor=w.tahe,
            project=second,
            date=dt.date(2022, 6, 3),
            amount="800",
            payee_name="乙公司",
            voucher_number="V2",
        )
    assert Project.objects.get(pk=planned.pk).paid_total == Decimal("800")
    assert Payment.objects.filter(project=planned).count() == 1


def test_withdrawing_spent_money_is_refused(w, planned):
    a = fund_project(planned, amount=Decimal("1000"))
    planned.refresh_from_db()
    services.payment_create(
        actor=w.tahe, project=planned, date=dt.date(2022, 6, 3), amount="10", payee_name="甲公司", voucher_number="V1"
    )
    with pytest.raises(ValidationError, match="不能撤回"):
        services.assignment_withdraw(actor=w.tahe, assignment=a)


def test_assignment_to_another_county_or_unapproved_project_is_refused(w, planned):
    huma_alloc = make_allocation(w.r.huma)
    with pytest.raises(ValidationError, match="本县"):
        services.assignment_create(
            actor=None, allocation=huma_alloc, project=planned, amount=10, document_number="X", date=dt.date(2022, 4, 1)
        )
    declared = make_project(w.r.fendou)
    with pytest.raises(ValidationError, match="入库"):
        services.assignment_create(
            actor=None,
            allocation=make_allocation(w.r.tahe),
            project=declared,
            amount=10,
            document_number="X",
            date=dt.date(2022, 4, 1),
        )


def test_figures_rebuild_matches_incremental_figures(w, planned):
    fund_project(planned, amount=Decimal("1000"))
    planned.refresh_from_db()
    for i, (d, amt) in enumerate(
        [(dt.date(2022, 5, 31), "100"), (dt.date(2022, 6, 1), "200.5"), (dt.date(2022, 6, 30), "0.5")]
    ):
        services.payment_create(
            actor=None, project=planned, date=d, amount=amt, payee_name="甲", voucher_number=f"V{i}"
        )
    before = sorted(CountyMonthFigure.objects.values_list("month", "paid", "payments"))
    services.figures_rebuild()
    assert sorted(CountyMonthFigure.objects.values_list("month", "paid", "payments")) == before
    assert before == [(5, Decimal("100.00"), 1), (6, Decimal("201.00"), 2)]

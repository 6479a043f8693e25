"""清化收 across the collective and the ledger: a problem found on a contract becomes a rectification
item; closing the item (核验销号) records the rectification on the problem in the same transaction;
回头看 that finds it not fixed opens it again. Figures per village in the indicator registry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhenxing.collective import books
from zhenxing.collective.indicators import INDICATORS
from zhenxing.collective.models import ContractProblem
from zhenxing.collective.testing import make_org
from zhenxing.ledger import services as ledger
from zhenxing.ledger.models import ItemStatus, RectificationItem

TODAY = dt.date.today()
FIGURES = {i.code: i for i in INDICATORS}


@pytest.fixture
def contract(w):
    org = make_org(w.r.fendou)
    return books.contract_add(
        actor=None,
        organisation=org,
        code="HT-T-01",
        party="某合作社",
        subject="林地",
        start=TODAY - dt.timedelta(days=800),
        end=TODAY + dt.timedelta(days=400),
        annual_price="10000",
        award_method="democratic",
        meeting_record="村民代表会议",
    )


def test_a_problem_becomes_a_ledger_item_and_closing_it_rectifies_the_problem(w, contract):
    problem = books.contract_problem_record(actor=w.fendou, contract=contract, kind="arrears", detail="上年未缴")
    item = RectificationItem.objects.get(pk=problem.item_ref)
    assert (item.type.code, item.region, item.source_ref) == (
        "collective",
        w.r.fendou,
        f"collective.problem:{problem.pk}",
    )
    assert "HT-T-01" in item.problem and "欠款" in item.problem
    ledger.item_transition(actor=w.fendou, item=item, action="fix", evidence="已收回欠款", on=TODAY)
    problem.refresh_from_db()
    assert problem.rectified_on is None  # fixed is not closed
    ledger.item_transition(actor=w.shibazhan, item=item, action="verify", on=TODAY)
    problem.refresh_from_db()
    assert (item.status, problem.rectified_on) == (ItemStatus.CLOSED, TODAY)
    # 回头看 finds it not fixed: the problem is open again
    ledger.item_transition(actor=w.shibazhan, item=item, action="recheck_fail", note="仍有欠款", on=TODAY)
    problem.refresh_from_db()
    assert problem.rectified_on is None


def test_closing_fails_as_a_whole_when_the_collective_side_fails(w, contract):
    problem = books.contract_problem_record(actor=w.fendou, contract=contract, kind="low_price")
    item = RectificationItem.objects.get(pk=problem.item_ref)
    ledger.item_transition(actor=w.fendou, item=item, action="fix", evidence="已重新议价", on=TODAY)
    with mock.patch("zhenxing.collective.rectification.item_closed", side_effect=RuntimeError("boom")):
        with pytest.raises(RuntimeError):
            ledger.item_transition(actor=w.shibazhan, item=item, action="verify", on=TODAY)
    item.refresh_from_db()
    problem.refresh_from_db()
    assert (item.status, problem.rectified_on) == (ItemStatus.AWAITING_VERIFICATION, None)


def test_problem_kind_checked_and_one_open_problem_of_a_kind(w, contract):
    with pytest.raises(ValidationError, match="问题类别"):
        books.contract_problem_record(actor=w.fendou, contract=contract, kind="bad")
    books.contract_problem_record(actor=w.fendou, contract=contract, kind="no_contract")
    with pytest.raises(ValidationError, match="未整改"):
        books.contract_problem_record(actor=w.fendou, contract=contract, kind="no_contract")
    assert ContractProblem.objects.count() == RectificationItem.objects.filter(type__code="collective").count() == 1


def test_inspector_and_other_village_cannot_record(w, contract):
    for actor in (w.ducha, w.kaikukang):
        with pytest.raises(PermissionDenied):
            books.contract_problem_record(actor=actor, contract=contract, kind="overdue")
    assert not ContractProblem.objects.exists()
    assert not RectificationItem.objects.filter(type__code="collective").exists()


def test_debts_resolved_and_arrears_collected_per_village(w, contract):
    org = contract.organisation
    debt = books.debt_record(
        actor=None,
        organisation=org,
        kind="debt",
        counterparty="某公司",
        amount="5000",
        incurred_on=TODAY.replace(day=1) - dt.timedelta(days=400),
        cause="借款",
    )
    claim = books.debt_record(
        actor=None,
        organisation=org,
        kind="claim",
        counterparty="某户",
        amount="3000",
        incurred_on=TODAY.replace(day=1) - dt.timedelta(days=400),
        cause="欠款",
    )
    books.debt_settle(actor=None, debt=debt, amount="2000", date=TODAY)
    books.debt_settle(actor=None, debt=claim, amount="1200.50", date=TODAY)
    resolved, collected = FIGURES["collective.debts_resolved"], FIGURES["collective.arrears_collected"]
    for region in (w.r.fendou, w.r.shibazhan):
        assert resolved.compute(region, TODAY).value == Decimal("2000.00")
        assert collected.compute(region, TODAY).value == Decimal("1200.50")
    assert collected.compute(w.r.kaikukang, TODAY).value == 0
    # before the payment day nothing was collected yet
    if TODAY.month > 1 or TODAY.day > 1:
        assert collected.compute(w.r.fendou, TODAY - dt.timedelta(days=1)).value == 0
    bulk = collected.by_region(TODAY)
    assert bulk[w.r.fendou.pk].value == Decimal("1200.50")


def test_every_figure_bulk_form_matches_compute(w, contract):
    from zhenxing.dashboard.testing import bulk_mismatches

    books.contract_problem_record(actor=None, contract=contract, kind="arrears")
    for ind in INDICATORS:
        assert ind.by_region is not None and ind.rollup in {"sum", "ratio"}, ind.code
        assert bulk_mismatches(ind, TODAY) == [], ind.code

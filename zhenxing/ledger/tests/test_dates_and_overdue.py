"""Overdue computation, including across month ends."""

from __future__ import annotations

from zhenxing.ledger.dates import add_months, last_closed_period, period_end, period_start
from zhenxing.ledger.models import Rhythm, TaskStatus

from .conftest import D, assignment


def test_adding_a_month_clamps_at_month_end():
    assert add_months(D(2022, 1, 31), 1) == D(2022, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2022, 12, 31), 2) == D(2023, 2, 28)
    assert add_months(D(2022, 3, 31), -1) == D(2022, 2, 28)


def test_report_periods():
    assert period_start(D(2022, 5, 17)) == D(2022, 5, 1)
    assert period_end(D(2022, 2, 1)) == D(2022, 2, 28)
    assert period_start(D(2022, 8, 31), Rhythm.QUARTERLY) == D(2022, 7, 1)
    assert period_end(D(2022, 7, 1), Rhythm.QUARTERLY) == D(2022, 9, 30)
    assert last_closed_period(D(2022, 3, 1)) == D(2022, 2, 1)
    assert last_closed_period(D(2022, 1, 15)) == D(2021, 12, 1)


def test_an_assignment_is_overdue_from_the_day_after_its_deadline(w, ledger):
    a = assignment(ledger, 4, w.r.tahe)
    a.deadline = D(2022, 1, 31)
    assert a.effective_status(D(2022, 1, 31)) == TaskStatus.NOT_STARTED
    assert a.effective_status(D(2022, 2, 1)) == TaskStatus.OVERDUE
    assert a.overdue_days(D(2022, 2, 1)) == 1
    assert a.overdue_days(D(2022, 3, 1)) == 29  # February 2022 has 28 days


def test_a_task_waiting_for_acceptance_is_not_overdue(w, ledger):
    a = assignment(ledger, 4, w.r.tahe)
    a.deadline = D(2022, 1, 31)
    a.status = TaskStatus.AWAITING_ACCEPTANCE
    assert a.effective_status(D(2022, 6, 1)) == TaskStatus.AWAITING_ACCEPTANCE
    assert a.overdue_days(D(2022, 6, 1)) == 0


def test_an_items_default_deadline_crosses_the_month_end(w, types):
    from zhenxing.ledger import services

    item = services.rectification_item_open(
        actor=w.tahe,
        type=types["water"],
        region=w.r.fendou,
        problem="断水",
        source="self_check",
        found_on=D(2022, 1, 31),
    )
    assert item.deadline == D(2022, 3, 2)  # 30 days after 31 January
    assert not item.is_overdue(D(2022, 3, 2))
    assert item.overdue_days(D(2022, 3, 3)) == 1

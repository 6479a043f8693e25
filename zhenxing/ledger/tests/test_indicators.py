"""The ledger's computed indicators against hand-made data."""

from __future__ import annotations

from decimal import Decimal

from zhenxing.ledger import services
from zhenxing.lib.modules import indicators

from .conftest import D, assignment, fixer, give_all_evidence


def _item(w, types, region, found, deadline, closed=None):
    item = services.rectification_item_open(
        actor=w.diqu,
        type=types["housing"],
        region=region,
        problem="p",
        source="self_check",
        found_on=found,
        deadline=deadline,
    )
    if closed:
        services.item_transition(actor=fixer(w, region), item=item, action="fix", evidence="e", on=closed)
        services.item_transition(actor=w.diqu, item=item, action="verify", on=closed)
    return item


def test_the_ledger_indicators_are_registered_once():
    codes = indicators()
    assert {"ledger.rectification_on_time", "ledger.rectification_overdue", "ledger.tasks_closed"} <= set(codes)


def test_items_closed_on_time(w, types):
    compute = indicators()["ledger.rectification_on_time"].compute
    _item(w, types, w.r.fendou, D(2022, 3, 1), D(2022, 4, 30), closed=D(2022, 4, 30))  # on the last day: on time
    _item(w, types, w.r.kaikukang, D(2022, 3, 1), D(2022, 4, 30), closed=D(2022, 5, 1))  # a day late
    _item(w, types, w.r.yongfeng, D(2022, 3, 1), D(2022, 5, 31))  # open
    _item(w, types, w.r.yongfeng, D(2022, 3, 1), D(2023, 1, 31))  # not yet due
    v = compute(w.r.tahe, D(2022, 12, 31))
    assert (v.numerator, v.denominator, v.value) == (1, 3, Decimal("0.3333"))
    assert "region=232722000000" in v.evidence_url
    assert compute(w.r.huma, D(2022, 12, 31)).value is None
    # as of the deadline day, only the two due by then count, and the late one is not yet closed
    v = compute(w.r.tahe, D(2022, 4, 30))
    assert (v.numerator, v.denominator) == (1, 2)


def test_open_overdue_items_are_counted_as_of_the_date(w, types):
    compute = indicators()["ledger.rectification_overdue"].compute
    _item(w, types, w.r.fendou, D(2022, 3, 1), D(2022, 4, 30), closed=D(2022, 6, 5))
    _item(w, types, w.r.yongfeng, D(2022, 3, 1), D(2022, 5, 31))
    assert compute(w.r.tahe, D(2022, 4, 30)).value == 0
    assert compute(w.r.tahe, D(2022, 5, 1)).value == 1
    assert compute(w.r.tahe, D(2022, 6, 1)).value == 2
    assert compute(w.r.tahe, D(2022, 6, 5)).value == 1  # the first was closed on 5 June
    assert compute(w.r.shibazhan, D(2022, 6, 5)).value == 1
    assert compute(w.r.huma, D(2022, 6, 5)).value == 0


def test_ledger_tasks_closed_out(w, ledger):
    compute = indicators()["ledger.tasks_closed"].compute
    a = assignment(ledger, 1, w.r.tahe)
    give_all_evidence(w.tahe, a)
    services.assignment_transition(actor=w.tahe, assignment=a, action="submit", on=D(2022, 11, 1))
    services.assignment_transition(actor=w.diqu, assignment=a, action="close", on=D(2022, 11, 2))
    v = compute(w.r.tahe, D(2022, 12, 31))
    assert (v.numerator, v.denominator, v.value) == (1, 27, Decimal("0.0370"))
    assert compute(w.r.tahe, D(2022, 11, 1)).numerator == 0
    assert compute(w.r.huma, D(2022, 12, 31)).numerator == 0
    assert compute(w.r.tahe, D(2023, 12, 31)).value is None  # no 2023 ledger


def test_items_on_every_level_and_the_deadline_day_in_the_snapshot(w, types):
    """Items hang on a county, a township or a village; the snapshot adds each into its ancestors
    and gives every node what ``compute`` gives, on the deadline day and the day after."""
    from zhenxing.dashboard.testing import bulk_mismatches

    _item(w, types, w.r.tahe, D(2022, 3, 1), D(2022, 4, 30))  # county, open
    _item(w, types, w.r.shibazhan, D(2022, 3, 1), D(2022, 4, 30), closed=D(2022, 4, 30))  # township, on time
    _item(w, types, w.r.fendou, D(2022, 3, 1), D(2022, 5, 31), closed=D(2022, 6, 2))  # village, late
    _item(w, types, w.r.huma, D(2022, 5, 1), D(2022, 5, 31))  # other county, open
    inds = indicators()
    overdue = inds["ledger.rectification_overdue"].compute
    assert overdue(w.r.tahe, D(2022, 4, 30)).value == 0  # on the deadline day it is not overdue yet
    assert overdue(w.r.tahe, D(2022, 5, 1)).value == 1
    assert overdue(w.r.shibazhan, D(2022, 6, 1)).value == 1
    assert overdue(w.r.diqu, D(2022, 6, 1)).value == 3
    assert overdue(w.r.diqu, D(2022, 6, 2)).value == 2
    v = inds["ledger.rectification_on_time"].compute(w.r.diqu, D(2022, 6, 30))
    assert (v.numerator, v.denominator) == (1, 4)
    for day in (D(2022, 4, 30), D(2022, 5, 1), D(2022, 6, 1), D(2022, 6, 2), D(2022, 12, 31)):
        for code in ("ledger.rectification_on_time", "ledger.rectification_overdue"):
            assert bulk_mismatches(code, day) == [], (code, day)


def test_tasks_closed_in_the_snapshot(w, ledger):
    from zhenxing.dashboard.testing import bulk_mismatches

    a = assignment(ledger, 1, w.r.tahe)
    give_all_evidence(w.tahe, a)
    services.assignment_transition(actor=w.tahe, assignment=a, action="submit", on=D(2022, 11, 1))
    services.assignment_transition(actor=w.diqu, assignment=a, action="close", on=D(2022, 11, 2))
    for day in (D(2022, 11, 1), D(2022, 11, 2), D(2023, 1, 1)):
        assert bulk_mismatches("ledger.tasks_closed", day) == [], day
    assert indicators()["ledger.tasks_closed"].compute(w.r.diqu, D(2022, 11, 2)).numerator == 1

"""A rectification type whose default limit counts 工作日 sets the item's deadline by the calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from zhenxing.ledger import services
from zhenxing.lib.workdays import WORKDAYS


def test_default_deadline_in_working_days_across_national_day(w, types):
    kind = services.rectification_type_create(
        actor=w.diqu, code="quick", name="限期整改", default_days=5, default_days_unit=WORKDAYS
    )
    item = services.rectification_item_open(
        actor=w.diqu, type=kind, region=w.r.fendou, problem="p", source="self_check", found_on=dt.date(2026, 9, 30)
    )
    assert item.deadline == dt.date(2026, 10, 13)  # 8, 9, 10 (Sat, 调休), 12, 13 October
    assert not item.is_overdue(dt.date(2026, 10, 13)) and item.is_overdue(dt.date(2026, 10, 14))
    calendar_days = services.rectification_item_open(
        actor=w.diqu,
        type=types["water"],
        region=w.r.fendou,
        problem="q",
        source="self_check",
        found_on=dt.date(2026, 9, 30),
    )
    assert calendar_days.deadline == dt.date(2026, 9, 30) + dt.timedelta(days=types["water"].default_days)


def test_a_year_known_to_neither_is_refused(w, types):
    kind = services.rectification_type_create(
        actor=w.diqu, code="quick", name="限期整改", default_days=5, default_days_unit=WORKDAYS
    )
    with pytest.raises(ValidationError, match="2027年的法定节假日"):
        services.rectification_item_open(
            actor=w.diqu, type=kind, region=w.r.fendou, problem="p", source="self_check", found_on=dt.date(2026, 12, 30)
        )

"""The pure working-day arithmetic against the State Council's 2026 notice (in chinesecalendar)."""

from __future__ import annotations

import datetime as dt

import pytest

from zhenxing.lib.workdays import (
    CALENDAR,
    PACKAGE_YEARS,
    WORKDAYS,
    CalendarYearUnknown,
    WorkCalendar,
    limit_due,
    limit_late_before,
)

D = dt.date
CAL = WorkCalendar()


def test_national_day_2026_and_the_worked_saturday():
    assert not CAL.is_workday(D(2026, 10, 1)) and not CAL.is_workday(D(2026, 10, 7))
    assert CAL.is_workday(D(2026, 10, 10))  # Saturday, 调休上班
    assert not CAL.is_workday(D(2026, 10, 11))  # Sunday
    assert CAL.is_workday(D(2026, 9, 20))  # Sunday, 调休上班


def test_due_date_across_national_day_counts_the_worked_saturday():
    # Wed 30 Sep + 5 working days: 8, 9, 10 (Sat, 调休), 12, 13 October; weekends-only would say 7 Oct
    assert CAL.add(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert CAL.add(D(2026, 9, 30), 0) == D(2026, 9, 30)
    assert CAL.between(D(2026, 9, 30), D(2026, 10, 13)) == 5
    assert CAL.between(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert CAL.between(D(2026, 10, 13), D(2026, 9, 30)) == -5


def test_last_day_of_the_window_is_not_late_the_next_day_is():
    start = D(2026, 9, 30)
    assert not start < limit_late_before(CAL, D(2026, 10, 13), 5, WORKDAYS)  # the due day itself
    assert start < limit_late_before(CAL, D(2026, 10, 14), 5, WORKDAYS)
    assert limit_late_before(CAL, D(2026, 10, 14), 5, WORKDAYS) == D(2026, 10, 8)
    # the same bound for every start: late exactly when its due date is before today
    for offset in range(-20, 5):
        s = start + dt.timedelta(days=offset)
        today = D(2026, 10, 14)
        assert (s < limit_late_before(CAL, today, 5, WORKDAYS)) == (CAL.add(s, 5) < today), s


def test_calendar_days_unit_ignores_holidays():
    assert limit_due(CAL, D(2026, 9, 30), 5, CALENDAR) == D(2026, 10, 5)
    assert limit_late_before(CAL, D(2026, 10, 6), 5, CALENDAR) == D(2026, 10, 1)


def test_a_year_only_the_table_knows():
    cal = WorkCalendar(overrides={D(2027, 1, 1): False, D(2027, 1, 3): True}, table_years=frozenset({2027}))
    assert 2027 not in PACKAGE_YEARS
    assert not cal.is_workday(D(2027, 1, 1))  # Friday, 元旦 from the table
    assert cal.is_workday(D(2027, 1, 3))  # Sunday worked, from the table
    assert not cal.is_workday(D(2027, 1, 2))  # ordinary Saturday
    assert cal.add(D(2026, 12, 31), 2) == D(2027, 1, 4)  # Sun 3rd, Mon 4th


def test_the_table_overrides_the_package():
    cal = WorkCalendar(overrides={D(2026, 10, 12): False})
    assert cal.add(D(2026, 9, 30), 5) == D(2026, 10, 14)


def test_a_year_known_to_neither_is_refused_in_chinese():
    with pytest.raises(CalendarYearUnknown) as exc:
        CAL.add(D(2026, 12, 28), 5)
    assert exc.value.year == 2027 and "2027年的法定节假日" in exc.value.messages[0]
    with pytest.raises(CalendarYearUnknown):
        WorkCalendar(table_years=frozenset({2027})).is_workday(D(2028, 3, 1))

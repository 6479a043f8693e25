"""Limits in 工作日 on fixed dates of the 2026 calendar (国庆 1–7 October, Saturday 10 October worked)."""

from __future__ import annotations

import datetime as dt

from zhenxing.calendar import services as calendar
from zhenxing.lib.workdays import CALENDAR, WORKDAYS
from zhenxing.monitoring import indicators, selectors
from zhenxing.monitoring.models import MonitoringCase

D = dt.date


def _case_found_on(new_case, day: dt.date) -> MonitoringCase:
    case = new_case()
    MonitoringCase.objects.filter(pk=case.pk).update(discovered_on=day)
    case.refresh_from_db()
    return case


def _overdue(user, today):
    return {r["id"]: r["overdue_days"] for r in selectors.overdue_cases(user, today=today)}


def test_home_check_in_working_days_across_national_day(w, std, new_case):
    std.home_check_unit = WORKDAYS
    std.save()
    case = _case_found_on(new_case, D(2026, 9, 30))  # Wednesday before 国庆
    standards = selectors.Standards()
    due = selectors.due_of(
        state=case.state,
        discovered_on=case.discovered_on,
        elimination_proposed_on=None,
        standards=standards,
        today=D(2026, 10, 13),
    )
    assert due.due == D(2026, 10, 13) and due.overdue_days == 0  # 8, 9, 10 (Sat, 调休), 12, 13 October
    assert case.pk not in _overdue(w.fendou, D(2026, 10, 13))  # the last day of the window
    assert selectors.overdue_count(w.fendou, today=D(2026, 10, 13)) == 0
    assert _overdue(w.fendou, D(2026, 10, 14)) == {case.pk: 1}
    assert selectors.overdue_count(w.tahe, today=D(2026, 10, 14)) == 1


def test_the_same_case_in_calendar_days(w, std, new_case):
    case = _case_found_on(new_case, D(2026, 9, 30))
    assert std.home_check_unit == CALENDAR
    assert _overdue(w.fendou, D(2026, 10, 6)) == {case.pk: 1}  # 30 Sep + 5 days = 5 Oct


def test_due_date_in_a_year_only_the_table_knows(w, std, new_case):
    std.home_check_unit = WORKDAYS
    std.save()
    case = _case_found_on(new_case, D(2026, 12, 30))  # Wed; 31 Dec, then 2027
    assert selectors.case_due(case).problem.startswith("2027年的法定节假日")  # known to neither
    assert case.pk not in _overdue(w.fendou, D(2026, 12, 31))  # before the unknown year: judged, not late
    calendar.holiday_day_save(actor=w.diqu, date=D(2027, 1, 1), is_workday=False, name="元旦")
    calendar.holiday_year_save(actor=w.diqu, year=2027, notice="2027年节假日安排（演示）")
    due = selectors.case_due(case)
    assert due.due == D(2027, 1, 7) and not due.problem  # 31 Dec, then 4, 5, 6, 7 January (1st: 元旦)
    assert calendar.workdays_between(D(2026, 12, 30), D(2027, 1, 6)) == 4
    assert case.pk not in _overdue(w.fendou, D(2027, 1, 7))
    assert _overdue(w.fendou, D(2027, 1, 11)) == {case.pk: 4}


def test_home_page_says_when_the_year_is_missing(w, std, new_case):
    std.home_check_unit = WORKDAYS
    std.save()
    problem = selectors.calendar_problem(selectors.Standards(), D(2028, 1, 5))
    assert "2028年" in problem
    assert selectors.calendar_problem(selectors.Standards(), D(2026, 1, 5)) == ""
    assert selectors.overdue_count(w.fendou, today=D(2028, 1, 5)) == 0  # not guessed as weekends only


def test_identified_in_time_counts_working_days(w, std, new_case, drive):
    std.decision_unit = WORKDAYS
    std.decision_days = 5
    std.save()
    case = drive(new_case(), "monitored")
    MonitoringCase.objects.filter(pk=case.pk).update(discovered_on=D(2026, 9, 30), decided_on=D(2026, 10, 13))
    value = indicators.identified_in_time(w.r.tahe, D(2026, 12, 1))
    assert (value.numerator, value.denominator) == (1, 1)
    MonitoringCase.objects.filter(pk=case.pk).update(decided_on=D(2026, 10, 14))
    value = indicators.identified_in_time(w.r.tahe, D(2026, 12, 1))
    assert (value.numerator, value.denominator) == (0, 1)

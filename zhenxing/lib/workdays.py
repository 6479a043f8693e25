"""Working-day arithmetic (the library layer: imports no app).

A day is a working day by, in this order: an override (the system's own calendar table, entered
by an administrator: ``{date: True}`` for a worked day, ``{date: False}`` for a day off); the
``chinesecalendar`` package (the State Council's yearly holiday notices with the 调休 weekend days
that are worked, for the years it was released with); for a year only the table knows, Monday to
Friday. A year that neither knows is refused with ``CalendarYearUnknown`` — never guessed as
"weekends only", since a missing 春节 or 国庆 would move every due date by a week.

Counting rules (the same everywhere):
- ``add(start, n)``: the n-th working day after ``start`` (``start`` itself is not counted; n=0
  gives ``start``). A limit of "5 working days" from a discovery on day D is due on ``add(D, 5)``.
- ``between(a, b)``: working days in (a, b]; ``add(a, between(a, b)) <= b``.
- ``back(d, n)``: the n-th working day before ``d`` (``d`` not counted; n=0 gives ``d``): a step
  started on s with a limit of n working days is late on ``today`` exactly when
  ``s < back(today, n)`` — one date bound, so overdue lists stay a single filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import chinese_calendar
from chinese_calendar import constants as _cc
from django.core.exceptions import ValidationError

CALENDAR = "calendar"
WORKDAYS = "workdays"
UNIT_CHOICES = [(CALENDAR, "自然日"), (WORKDAYS, "工作日")]
UNIT_LABELS = dict(UNIT_CHOICES)

PACKAGE_YEARS = frozenset(d.year for d in _cc.holidays) | frozenset(d.year for d in _cc.workdays)
# A search never walks further than this many days (a limit of a few hundred working days).
_MAX_STEPS = 3660


class CalendarYearUnknown(ValidationError):
    """A date falls in a year whose official holiday arrangement the system does not know."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年的法定节假日和调休安排尚未录入工作日历，无法按工作日计算期限；"
            f"请系统管理员或地区管理员在“工作日历”中录入{year}年的节假日和调休上班日。",
            code="calendar_year_unknown",
        )


@dataclass(frozen=True)
class WorkCalendar:
    """The official calendar: the package plus the administrators' table."""

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    table_years: frozenset[int] = frozenset()

    def knows(self, year: int) -> bool:
        return year in self.table_years or year in PACKAGE_YEARS

    def is_workday(self, d: dt.date) -> bool:
        if d in self.overrides:
            return self.overrides[d]
        if d.year in PACKAGE_YEARS:
            return chinese_calendar.is_workday(d)
        if d.year in self.table_years:
            return d.weekday() < 5
        raise CalendarYearUnknown(d.year)

    def add(self, start: dt.date, n: int) -> dt.date:
        if n < 0:
            return self.back(start, -n)
        d, left, steps = start, n, 0
        while left:
            d += dt.timedelta(days=1)
            steps += 1
            if steps > _MAX_STEPS:
                raise ValueError("工作日数过大")
            if self.is_workday(d):
                left -= 1
        return d

    def back(self, d: dt.date, n: int) -> dt.date:
        left, steps = n, 0
        while left:
            d -= dt.timedelta(days=1)
            steps += 1
            if steps > _MAX_STEPS:
                raise ValueError("工作日数过大")
            if self.is_workday(d):
                left -= 1
        return d

    def between(self, a: dt.date, b: dt.date) -> int:
        if b < a:
            return -self.between(b, a)
        return sum(1 for i in range(1, (b - a).days + 1) if self.is_workday(a + dt.timedelta(days=i)))


def limit_due(cal: WorkCalendar, start: dt.date, n: int, unit: str) -> dt.date:
    """The due date of a limit of ``n`` days in ``unit`` (自然日 or 工作日) starting on ``start``."""
    return cal.add(start, n) if unit == WORKDAYS else start + dt.timedelta(days=n)


def limit_late_before(cal: WorkCalendar, today: dt.date, n: int, unit: str) -> dt.date:
    """Steps started before the returned date are past their due date on ``today``."""
    return cal.back(today, n) if unit == WORKDAYS else today - dt.timedelta(days=n)


def limit_used(cal: WorkCalendar, start: dt.date, end: dt.date, unit: str) -> int:
    """How many days of the limit's unit lie between ``start`` and ``end``."""
    return cal.between(start, end) if unit == WORKDAYS else (end - start).days


def overrides_of(rows: Iterable[tuple[dt.date, bool]]) -> dict[dt.date, bool]:
    return {d: bool(w) for d, w in rows}

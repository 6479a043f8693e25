"""Calendar arithmetic the ledgers need: month steps that clamp at month ends, report periods, and
the window of 即将到期 (the reminders and the home page) in working days of the one calendar service."""

from __future__ import annotations

import calendar
import datetime as dt

from zhenxing.calendar.services import work_calendar
from zhenxing.lib.workdays import CalendarYearUnknown, WorkCalendar

from .models import RHYTHM_MONTHS, Rhythm

# 即将到期: due within this many working days (one working week; the offices work on working days, so
# a deadline right after the National Day or Spring Festival holiday is announced before it starts).
SOON_WORKDAYS = 5
SOON_LABEL = f"{SOON_WORKDAYS}个工作日内到期"
# When the window reaches a year the calendar does not know yet (late December, before the next
# year's holiday notice is entered): calendar days — a reminder is not a due date, and one missed
# is worse than one early.
SOON_FALLBACK_DAYS = 7


def add_months(d: dt.date, months: int) -> dt.date:
    """1月31日 + 1个月 = 2月28日（或29日）: the day is clamped to the target month's length."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def period_start(d: dt.date, rhythm: str = Rhythm.MONTHLY) -> dt.date:
    months = RHYTHM_MONTHS[Rhythm(rhythm)]
    month = ((d.month - 1) // months) * months + 1
    return dt.date(d.year, month, 1)


def period_end(start: dt.date, rhythm: str = Rhythm.MONTHLY) -> dt.date:
    return add_months(start, RHYTHM_MONTHS[Rhythm(rhythm)]) - dt.timedelta(days=1)


def last_closed_period(as_of: dt.date, rhythm: str = Rhythm.MONTHLY) -> dt.date:
    """Start of the latest period that has fully ended before ``as_of``."""
    current = period_start(as_of, rhythm)
    return add_months(current, -RHYTHM_MONTHS[Rhythm(rhythm)])


def soon_until(as_of: dt.date, cal: WorkCalendar | None = None) -> dt.date:
    """The last deadline that counts as 即将到期 on ``as_of``: every day before the (N+1)-th working
    day after ``as_of`` (a deadline on the weekend or holiday right after the N-th working day too)."""
    try:
        return (cal or work_calendar()).add(as_of, SOON_WORKDAYS + 1) - dt.timedelta(days=1)
    except CalendarYearUnknown:
        return as_of + dt.timedelta(days=SOON_FALLBACK_DAYS)

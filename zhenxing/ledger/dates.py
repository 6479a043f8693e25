"""Calendar arithmetic the ledgers need: month steps that clamp at month ends, report periods."""

from __future__ import annotations

import calendar
import datetime as dt

from .models import RHYTHM_MONTHS, Rhythm


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

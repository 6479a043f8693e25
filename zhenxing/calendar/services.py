"""The one calendar service: every limit counted in 工作日 goes through here.

``work_calendar()`` loads the administrators' table once (two small queries) and returns the pure
``lib.workdays.WorkCalendar``; pass it around in loops. ``workdays_add``, ``workdays_between`` and
``is_workday`` are the single-use shortcuts. A date in a year neither the package nor the table
knows raises ``CalendarYearUnknown`` (a ValidationError with the Chinese message)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.audit.context import acting
from zhenxing.lib.workdays import PACKAGE_YEARS, CalendarYearUnknown, WorkCalendar

from .models import HolidayDay, HolidayYear

__all__ = [
    "CalendarYearUnknown",
    "work_calendar",
    "workdays_add",
    "workdays_between",
    "is_workday",
    "holiday_year_save",
    "holiday_day_save",
    "holiday_day_delete",
    "package_years",
]

EDITORS = {Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN}
WRITE_RULES = scope.write_rules(
    {
        "calendar.year.edit": scope.WriteRule(
            roles=frozenset(EDITORS), system=False, refusal="工作日历由地区管理员或系统管理员维护"
        ),
    }
)

# Every account reads the calendar; the menu lists it for those who maintain it.
PAGE_RULES = scope.page_rules({"calendar.home": scope.PageRule(menu=frozenset(EDITORS))})


def work_calendar() -> WorkCalendar:
    return WorkCalendar(
        overrides=dict(HolidayDay.objects.values_list("date", "is_workday")),
        table_years=frozenset(HolidayYear.objects.values_list("year", flat=True)),
    )


def workdays_add(start: dt.date, n: int) -> dt.date:
    return work_calendar().add(start, n)


def workdays_between(a: dt.date, b: dt.date) -> int:
    return work_calendar().between(a, b)


def is_workday(d: dt.date) -> bool:
    return work_calendar().is_workday(d)


def package_years() -> tuple[int, int]:
    return min(PACKAGE_YEARS), max(PACKAGE_YEARS)


def holiday_year_save(*, actor, year: int, notice: str) -> HolidayYear:
    """Declare a year's holiday notice entered: the year counts as known from now on."""
    scope.require_write(actor, None, "calendar.year.edit")
    errors = {}
    if not 2000 <= int(year) <= 2100:
        errors["year"] = ["年度不正确"]
    if not (notice or "").strip():
        errors["notice"] = ["请填写依据（节假日安排通知）"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        row = HolidayYear.objects.filter(year=year).first() or HolidayYear(year=year)
        row.notice = notice.strip()
        row.full_clean()
        row.save()
    return row


def holiday_day_save(*, actor, date: dt.date, is_workday: bool, name: str) -> HolidayDay:
    """Add or change one day: 放假 (``is_workday`` False) or 调休上班 (True)."""
    scope.require_write(actor, None, "calendar.year.edit")
    errors = {}
    if not (name or "").strip():
        errors["name"] = ["请填写名称，如：春节、国庆节调休上班"]
    if is_workday and date.weekday() < 5 and date.year not in PACKAGE_YEARS:
        errors["is_workday"] = ["该日本为工作日，无须登记为调休上班"]
    if not is_workday and date.weekday() >= 5 and date.year not in PACKAGE_YEARS:
        errors["is_workday"] = ["该日为周末，本就休息，无须登记为放假"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        row = HolidayDay.objects.filter(date=date).first() or HolidayDay(date=date)
        row.is_workday = bool(is_workday)
        row.name = name.strip()
        row.full_clean()
        row.save()
    return row


def holiday_day_delete(*, actor, day: HolidayDay) -> None:
    scope.require_write(actor, None, "calendar.year.edit")
    with transaction.atomic(), acting(actor):
        day.delete()

"""The calendar service and its page: administrators add a year the package does not know."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhenxing.audit.models import AuditEntry
from zhenxing.calendar import services
from zhenxing.calendar.models import HolidayDay, HolidayYear

D = dt.date


def test_service_api_uses_the_package(db):
    assert services.workdays_add(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert services.workdays_between(D(2026, 9, 30), D(2026, 10, 13)) == 5
    assert services.is_workday(D(2026, 10, 10)) and not services.is_workday(D(2026, 10, 5))


def test_a_year_known_to_neither_is_refused(db):
    with pytest.raises(ValidationError, match="2027年的法定节假日和调休安排尚未录入工作日历"):
        services.workdays_add(D(2026, 12, 30), 5)


def test_admin_enters_a_new_year_and_it_counts(w):
    services.holiday_day_save(actor=w.diqu, date=D(2027, 1, 1), is_workday=False, name="元旦")
    with pytest.raises(ValidationError):  # the days alone do not make the year known
        services.is_workday(D(2027, 1, 4))
    services.holiday_year_save(actor=w.diqu, year=2027, notice="国办发明电〔2026〕X号（演示）")
    assert not services.is_workday(D(2027, 1, 1))
    assert services.workdays_add(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert AuditEntry.objects.filter(model="calendar.holidayday").exists()


def test_pointless_days_in_a_table_year_are_refused(w):
    with pytest.raises(ValidationError, match="本为工作日"):
        services.holiday_day_save(actor=w.diqu, date=D(2027, 1, 4), is_workday=True, name="调休")
    with pytest.raises(ValidationError, match="本就休息"):
        services.holiday_day_save(actor=w.diqu, date=D(2027, 1, 2), is_workday=False, name="元旦")


def test_only_prefecture_and_system_admins_edit(w):
    for user in (w.tahe, w.fendou):
        with pytest.raises(PermissionDenied):
            services.holiday_year_save(actor=user, year=2027, notice="通知")
    assert not HolidayYear.objects.exists()


def test_page_adds_a_day_and_a_year_and_deletes(w, login):
    c = login(w.diqu)
    r = c.post(
        reverse("calendar:home"),
        {"form": "day", "d-date": "2027-02-06", "d-name": "春节调休上班", "d-is_workday": "on"},
    )
    assert r.status_code == 302
    day = HolidayDay.objects.get(date=D(2027, 2, 6))
    assert day.is_workday
    r = c.post(reverse("calendar:home"), {"form": "year", "y-year": "2027", "y-notice": "国办发明电"})
    assert r.status_code == 302 and HolidayYear.objects.filter(year=2027).exists()
    page = c.get(reverse("calendar:home")).content.decode()
    assert "春节调休上班" in page and "2004" in page
    assert c.post(reverse("calendar:day_delete", args=[day.pk])).status_code == 302
    assert not HolidayDay.objects.exists()


def test_page_is_read_only_for_others(w, login):
    c = login(w.tahe)
    assert c.get(reverse("calendar:home")).status_code == 200
    assert c.post(reverse("calendar:home"), {"form": "year", "y-year": "2027", "y-notice": "x"}).status_code == 403

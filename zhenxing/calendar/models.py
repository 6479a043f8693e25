"""The administrators' calendar table: a year entered by hand and its days that differ from the
ordinary week. It overrides the ``chinesecalendar`` package for its dates (see lib/workdays.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayYear(models.Model):
    """A year whose holiday notice has been entered in full: from then on the year counts as known
    (weekdays work, weekends rest, except the year's ``HolidayDay`` rows)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    notice = models.CharField(_("依据（国务院办公厅节假日安排通知）"), max_length=200)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("工作日历年度")
        verbose_name_plural = _("工作日历年度")

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class HolidayDay(models.Model):
    """One date that differs from the package or the ordinary week: a holiday (放假) or a worked
    weekend day (调休上班)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("调休上班"), default=False, help_text=_("勾选为上班日，不勾选为放假日"))
    name = models.CharField(_("名称"), max_length=40, help_text=_("如：春节、国庆节调休上班"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日或调休日")
        verbose_name_plural = _("节假日或调休日")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}（{'上班' if self.is_workday else '放假'}）"

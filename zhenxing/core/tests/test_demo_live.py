"""The demo is generated relative to the day it is loaded (issue 16 item 6): nothing in the ledger
is more than a year overdue, the dashboard has a year of month-end history, last month's report
has figures (this month and 上期), and department records are of the last year. The records the
outside checks act on (issue 15) are still there."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhenxing.dashboard import reports
from zhenxing.dashboard.demo import DEMO_REPORT_REGIONS, month_ends
from zhenxing.dashboard.models import IndicatorSnapshot, Report, ReportKind
from zhenxing.ledger.models import Assignment, ItemStatus, Ledger, RectificationItem, SourceKind, TaskStatus
from zhenxing.monitoring.models import MonitoringCase
from zhenxing.regions.models import Region
from zhenxing.screening.models import Alert

YEAR = 365


@pytest.fixture
def demo(db):
    call_command("demo", "--no-serve", stdout=io.StringIO())
    return timezone.localdate()


def test_the_demo_is_what_an_office_sees_today(demo):
    today = demo
    _ledger_is_of_this_year(today)
    _dashboard_has_a_year_of_history(today)
    _last_months_report_has_figures(today)
    _department_records_are_of_the_last_year(today)
    _outside_checks_still_have_their_records()


def test_month_ends_cross_the_year():
    ends = month_ends(dt.date(2027, 1, 3))
    assert (len(ends), ends[0], ends[-1]) == (12, dt.date(2026, 1, 31), dt.date(2026, 12, 31))
    assert month_ends(dt.date(2026, 3, 31))[-2:] == [dt.date(2026, 1, 31), dt.date(2026, 2, 28)]


def _ledger_is_of_this_year(today):
    assert set(Ledger.objects.values_list("year", flat=True)) >= {2022, today.year}  # 2022 stays as its year
    assignments = list(Assignment.objects.select_related("task__ledger"))
    late = {a.pk: a.overdue_days(today) for a in assignments}
    assert max(late.values()) <= YEAR
    items = list(RectificationItem.objects.all())
    assert max(i.overdue_days(today) for i in items) <= YEAR
    assert any(i.overdue_days(today) for i in items)  # a few recently overdue, not none
    this_year = [a for a in assignments if a.task.ledger.year == today.year]
    if today.month > 1:  # in January everything of the year is still ahead
        assert any(late[a.pk] for a in this_year)
    soon = [a for a in this_year if a.status in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)]
    assert any(today <= a.deadline <= today + dt.timedelta(days=30) for a in soon)
    assert any(a.status == TaskStatus.CLOSED for a in this_year)
    # the 2022 year is wrapped up: nothing of it left open
    assert not Assignment.objects.filter(task__ledger__year=2022).exclude(status=TaskStatus.CLOSED).exists()


def _dashboard_has_a_year_of_history(today):
    last_twelve = set(month_ends(today))
    dates = set(IndicatorSnapshot.objects.filter(code="registry.households").values_list("date", flat=True))
    assert len(last_twelve & dates) >= 11
    prefecture = Region.objects.get(code="232700000000")
    values = IndicatorSnapshot.objects.filter(region=prefecture, code="registry.households", date__in=last_twelve)
    assert values.count() >= 11 and all(v > 0 for v in values.values_list("value", flat=True))


def _last_months_report_has_figures(today):
    kind, start, end = reports.parse_period(f"{month_ends(today)[-1]:%Y-%m}")
    for region in Region.objects.filter(code__in=DEMO_REPORT_REGIONS):
        report = Report.objects.get(region=region, kind=ReportKind.MONTH, period_start=start)
        assert report.snapshot_date == end and report.previous_snapshot_date is not None
        rows = reports.collect(region, kind, start, end).key_rows()
        figures = {name: (now, before) for _section, name, _unit, now, before, _change in rows}
        now, before = figures["农户总数"]
        assert now not in ("0", "—") and before not in ("0", "—"), (region.name, now, before)
        assert sum(1 for now, _ in figures.values() if now not in ("0", "—", "0.0%")) >= 5


def _department_records_are_of_the_last_year(today):
    feed_alerts = Alert.objects.exclude(rule__in=["income", "income_missing"])
    dates = [dt.date.fromisoformat(r["date"]) for a in feed_alerts for r in a.evidence["records"]]
    assert dates and all(today - dt.timedelta(days=YEAR) <= d <= today for d in dates)
    settlements = [d for a in feed_alerts.filter(rule="medical") for d in (r["date"] for r in a.evidence["records"])]
    assert settlements


def _outside_checks_still_have_their_records():
    chain = RectificationItem.objects.get(source=SourceKind.SCREENING)
    assert chain.status == ItemStatus.CLOSED and chain.household.housing_safe
    open_alerts = Alert.objects.filter(is_open=True)
    with_case = MonitoringCase.objects.filter(village__code="232722200206").exclude(
        state__in=["eliminated", "not_admitted"]
    )
    assert open_alerts.filter(
        village__code="232722200206", household__in=with_case.values("household"), state__in=["new", "issued"]
    ).exists()
    assert open_alerts.filter(rule__in=["housing", "water"], village__code__startswith="232722").exists()
    assert open_alerts.filter(rule="medical", department="medical_insurance").exists()

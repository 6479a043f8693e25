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

from zhenxing.assets.models import Asset
from zhenxing.dashboard import reports
from zhenxing.dashboard.demo import DEMO_REPORT_REGIONS, month_ends
from zhenxing.dashboard.models import IndicatorSnapshot, Report, ReportKind
from zhenxing.funds.demo import COUNTIES
from zhenxing.funds.lifecycle import acceptance_refusal, completed_on
from zhenxing.funds.models import (
    STATUS_ORDER,
    Allocation,
    CountyMonthFigure,
    Disclosure,
    Payment,
    Project,
    ProjectStatus,
)
from zhenxing.ledger.models import Assignment, ItemStatus, Ledger, RectificationItem, SourceKind, TaskStatus
from zhenxing.monitoring.models import MonitoringCase
from zhenxing.regions.models import Region
from zhenxing.screening.models import Alert

YEAR = 365


@pytest.fixture
def demo(demo_data):
    """What ``zhenxing demo`` loads (zhenxing/conftest.py), on the day it loaded it."""
    return timezone.localdate()


def test_the_demo_is_what_an_office_sees_today(demo):
    today = demo
    _ledger_is_of_this_year(today)
    _dashboard_has_a_year_of_history(today)
    _last_months_report_has_figures(today)
    _department_records_are_of_the_last_year(today)
    _outside_checks_still_have_their_records()
    _funds_are_of_this_year(today)
    _assets_from_last_years_projects(today)
    _a_second_load_adds_no_funds_or_assets()


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


def _funds_are_of_this_year(today):
    year = today.year
    assert set(Allocation.objects.values_list("year", flat=True)) >= {2022, year - 1, year}  # 2022 stays
    for code in COUNTIES:
        mine = Allocation.objects.filter(county__code=code, year=year, issued_on__lte=today)
        assert set(mine.values_list("source", flat=True)) == {"central", "provincial", "county"}, code
        assert Disclosure.objects.filter(county__code=code, year=year, kind="progress", period_start__lte=today)
    projects = Project.objects.filter(year=year)
    main_line = STATUS_ORDER[: STATUS_ORDER.index(ProjectStatus.ACCEPTED) + 1]  # 入库 → … → 验收
    assert set(main_line) <= set(projects.values_list("status", flat=True))
    assert Project.objects.filter(year=year - 1, status=ProjectStatus.HANDED_OVER).exists()
    assert not Project.objects.filter(transitions__date__gt=today).exists()
    for project in projects.filter(status=ProjectStatus.ACCEPTED):  # the lifecycle's rules held
        accepted = project.transitions.get(to_status=ProjectStatus.ACCEPTED)
        assert completed_on(project) < accepted.date
        assert acceptance_refusal(project, on=accepted.date) == ""
        assert accepted.actor_id != project.transitions.get(to_status=ProjectStatus.COMPLETED).actor_id
    recent = Payment.objects.filter(project__year=year, date__gte=today - dt.timedelta(days=90), date__lte=today)
    assert recent.exists()
    assert not Payment.objects.filter(date__gt=today).exists()
    months = set(CountyMonthFigure.objects.filter(year=year).values_list("month", flat=True))
    assert months and max(months) <= today.month
    prefecture = Region.objects.get(code="232700000000")
    rate = IndicatorSnapshot.objects.get(region=prefecture, code="funds.disbursement_rate", date=today)
    assert rate.value > 0 and rate.numerator > 0 and rate.denominator > 0


def _assets_from_last_years_projects(today):
    assets = Asset.objects.filter(project__year=today.year - 1)
    assert assets.exists() and all(a.handed_over_on <= today for a in assets)
    assert Asset.objects.filter(project__year=2022).exists()


def _a_second_load_adds_no_funds_or_assets():
    def counts():
        return [m.objects.count() for m in (Project, Payment, Allocation, Disclosure, CountyMonthFigure, Asset)]

    before = counts()
    call_command("demo", "--no-serve", stdout=io.StringIO())
    assert counts() == before

"""The household's income follows the monitoring work (monitoring ↔ registry ↔ the dashboard's 低收入
figure): the identification's verified income when the county decides, each visit's income measurement,
the elimination's latest measurement when the risk is eliminated — each through
registry.services.household_record_apply, with a history row and an audit entry, in the step's
transaction; a year's own collection is never overridden and replaces a work figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from zhenxing.audit.models import AuditEntry
from zhenxing.dashboard.indicators import INDICATORS as REGISTRY_FIGURES
from zhenxing.monitoring import services, visits
from zhenxing.monitoring.models import Visit
from zhenxing.monitoring.testing import advance, demo_standard, ready_to_eliminate
from zhenxing.registry import services as registry
from zhenxing.registry.models import HouseholdIncome, HouseholdIncomeChange
from zhenxing.registry.testing import make_household

LOW_INCOME = next(i for i in REGISTRY_FIGURES if i.code == "registry.low_income")


def _household(w):
    # Two members, 2025 income 20,000: 10,000 per person, above the demo standard (6,900).
    return make_household(village=w.r.fendou, income={"wage_income": 20000}, income_year=2025)


def _low(w) -> int:
    return LOW_INCOME.compute(w.r.fendou, timezone.localdate()).value


def test_identification_records_the_verified_income_and_the_low_income_figure_moves(w):
    demo_standard()
    h = _household(w)
    before = _low(w)
    case = services.case_discover(
        actor=w.fendou,
        household=h,
        channel="cadre_visit",
        risk_types=["07"],
        discovered_on=timezone.localdate() - dt.timedelta(days=60),
    )
    case = advance(case, to="county_approval", village=w.fendou, township=w.shibazhan, county=w.tahe)
    assert HouseholdIncomeChange.objects.filter(household=h).count() == 0  # nothing before the decision
    case = advance(case, to="monitored", village=w.fendou, township=w.shibazhan, county=w.tahe)
    year = case.identified_on.year
    income = HouseholdIncome.objects.get(household=h, year=year)
    # advance() verifies 9,000 net income and 3,000 刚性支出
    assert (income.verified_net_income, income.eligible_spending, income.net_income) == (
        Decimal("9000.00"),
        Decimal("3000.00"),
        Decimal("9000.00"),
    )
    assert income.verified_source == f"监测案件 {case.number} 纳入监测（入户核实收入）"
    change = HouseholdIncomeChange.objects.get(household=h)
    assert (change.year, change.old_net_income, change.new_net_income, change.source, change.actor) == (
        year,
        None,
        Decimal("9000.00"),
        f"monitoring.case:{case.pk}",
        w.tahe,
    )
    h.refresh_from_db()
    assert (h.income_year, h.per_capita_income) == (year, Decimal("4500.00"))
    assert _low(w) == before + 1  # below the standard now, by itself
    assert AuditEntry.objects.filter(model="registry.householdincome", object_id=str(income.pk)).exists()


def test_a_visits_measurement_moves_the_income_and_a_late_entered_earlier_visit_does_not(w):
    h = _household(w)
    case = ready_to_eliminate(h, village=w.fendou, township=w.shibazhan, county=w.tahe)
    recorded = list(case.visits.filter(per_capita_income__isnull=False).order_by("date", "id"))
    latest = recorded[-1]
    assert latest.date.year == case.identified_on.year  # the same income year as the identification
    history = list(HouseholdIncomeChange.objects.filter(household=h).order_by("id"))
    assert [c.source for c in history] == [f"monitoring.case:{case.pk}"] + [
        f"monitoring.visit:{v.pk}" for v in recorded
    ]
    assert history[-1].new_net_income == latest.per_capita_income * 2
    assert history[-1].source_label == f"监测案件 {case.number} {latest.date:%Y年%m月%d日}走访测算收入"
    h.refresh_from_db()
    assert h.per_capita_income == latest.per_capita_income
    low = _low(w)
    # entered now but dated before the latest visit of that year: it does not overwrite the newer figure
    visits.visit_add(
        actor=w.fendou,
        case=case,
        date=latest.date - dt.timedelta(days=1),
        changes="补录走访",
        per_capita_income=Decimal("3000"),
    )
    h.refresh_from_db()
    assert h.per_capita_income == latest.per_capita_income and _low(w) == low
    assert HouseholdIncomeChange.objects.filter(household=h).count() == len(history)


def test_elimination_records_the_measurement_it_rests_on_and_the_figure_moves(w):
    h = _household(w)
    case = ready_to_eliminate(h, village=w.fendou, township=w.shibazhan, county=w.tahe)
    # A measurement the registry has not followed (a visit recorded before it did): the elimination records it.
    newer = Visit.objects.create(
        case=case,
        date=timezone.localdate() - dt.timedelta(days=12),
        changes="务工收入稳定",
        per_capita_income=Decimal("12000"),
    )
    low_before = _low(w)
    h.refresh_from_db()
    assert h.per_capita_income != Decimal("12000.00")
    case = advance(case, to="eliminated", village=w.fendou, township=w.shibazhan, county=w.tahe)
    latest = case.visits.filter(per_capita_income__isnull=False).order_by("-date", "-id").first()
    assert latest == newer
    change = HouseholdIncomeChange.objects.filter(household=h).latest("id")
    assert (change.source, change.source_label, change.year, change.new_net_income, change.actor) == (
        f"monitoring.case:{case.pk}",
        f"监测案件 {case.number} 风险消除",
        newer.date.year,
        Decimal("24000.00"),
        w.tahe,
    )
    h.refresh_from_db()
    assert h.per_capita_income == Decimal("12000.00")
    assert _low(w) == low_before  # already above the standard: the figure stays
    # the year's record now carries the elimination as its source
    assert HouseholdIncome.objects.get(household=h, year=newer.date.year).verified_source == change.source_label


def test_the_elimination_moves_the_low_income_figure(w):
    h = _household(w)
    case = ready_to_eliminate(h, village=w.fendou, township=w.shibazhan, county=w.tahe)
    year = case.identified_on.year
    # back to the identification's verified figure (9,000 for two: 4,500 each, below the standard), as
    # before the registry followed visits; the elimination's measurement lifts it
    registry.household_record_apply(
        actor=w.fendou, household=h, income=registry.IncomeFigure(year, Decimal("9000")), source="test:reset"
    )
    low = _low(w)
    case = advance(case, to="eliminated", village=w.fendou, township=w.shibazhan, county=w.tahe)
    assert _low(w) == low - 1
    assert HouseholdIncomeChange.objects.filter(household=h).latest("id").source == f"monitoring.case:{case.pk}"


def test_a_years_collected_income_is_never_overridden_by_a_work_figure(w):
    demo_standard()
    year = timezone.localdate().year
    h = make_household(village=w.r.fendou, income={"wage_income": 30000}, income_year=year)
    assert (
        registry.household_record_apply(
            actor=w.fendou, household=h, income=registry.IncomeFigure(year, Decimal("1000")), source="x:1"
        )
        == []
    )
    income = HouseholdIncome.objects.get(household=h, year=year)
    assert (income.verified_net_income, income.net_income) == (None, Decimal("30000"))


def test_the_years_own_collection_replaces_the_verified_figure(w):
    h = _household(w)
    registry.household_record_apply(
        actor=w.fendou,
        household=h,
        income=registry.IncomeFigure(year=2026, net_income=Decimal("5000")),
        source="monitoring.case:1",
    )
    h.refresh_from_db()
    assert (h.income_year, h.per_capita_income) == (2026, Decimal("2500.00"))
    registry.income_set(actor=w.fendou, household=h, year=2026, wage_income=Decimal("16000"))
    income = HouseholdIncome.objects.get(household=h, year=2026)
    assert (income.verified_net_income, income.verified_source, income.net_income) == (None, "", Decimal("16000"))
    h.refresh_from_db()
    assert h.per_capita_income == Decimal("8000.00")


def test_record_apply_boundaries(w):
    h = _household(w)
    figure = registry.IncomeFigure(year=2026, net_income=Decimal("7000"))
    first = registry.household_record_apply(actor=w.fendou, household=h, income=figure, source="x:1")
    assert len(first) == 1
    # the same figure again: nothing changes, no second history row
    assert registry.household_record_apply(actor=w.fendou, household=h, income=figure, source="x:2") == []
    with pytest.raises(ValidationError, match="不能为负数"):
        registry.household_record_apply(
            actor=w.fendou, household=h, income=registry.IncomeFigure(2026, Decimal("-1")), source="x:3"
        )
    with pytest.raises(ValidationError, match="须注明变更来源"):
        registry.household_record_apply(actor=w.fendou, household=h, income=figure, source="")
    other = make_household(village=w.r.fendou)
    with pytest.raises(PermissionDenied):  # a county cadre of another county
        registry.household_record_apply(actor=w.huma, household=other, income=figure, source="x:4")
    assert HouseholdIncomeChange.objects.filter(household=other).count() == 0


def test_the_household_page_shows_the_verified_figure_and_its_history(w, login):
    h = _household(w)
    registry.household_record_apply(
        actor=w.fendou,
        household=h,
        income=registry.IncomeFigure(year=2026, net_income=Decimal("5000")),
        source="monitoring.case:1",
        source_label="监测案件 M1 风险消除",
    )
    page = login(w.fendou).get(reverse("registry:household", args=[h.pk])).content.decode()
    assert "收入核实记录" in page and "2026年家庭纯收入" in page and "监测案件 M1 风险消除" in page
    assert "核实数" in page

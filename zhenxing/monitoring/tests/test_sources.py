"""The case's discovery list (CaseSource) and the household's record: a later alert joins the open
case instead of opening a second one; eliminating the risk secures the flags its signals confirmed
(monitoring ↔ registry ↔ the dashboard's 应为零 figure)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhenxing.dashboard.indicators import INDICATORS
from zhenxing.monitoring import services
from zhenxing.monitoring.models import CaseSource, MeasureCategory, MeasureStatus
from zhenxing.registry.models import HouseholdFlagChange
from zhenxing.registry.services import household_record_apply
from zhenxing.registry.testing import make_household

WATER_UNSAFE = next(i for i in INDICATORS if i.code == "registry.water_unsafe")


def test_eliminating_the_risk_records_what_the_completed_measures_secured(w, std, drive):
    h = make_household(village=w.r.fendou)
    household_record_apply(actor=w.fendou, household=h, flags={"water_safe": False}, source="screening.alert:1")
    case = services.case_discover(
        actor=w.fendou,
        household=h,
        channel="department_alert",
        risk_types=["07"],
        source_ref="screening.alert:1",
        source_label="部门筛查预警 1：饮水安全",
        source_flags=["water_safe"],
        discovered_on=timezone.localdate() - dt.timedelta(days=40),
    )
    assert list(case.sources.values_list("source_ref", "flags")) == [("screening.alert:1", ["water_safe"])]
    today = timezone.localdate()
    unsafe = WATER_UNSAFE.compute(w.r.fendou, today).value
    case = drive(case, "monitored")
    h.refresh_from_db()
    assert h.water_safe is False  # still being helped
    with pytest.raises(ValidationError, match="饮水安全尚无保障"):  # no measure has secured it yet
        drive(case, "eliminated")
    case.refresh_from_db()
    water = services.measure_add(
        actor=w.fendou,
        case=case,
        category=MeasureCategory.WATER,
        content="入户自来水改造",
        unit="水务局",
        person="王工",
        start_on=case.step_since,
        amount=Decimal("3000"),
        status=MeasureStatus.UNDER_WAY,
    )
    services.measure_set_status(actor=w.fendou, measure=water, status=MeasureStatus.DONE)
    case.refresh_from_db()
    case = drive(case, "eliminated")
    h.refresh_from_db()
    assert h.water_safe is True
    last = HouseholdFlagChange.objects.filter(household=h).order_by("-id").first()
    assert (last.source, last.new_value) == (f"monitoring.case:{case.pk}", True)
    assert WATER_UNSAFE.compute(w.r.fendou, today).value == unsafe - 1


def test_a_later_signal_joins_the_open_case_once_and_never_a_closed_one(w, std, new_case):
    case = new_case()
    services.case_source_attach(
        actor=w.shibazhan, case=case, source_ref="screening.alert:9", label="住房安全", flags=["housing_safe"]
    )
    assert CaseSource.objects.filter(case=case).count() == 1
    assert case.events.filter(transition="attach_source").exists()
    with pytest.raises(ValidationError, match="已并入"):
        services.case_source_attach(actor=w.shibazhan, case=case, source_ref="screening.alert:9", label="住房安全")
    with pytest.raises(PermissionDenied):  # another township's staff: outside the data scope
        services.case_source_attach(actor=w.kaikukang_town, case=case, source_ref="screening.alert:10", label="x")
    with pytest.raises(PermissionDenied):
        services.case_source_attach(actor=w.ducha, case=case, source_ref="screening.alert:11", label="x")


def test_flags_apply_refuses_unknown_fields_and_writes_nothing_when_unchanged(w):
    h = make_household(village=w.r.fendou)
    with pytest.raises(ValidationError):
        household_record_apply(actor=w.fendou, household=h, flags={"formerly_poor": True}, source="x")
    assert household_record_apply(actor=w.fendou, household=h, flags={"housing_safe": True}, source="x") == []
    assert not HouseholdFlagChange.objects.exists()

"""The measure, elimination and posting rules, one by one, at their boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhenxing.monitoring import rules, services
from zhenxing.monitoring.models import Helper, Visit
from zhenxing.monitoring.testing import help_case

TODAY = timezone.localdate


def _verify(w, case, **data):
    base = dict(
        kind="100A03002",
        risk_types=["07"],
        authorisation_signed=True,
        income_12m="9000",
        spending_12m="1000",
        coping="partly",
        date=case.step_since,
    )
    base.update(data)
    return services.case_transition(actor=w.fendou, case=case, name="verify", version=case.version, data=base)


# --- verification -------------------------------------------------------------------------------


def test_never_poor_household_cannot_be_unstable(w, new_case):
    case = new_case(formerly_poor=False)
    with pytest.raises(ValidationError, match="不是脱贫户"):
        _verify(w, case, kind="100A03001")
    _verify(w, case, kind="100A03002")


def test_formerly_poor_household_cannot_be_marginal_but_can_be_sudden(w, new_case):
    case = new_case(formerly_poor=True)
    with pytest.raises(ValidationError, match="是脱贫户"):
        _verify(w, case, kind="100A03002")
    _verify(w, case, kind="100A03003", hardship="突发重病，医疗支出骤增")


@pytest.mark.parametrize(
    "risks,ok",
    [
        ([], False),
        (["01"], True),
        (["01", "0201", "03", "05", "99"], True),
        (["01", "0201", "03", "05", "99", "09"], False),
        (["02"], False),
        (["01", "01"], False),
    ],
)
def test_one_to_five_national_risk_codes(w, new_case, risks, ok):
    case = new_case()
    if ok:
        _verify(w, case, risk_types=risks)
    else:
        with pytest.raises(ValidationError):
            _verify(w, case, risk_types=risks)


def test_authorisation_is_required(w, new_case):
    case = new_case()
    with pytest.raises(ValidationError, match="授权"):
        _verify(w, case, authorisation_signed=False)


def test_fast_track_only_for_sudden_hardship(w, new_case):
    case = new_case()
    with pytest.raises(ValidationError, match="突发严重困难户"):
        _verify(w, case, fast_track=True)
    case = _verify(w, case, kind="100A03003", fast_track=True, hardship="家中失火")
    assert case.fast_track
    # help may start (under way) before the paperwork finishes
    services.measure_add(
        actor=w.fendou,
        case=case,
        category="safety_net",
        content="临时救助",
        unit="民政办",
        person="李",
        start_on=TODAY(),
        status="under_way",
    )


def test_without_fast_track_measures_before_monitoring_are_only_planned(w, new_case):
    case = _verify(w, new_case())
    with pytest.raises(ValidationError, match="计划"):
        services.measure_add(
            actor=w.fendou,
            case=case,
            category="employment",
            content="岗位",
            unit="人社",
            person="李",
            start_on=TODAY(),
            status="under_way",
        )
    services.measure_add(
        actor=w.fendou,
        case=case,
        category="employment",
        content="岗位",
        unit="人社",
        person="李",
        start_on=TODAY(),
        status="planned",
    )


# --- posting ------------------------------------------------------------------------------------


def test_posting_lasts_at_least_the_configured_days(w, std, new_case, drive):
    case = drive(new_case(days_ago=20), "posting")
    start = case.posting_start
    with pytest.raises(ValidationError, match="公示不少于 5 天"):
        services.case_transition(
            actor=w.fendou,
            case=case,
            name="finish_posting",
            version=case.version,
            data={"objections": "无异议", "date": start + dt.timedelta(days=4)},
        )
    services.case_transition(
        actor=w.fendou,
        case=case,
        name="finish_posting",
        version=case.version,
        data={"objections": "无异议", "date": start + dt.timedelta(days=5)},
    )


def test_posting_days_come_from_the_yearly_standard(w, std, new_case, drive):
    std.posting_days = 7
    std.save()
    case = drive(new_case(days_ago=20), "posting")
    with pytest.raises(ValidationError, match="公示不少于 7 天"):
        services.case_transition(
            actor=w.fendou,
            case=case,
            name="finish_posting",
            version=case.version,
            data={"objections": "无异议", "date": case.posting_start + dt.timedelta(days=6)},
        )


def test_dates_cannot_be_in_the_future_or_before_the_previous_step(w, new_case):
    case = new_case(days_ago=5)
    with pytest.raises(ValidationError, match="晚于今天"):
        _verify(w, case, date=TODAY() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="早于上一环节"):
        _verify(w, case, date=case.discovered_on - dt.timedelta(days=1))


# --- measures on entering monitoring --------------------------------------------------------------


def _at_county(w, new_case, drive, risks):
    return drive(new_case(risk_types=risks), "county_approval", risk_types=risks)


def _approve(w, case):
    return services.case_transition(actor=w.tahe, case=case, name="county_approve", version=case.version, data={})


def _helper(w, case):
    helper = services.helper_create(actor=w.fendou, village=case.village, name="王帮扶", unit="驻村工作队")
    services.case_assign_helper(actor=w.fendou, case=case, helper=helper)


def _measure(w, case, category):
    services.measure_add(
        actor=w.fendou, case=case, category=category, content="措施", unit="单位", person="人", start_on=TODAY()
    )


def test_entering_monitoring_needs_a_measure(w, new_case, drive):
    case = _at_county(w, new_case, drive, ["07"])
    _helper(w, case)
    with pytest.raises(ValidationError, match="至少须落实一项帮扶措施"):
        _approve(w, case)
    _measure(w, case, "employment")
    case.refresh_from_db()
    _approve(w, case)


def test_entering_monitoring_needs_a_helper(w, new_case, drive):
    case = _at_county(w, new_case, drive, ["07"])
    _measure(w, case, "employment")
    with pytest.raises(ValidationError, match="帮扶责任人"):
        _approve(w, case)
    _helper(w, case)
    case.refresh_from_db()
    _approve(w, case)


@pytest.mark.parametrize(
    "category,ok", [("employment", False), ("health", True), ("social", True), ("safety_net", True)]
)
def test_illness_needs_health_social_or_safety_net(w, new_case, drive, category, ok):
    case = _at_county(w, new_case, drive, ["01"])
    _helper(w, case)
    _measure(w, case, category)
    case.refresh_from_db()
    if ok:
        _approve(w, case)
    else:
        with pytest.raises(ValidationError, match="因病"):
            _approve(w, case)


@pytest.mark.parametrize("category,ok", [("health", False), ("compulsory_education", True), ("other_education", True)])
def test_schooling_needs_education(w, new_case, drive, category, ok):
    case = _at_county(w, new_case, drive, ["09"])
    _helper(w, case)
    _measure(w, case, category)
    case.refresh_from_db()
    if ok:
        _approve(w, case)
    else:
        with pytest.raises(ValidationError, match="因学"):
            _approve(w, case)


# --- elimination --------------------------------------------------------------------------------


def _monitored(w, new_case, drive, risks=("07",), members=None, category="social"):
    case = drive(new_case(risk_types=risks, days_ago=300, members=members), "county_approval", risk_types=list(risks))
    _helper(w, case)
    _measure(w, case, category)
    case.refresh_from_db()
    return _approve(w, case)


def _visit(w, case, day, income):
    Visit.objects.create(case=case, date=day, changes="走访", per_capita_income=Decimal(income), recorded_by=w.fendou)


def _propose(w, case, **data):
    base = dict(elimination_way="natural", resolved_risks=case.risk_types, accept_warnings=True)
    base.update(data)
    return services.case_transition(
        actor=w.fendou, case=case, name="propose_elimination", version=case.version, data=base
    )


def test_assisted_elimination_needs_a_development_measure(w, std, new_case, drive):
    case = _monitored(w, new_case, drive, category="social")
    window = rules.add_months(TODAY(), -6)
    _visit(w, case, window, std.threshold + 1)
    with pytest.raises(ValidationError, match="开发式"):
        _propose(w, case, elimination_way="assisted")
    _propose(w, case, elimination_way="natural")


@pytest.mark.parametrize("delta,ok", [(Decimal("0"), False), (Decimal("0.01"), True)])
def test_income_must_be_above_the_threshold(w, std, new_case, drive, delta, ok):
    case = _monitored(w, new_case, drive)
    window = rules.add_months(TODAY(), -6)
    _visit(w, case, window - dt.timedelta(days=10), std.threshold + 500)
    _visit(w, case, TODAY() - dt.timedelta(days=5), std.threshold + delta)
    if ok:
        _propose(w, case)
    else:
        with pytest.raises(ValidationError, match="未高于监测标准"):
            _propose(w, case)


@pytest.mark.parametrize("days_after_window_start,ok", [(0, True), (1, False)])
def test_income_must_be_known_for_the_whole_stable_period(w, std, new_case, drive, days_after_window_start, ok):
    case = _monitored(w, new_case, drive)
    window = rules.add_months(TODAY(), -std.stable_months)
    _visit(w, case, window + dt.timedelta(days=days_after_window_start), std.threshold + 1000)
    if ok:
        _propose(w, case)
    else:
        with pytest.raises(ValidationError, match="缺少"):
            _propose(w, case)


@pytest.mark.parametrize("flag", ["housing_safe", "schooling_secured", "medical_insured", "water_safe"])
def test_three_guarantees_and_water_must_be_secure(w, std, new_case, drive, flag):
    case = _monitored(w, new_case, drive)
    _visit(w, case, rules.add_months(TODAY(), -7), std.threshold + 1000)
    type(case.household).objects.filter(pk=case.household_id).update(**{flag: False})
    case.household.refresh_from_db()
    with pytest.raises(ValidationError, match="保障|医疗保险"):
        _propose(w, case)


def test_each_risk_type_must_be_resolved(w, std, new_case, drive):
    case = _monitored(w, new_case, drive, risks=("07", "06"), category="employment")
    _visit(w, case, rules.add_months(TODAY(), -7), std.threshold + 1000)
    with pytest.raises(ValidationError, match="尚未确认消除"):
        _propose(w, case, resolved_risks=["07"])
    _propose(w, case, resolved_risks=["07", "06"])


def test_no_labour_household_stays_monitored(w, std, new_case, drive):
    members = [
        {"name": "老人甲", "relation": "head", "labour": "lost"},
        {"name": "老人乙", "relation": "spouse", "labour": "none", "male": False},
    ]
    case = _monitored(w, new_case, drive, risks=("04",), members=members, category="safety_net")
    _visit(w, case, rules.add_months(TODAY(), -7), std.threshold + 1000)
    with pytest.raises(ValidationError, match="均无劳动能力"):
        _propose(w, case)
    case.refresh_from_db()
    assert case.state == "monitored"


def test_lack_of_labour_resolved_when_a_member_can_work(w, std, new_case, drive):
    members = [
        {"name": "老人甲", "relation": "head", "labour": "lost"},
        {"name": "儿子", "relation": "son", "labour": "normal", "born": dt.date(1995, 1, 1)},
    ]
    case = _monitored(w, new_case, drive, risks=("04",), members=members, category="safety_net")
    _visit(w, case, rules.add_months(TODAY(), -7), std.threshold + 1000)
    _propose(w, case)


@pytest.mark.parametrize("months_after,warned", [(0, True), (1, True), (2, False)])
def test_paper_exit_warning_same_or_next_month(w, std, new_case, drive, months_after, warned):
    case = _monitored(w, new_case, drive)
    on = TODAY()
    identified = rules.add_months(on, -months_after)
    type(case).objects.filter(pk=case.pk).update(identified_on=identified)
    case.refresh_from_db()
    warnings = rules.paper_exit_warnings_for(case, on=on, way="natural", standard=std)
    assert bool(warnings) is warned


def test_paper_exit_warning_must_be_acknowledged_and_is_recorded(w, std, new_case, drive):
    case = _monitored(w, new_case, drive, category="employment")
    type(case).objects.filter(pk=case.pk).update(identified_on=TODAY())
    case.refresh_from_db()
    _visit(w, case, rules.add_months(TODAY(), -7), std.threshold + 1000)
    with pytest.raises(ValidationError, match="已知悉提示"):
        _propose(w, case, accept_warnings=False)
    _propose(w, case, accept_warnings=True)
    event = case.events.get(transition="propose_elimination")
    assert any("数字脱贫" in x for x in event.warnings)


def test_assisted_with_registry_income_below_threshold_warns(w, std, new_case, drive):
    case = _monitored(w, new_case, drive, category="employment")
    type(case.household).objects.filter(pk=case.household_id).update(per_capita_income=std.threshold - 1)
    case.household.refresh_from_db()
    assert any(
        "低于监测标准" in x
        for x in rules.paper_exit_warnings_for(case, on=TODAY() + dt.timedelta(days=90), way="assisted", standard=std)
    )
    assert not rules.paper_exit_warnings_for(case, on=TODAY() + dt.timedelta(days=90), way="natural", standard=std)


def test_no_standard_no_transition(w, new_case):
    from zhenxing.monitoring.models import YearStandard

    case = new_case()
    YearStandard.objects.all().delete()
    with pytest.raises(ValidationError, match="监测标准"):
        _verify(w, case)


def test_helper_must_belong_to_the_village(w, new_case, drive):
    case = drive(new_case(), "verified")
    other = Helper.objects.create(name="外村", unit="x", village=w.r.yongfeng)
    with pytest.raises(ValidationError, match="本村"):
        services.case_assign_helper(actor=w.shibazhan, case=case, helper=other)
    help_case(case, actor=w.fendou)

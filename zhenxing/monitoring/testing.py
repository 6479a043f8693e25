"""Drive a case through the real procedure (tests and demo): every step by the right level, with
plausible recorded dates so that postings have lasted their days and incomes their months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zhenxing.registry.models import MonitoringKind

from . import rules, services, visits, workflow
from .models import ElimWay, Helper, MeasureCategory, MeasureStatus, MonitoringCase, YearStandard

# The order of the happy path; each state's next step.
NEXT = {
    "discovered": "verify",
    "verified": "appraise",
    "posting": "finish_posting",
    "township_review": "township_approve",
    "county_approval": "county_approve",
    "monitored": "propose_elimination",
    "elim_check": "elim_check",
    "elim_appraisal": "elim_appraise",
    "elim_posting": "elim_finish_posting",
    "elim_township_review": "elim_township_approve",
    "elim_county_approval": "elim_county_approve",
}
ORDER = [
    "discovered",
    "verified",
    "posting",
    "township_review",
    "county_approval",
    "monitored",
    "elim_check",
    "elim_appraisal",
    "elim_posting",
    "elim_township_review",
    "elim_county_approval",
    "eliminated",
]


def demo_standard(year: int = 2022) -> YearStandard:
    """Clearly labelled demo values (the admin replaces them with the province's figures)."""
    standard, _ = YearStandard.objects.get_or_create(
        year=year,
        defaults=dict(
            threshold=Decimal("6900"),
            reference_income=Decimal("17889"),
            decision_days=15,
            home_check_days=5,
            posting_days=5,
            stable_months=6,
            visit_interval_days=30,
            is_demo=True,
            note="演示数值，非正式标准：正式使用前由地区管理员按省年度监测标准修改",
        ),
    )
    return standard


def default_kind(case) -> str:
    return MonitoringKind.UNSTABLE if case.household.formerly_poor else MonitoringKind.MARGINAL


def help_case(case, *, actor, risk_types=None, way=ElimWay.ASSISTED) -> None:
    """A helper and the measures the rules ask for."""
    helper = Helper.objects.filter(village=case.village, active=True).first() or services.helper_create(
        actor=actor,
        village=case.village,
        name="帮扶责任人" + case.village.name[:2],
        unit=f"{case.village.name}驻村工作队",
    )
    if case.helper_id is None:
        services.case_assign_helper(actor=actor, case=case, helper=helper)
    risks = set(risk_types or case.risk_types)
    have = set(case.measures.values_list("category", flat=True))
    want = [MeasureCategory.EMPLOYMENT]
    if "01" in risks:
        want.append(MeasureCategory.HEALTH)
    if "09" in risks:
        want.append(MeasureCategory.COMPULSORY_EDUCATION)
    status = (
        MeasureStatus.UNDER_WAY if case.state in workflow.MONITORED_STATES or case.fast_track else MeasureStatus.PLANNED
    )
    for category in want:
        if category not in have:
            services.measure_add(
                actor=actor,
                case=case,
                category=category,
                content=f"{MeasureCategory(category).label}",
                unit="乡镇帮扶办",
                person="张干部",
                start_on=case.step_since,
                amount=Decimal("2000"),
                status=status,
            )


def measures_done(case, *, actor) -> None:
    """Every measure of the case 已落实 (帮扶消除 asks for it)."""
    for measure in case.measures.exclude(status=MeasureStatus.DONE):
        services.measure_set_status(actor=actor, measure=measure, status=MeasureStatus.DONE)


def income_history(case, *, actor, upto: dt.date, threshold: Decimal) -> None:
    """Visits with income figures above the threshold covering the stable period before ``upto``."""
    standard = rules.standard_for(upto.year)
    start = rules.add_months(upto, -standard.stable_months) - dt.timedelta(days=3)
    for day, extra in ((start, 1500), (upto - dt.timedelta(days=20), 2500)):
        if not case.visits.filter(date=day).exists():
            visits.visit_add(
                actor=actor,
                case=case,
                date=day,
                changes="务工收入稳定，家庭生活正常",
                per_capita_income=threshold + extra,
            )


def advance(
    case: MonitoringCase,
    *,
    to: str,
    village,
    township,
    county,
    kind: str | None = None,
    risk_types: list[str] | None = None,
    today: dt.date | None = None,
) -> MonitoringCase:
    """Move ``case`` along the happy path up to state ``to`` ("not_admitted" via the county)."""
    today = today or timezone.localdate()
    actors = {workflow.VILLAGE: village, workflow.TOWNSHIP: township, workflow.COUNTY: county}
    target = to
    stop_at = "county_approval" if to == "not_admitted" else to
    standard = rules.standard_for(today.year)
    while case.state != stop_at and case.state in NEXT:
        name = NEXT[case.state]
        t = workflow.BY_NAME[name]
        actor = actors[t.level]
        day = min(case.step_since + dt.timedelta(days=1), today)
        data: dict = {"date": day}
        if name == "verify":
            data.update(
                kind=kind or default_kind(case),
                risk_types=risk_types or case.risk_types or ["07"],
                authorisation_signed=True,
                income_12m="9000",
                spending_12m="3000",
                coping="partly",
            )
        elif name in {"appraise", "elim_appraise"}:
            data.update(posting_start=day, reason="村民代表会议评议通过")
        elif name in {"finish_posting", "elim_finish_posting"}:
            data.update(
                date=min(case.posting_start + dt.timedelta(days=standard.posting_days), today),
                objections="公示期内无异议",
            )
        elif name == "elim_check":
            data.update(reason="入户核查：收入稳定，两不愁三保障和饮水安全有保障")
        elif name == "county_approve":
            help_case(case, actor=village)
            case.refresh_from_db()
        elif name == "propose_elimination":
            day = min(max(day, today - dt.timedelta(days=standard.posting_days + 5)), today)
            data["date"] = day
            help_case(case, actor=village)
            measures_done(case, actor=village)
            income_history(case, actor=village, upto=day, threshold=standard.threshold)
            case.refresh_from_db()
            data.update(
                elimination_way=ElimWay.ASSISTED,
                resolved_risks=case.risk_types,
                accept_warnings=True,
                reason="收入稳定超过监测标准",
            )
        case = services.case_transition(actor=actor, case=case, name=name, version=case.version, data=data)
    if target == "not_admitted" and case.state == "county_approval":
        case = services.case_transition(
            actor=county,
            case=case,
            name="county_reject",
            version=case.version,
            data={"reason": "经审定家庭收入明显高于监测范围，不予纳入"},
        )
    return case


def ready_to_eliminate(household, *, village, township, county, risk_types=("07",)) -> MonitoringCase:
    """A monitored case for ``household`` that meets every elimination rule of its own (measures
    已落实, income stable above the threshold): what is left to refuse it is what the test adds."""
    today = timezone.localdate()
    demo_standard()
    case = services.case_discover(
        actor=village,
        household=household,
        channel="cadre_visit",
        risk_types=list(risk_types),
        discovered_on=today - dt.timedelta(days=300),
    )
    case = advance(case, to="monitored", village=village, township=township, county=county)
    measures_done(case, actor=village)
    income_history(case, actor=village, upto=today, threshold=rules.standard_for(today.year).threshold)
    case.refresh_from_db()
    return case


def propose_elimination(case, *, actor, way: str = ElimWay.NATURAL) -> MonitoringCase:
    return services.case_transition(
        actor=actor,
        case=case,
        name="propose_elimination",
        version=case.version,
        data={"elimination_way": way, "resolved_risks": case.risk_types, "accept_warnings": True},
    )

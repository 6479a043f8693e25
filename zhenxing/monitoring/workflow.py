"""THE monitoring procedure, as data: states and transitions (from, to, acting level and roles,
required fields, checks). ``services.case_transition`` is the only code that moves a case and it
does exactly what this table says; views and the API only offer what ``available()`` returns.

Identification: 发现 → 入户核实 → 民主评议 → 公示 → 乡镇审核 → 县级审定 → 监测中.
Elimination:    监测中 → 入户核查 → 民主评议 → 公示 → 乡镇审核 → 县级审定 → 风险已消除.
Plus 不予纳入 (with reason), 退回 one level (with reason) and 不予消除 (back to 监测中).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhenxing import workflow as engine
from zhenxing.accounts.models import Role
from zhenxing.audit.services import _jsonable as audit_json
from zhenxing.registry.models import Household, MonitoringStatus
from zhenxing.registry.services import household_flags_apply

from . import rules
from .models import CaseEvent, MonitoringCase

VILLAGE, TOWNSHIP, COUNTY = "village", "township", "county"
LEVEL_LABELS = {VILLAGE: _("村级"), TOWNSHIP: _("乡镇"), COUNTY: _("县级")}
LEVEL_ROLES = {VILLAGE: {Role.VILLAGE_CADRE}, TOWNSHIP: {Role.TOWNSHIP_STAFF}, COUNTY: {Role.COUNTY_STAFF}}


@dataclass(frozen=True)
class State:
    code: str
    label: str
    level: str | None  # the level whose turn it is (None: nobody's, e.g. closed or monitored)
    phase: str  # "identification", "monitoring", "elimination", "closed"
    # The deadline of the step: "home_check" (discovered + home check days), "decision"
    # (discovered / elimination proposal + decision days) or "" (no deadline).
    deadline: str = ""


STATES: dict[str, State] = {
    s.code: s
    for s in [
        State("discovered", _("待入户核实"), VILLAGE, "identification", "home_check"),
        State("verified", _("待民主评议"), VILLAGE, "identification", "decision"),
        State("posting", _("公示中"), VILLAGE, "identification", "decision"),
        State("township_review", _("待乡镇审核"), TOWNSHIP, "identification", "decision"),
        State("county_approval", _("待县级审定"), COUNTY, "identification", "decision"),
        State("monitored", _("监测中"), None, "monitoring"),
        State("elim_check", _("风险消除·待入户核查"), VILLAGE, "elimination", "decision"),
        State("elim_appraisal", _("风险消除·待民主评议"), VILLAGE, "elimination", "decision"),
        State("elim_posting", _("风险消除·公示中"), VILLAGE, "elimination", "decision"),
        State("elim_township_review", _("风险消除·待乡镇审核"), TOWNSHIP, "elimination", "decision"),
        State("elim_county_approval", _("风险消除·待县级审定"), COUNTY, "elimination", "decision"),
        State("eliminated", _("风险已消除"), None, "closed"),
        State("not_admitted", _("不予纳入"), None, "closed"),
    ]
}
OPEN_STATES = [c for c, s in STATES.items() if s.phase != "closed"]
IDENTIFICATION_STATES = [c for c, s in STATES.items() if s.phase == "identification"]
ELIMINATION_STATES = [c for c, s in STATES.items() if s.phase == "elimination"]
# Counted as monitored households (监测对象): in monitoring or on the way out of it.
MONITORED_STATES = ["monitored", *ELIMINATION_STATES]
POSTING_STATES = ["posting", "elim_posting"]


@dataclass(frozen=True, kw_only=True)
class Transition(engine.Transition):
    level: str
    # Fields the actor must give (see FIELD_LABELS); "reason" makes the reason mandatory.
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    # Named checks in rules.CHECKS (the guards), run before the move; any error refuses it.
    checks: tuple[str, ...] = ()
    decision: str = ""
    style: str = "primary"  # "primary", "return", "refuse" (for the buttons)
    evidence: bool = False  # the form offers file uploads

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])


def risk_codes(codes: list[str]) -> str:
    return "|" + "|".join(codes) + "|" if codes else ""


def _record_verification(move: engine.Move) -> dict:
    case, data = move.obj, move.extra["data"]
    per_capita = rules.per_capita_net(case.household, data["income_12m"], data["spending_12m"])
    return {
        "kind": data["kind"],
        "risk_types": data["risk_types"],
        "risk_codes": risk_codes(data["risk_types"]),
        "authorisation_signed": True,
        "income_12m": data["income_12m"],
        "spending_12m": data["spending_12m"],
        "per_capita_income": per_capita,
        "hardship": data.get("hardship") or "",
        "coping": data["coping"],
        "fast_track": bool(data.get("fast_track")),
    }


def _enter_monitoring(move: engine.Move) -> dict:
    household = Household.objects.get(pk=move.obj.household_id)
    household.monitoring_status, household.monitoring_kind = MonitoringStatus.MONITORED, move.obj.kind
    household.save(update_fields=["monitoring_status", "monitoring_kind", "updated_at"])
    on = move.extra["on"]
    return {"identified_on": on, "decided_on": on, "posting_start": None}


def _eliminate(move: engine.Move) -> dict:
    household = Household.objects.get(pk=move.obj.household_id)
    household.monitoring_status = MonitoringStatus.ELIMINATED
    household.save(update_fields=["monitoring_status", "updated_at"])
    # What the case's completed measures secured (a house made safe, water supplied, a child back at
    # school) is recorded on the household: the risk is gone.
    flags = rules.flags_secured_by_measures(move.obj)
    if flags:
        household_flags_apply(
            actor=move.actor,
            household=household,
            changes=dict.fromkeys(sorted(flags), True),
            source=f"monitoring.case:{move.obj.pk}",
            source_label=f"监测案件 {move.obj.number} 风险消除",
        )
    return {"eliminated_on": move.extra["on"], "posting_start": None}


# Named effects: what a step records on the case (and on the household) besides its state.
EFFECTS: dict[str, engine.Effect] = {
    "record_verification": _record_verification,
    "start_posting": lambda move: {"posting_start": move.extra["data"]["posting_start"]},
    "clear_posting": lambda move: {"posting_start": None},
    "close_not_admitted": lambda move: {
        "closing_reason": move.reason[:500],
        "decided_on": move.extra["on"],
        "posting_start": None,
    },
    "enter_monitoring": _enter_monitoring,
    "propose_elimination": lambda move: {
        "elimination_way": move.extra["data"]["elimination_way"],
        "elimination_proposed_on": move.extra["on"],
    },
    "cancel_elimination": lambda move: {"elimination_way": "", "elimination_proposed_on": None, "posting_start": None},
    "eliminate": _eliminate,
}


def _step_date(move: engine.Move) -> dict:
    return {"step_since": move.extra["on"]}


def _check(name: str) -> engine.Guard:
    """rules.CHECKS[name] as a guard: its errors refuse the step, its warnings go into the record."""

    def guard(move: engine.Move) -> list[str]:
        errors, warnings = rules.CHECKS[name](move.obj, move.extra["data"], move.extra["ctx"])
        move.warnings += warnings
        return errors

    guard.__name__ = name
    return guard


def T(
    name: str,
    label,
    source: str,
    target: str,
    level: str,
    *,
    checks: tuple[str, ...] = (),
    effects: tuple[str, ...] = (),
    required: tuple[str, ...] = (),
    **kw,
) -> Transition:
    return Transition(
        code=name,
        label=label,
        sources=(source,),
        target=target,
        level=level,
        roles=frozenset(LEVEL_ROLES[level]),
        required=required,
        needs_reason="reason" in required,
        checks=checks,
        guards=tuple(_check(c) for c in checks),
        effects=(_step_date, *(EFFECTS[e] for e in effects)),
        **kw,
    )


TRANSITIONS: list[Transition] = [
    # --- identification, village ---
    T(
        "verify",
        _("登记入户核实"),
        "discovered",
        "verified",
        VILLAGE,
        required=("kind", "risk_types", "authorisation_signed", "income_12m", "spending_12m", "coping"),
        optional=("hardship", "fast_track", "reason", "date"),
        checks=("kind_fits_household", "risk_types_valid", "fast_track_kind", "income_in_range", "hardship_described"),
        effects=("record_verification",),
        decision=_("核实属实"),
        evidence=True,
    ),
    T(
        "verify_reject",
        _("核实不符，不予纳入"),
        "discovered",
        "not_admitted",
        VILLAGE,
        required=("reason",),
        optional=("date",),
        effects=("close_not_admitted",),
        decision=_("不予纳入"),
        style="refuse",
        evidence=True,
    ),
    T(
        "appraise",
        _("登记民主评议并开始公示"),
        "verified",
        "posting",
        VILLAGE,
        required=("posting_start",),
        optional=("reason", "date"),
        checks=("posting_start_valid",),
        effects=("start_posting",),
        decision=_("评议通过"),
        evidence=True,
    ),
    T(
        "appraise_reject",
        _("评议未通过，不予纳入"),
        "verified",
        "not_admitted",
        VILLAGE,
        required=("reason",),
        optional=("date",),
        effects=("close_not_admitted",),
        decision=_("不予纳入"),
        style="refuse",
        evidence=True,
    ),
    T(
        "finish_posting",
        _("公示期满，报乡镇审核"),
        "posting",
        "township_review",
        VILLAGE,
        required=("objections",),
        optional=("reason", "date"),
        checks=("posting_long_enough",),
        decision=_("公示无异议或异议已处理"),
        evidence=True,
    ),
    # --- identification, township ---
    T(
        "township_approve",
        _("乡镇审核通过，报县审定"),
        "township_review",
        "county_approval",
        TOWNSHIP,
        optional=("reason", "date"),
        decision=_("审核通过"),
        evidence=True,
    ),
    T(
        "township_return",
        _("退回村级重新核实"),
        "township_review",
        "discovered",
        TOWNSHIP,
        required=("reason",),
        optional=("date",),
        effects=("clear_posting",),
        decision=_("退回"),
        style="return",
        evidence=True,
    ),
    T(
        "township_reject",
        _("乡镇审核不予纳入"),
        "township_review",
        "not_admitted",
        TOWNSHIP,
        required=("reason",),
        optional=("date",),
        effects=("close_not_admitted",),
        decision=_("不予纳入"),
        style="refuse",
        evidence=True,
    ),
    # --- identification, county ---
    T(
        "county_approve",
        _("县级审定，纳入监测"),
        "county_approval",
        "monitored",
        COUNTY,
        optional=("reason", "date"),
        checks=("measure_rules",),
        effects=("enter_monitoring",),
        decision=_("审定纳入"),
        evidence=True,
    ),
    T(
        "county_return",
        _("退回乡镇重新审核"),
        "county_approval",
        "township_review",
        COUNTY,
        required=("reason",),
        optional=("date",),
        decision=_("退回"),
        style="return",
        evidence=True,
    ),
    T(
        "county_reject",
        _("县级审定不予纳入"),
        "county_approval",
        "not_admitted",
        COUNTY,
        required=("reason",),
        optional=("date",),
        effects=("close_not_admitted",),
        decision=_("不予纳入"),
        style="refuse",
        evidence=True,
    ),
    # --- elimination ---
    T(
        "propose_elimination",
        _("提出风险消除"),
        "monitored",
        "elim_check",
        VILLAGE,
        required=("elimination_way", "resolved_risks"),
        optional=("reason", "date", "accept_warnings"),
        checks=("measure_rules", "elimination_rules", "paper_exit_warnings"),
        effects=("propose_elimination",),
        decision=_("拟消除风险"),
    ),
    T(
        "elim_check",
        _("登记入户核查"),
        "elim_check",
        "elim_appraisal",
        VILLAGE,
        required=("reason",),
        optional=("date",),
        decision=_("核查属实"),
        evidence=True,
    ),
    T(
        "elim_withdraw",
        _("核查不符，继续监测"),
        "elim_check",
        "monitored",
        VILLAGE,
        required=("reason",),
        optional=("date",),
        effects=("cancel_elimination",),
        decision=_("继续监测"),
        style="refuse",
    ),
    T(
        "elim_appraise",
        _("登记民主评议并开始公示"),
        "elim_appraisal",
        "elim_posting",
        VILLAGE,
        required=("posting_start",),
        optional=("reason", "date"),
        checks=("posting_start_valid",),
        effects=("start_posting",),
        decision=_("评议通过"),
        evidence=True,
    ),
    T(
        "elim_finish_posting",
        _("公示期满，报乡镇审核"),
        "elim_posting",
        "elim_township_review",
        VILLAGE,
        required=("objections",),
        optional=("reason", "date"),
        checks=("posting_long_enough",),
        decision=_("公示无异议或异议已处理"),
        evidence=True,
    ),
    T(
        "elim_township_approve",
        _("乡镇审核通过，报县审定"),
        "elim_township_review",
        "elim_county_approval",
        TOWNSHIP,
        optional=("reason", "date"),
        decision=_("审核通过"),
        evidence=True,
    ),
    T(
        "elim_township_return",
        _("退回村级重新核查"),
        "elim_township_review",
        "elim_check",
        TOWNSHIP,
        required=("reason",),
        optional=("date",),
        effects=("clear_posting",),
        decision=_("退回"),
        style="return",
        evidence=True,
    ),
    T(
        "elim_township_reject",
        _("不同意消除，继续监测"),
        "elim_township_review",
        "monitored",
        TOWNSHIP,
        required=("reason",),
        optional=("date",),
        effects=("cancel_elimination",),
        decision=_("不予消除"),
        style="refuse",
        evidence=True,
    ),
    T(
        "elim_county_approve",
        _("县级审定，风险已消除"),
        "elim_county_approval",
        "eliminated",
        COUNTY,
        optional=("reason", "date"),
        checks=("measure_rules", "elimination_rules"),
        effects=("eliminate",),
        decision=_("审定消除"),
        evidence=True,
    ),
    T(
        "elim_county_return",
        _("退回乡镇重新审核"),
        "elim_county_approval",
        "elim_township_review",
        COUNTY,
        required=("reason",),
        optional=("date",),
        decision=_("退回"),
        style="return",
        evidence=True,
    ),
    T(
        "elim_county_reject",
        _("不同意消除，继续监测"),
        "elim_county_approval",
        "monitored",
        COUNTY,
        required=("reason",),
        optional=("date",),
        effects=("cancel_elimination",),
        decision=_("不予消除"),
        style="refuse",
        evidence=True,
    ),
]
BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}

FIELD_LABELS = {
    "kind": _("监测对象类别"),
    "risk_types": _("风险类型"),
    "authorisation_signed": _("授权承诺书"),
    "income_12m": _("近12个月家庭纯收入"),
    "spending_12m": _("近12个月合规自付支出（刚性支出）"),
    "hardship": _("突发困难情况"),
    "coping": _("自身应对能力"),
    "fast_track": _("先帮扶后认定"),
    "reason": _("意见或理由"),
    "date": _("办理日期"),
    "posting_start": _("公示开始日期"),
    "objections": _("公示异议及处理情况"),
    "elimination_way": _("风险消除方式"),
    "resolved_risks": _("已消除的风险类型"),
    "accept_warnings": _("已知悉提示"),
}


def level_of(user) -> str | None:
    for level, roles in LEVEL_ROLES.items():
        if getattr(user, "role", None) in roles:
            return level
    return None


def from_state(state: str) -> list[Transition]:
    return MACHINE.from_state(state)


def available(case, user) -> list[Transition]:
    """The transitions this user may take on this case now (scope is checked by the caller)."""
    return MACHINE.available(case, user)


def to_graph() -> list[tuple[str, str, str, str]]:
    """(from, to, transition, level) rows, for the documentation and tests."""
    return [(t.source, t.target, t.name, t.level) for t in TRANSITIONS]


def _case_event(move: engine.Move) -> CaseEvent:
    """The case's own timeline row (steps and recorded acts alike)."""
    actor, t = move.actor, move.transition
    data = move.extra.get("data") or {}
    if t is not None:  # a step records the fields it was given, less the reason and date kept apart
        data = {k: v for k, v in data.items() if k not in {"reason", "date"} and v not in (None, "", [])}
    return CaseEvent.objects.create(
        case=move.obj,
        transition=move.code,
        label=str(move.label),
        from_state=move.source,
        to_state=move.target,
        actor=actor,
        actor_name=(str(actor) if actor is not None else "农户本人（网上申报）"),
        actor_level=(level_of(actor) or "") if actor is not None else "",
        date=move.extra["on"],
        decision=str(_decision(move)),
        reason=move.reason,
        data=audit_json(data),
        warnings=move.warnings,
    )


def _decision(move: engine.Move) -> str:
    return str(move.extra.get("decision") or (move.transition.decision if move.transition else ""))


MACHINE = engine.register(
    engine.Machine(
        model=MonitoringCase,
        transitions=TRANSITIONS,
        state_field="state",
        write_action="monitoring.case.transition",
        history=_case_event,
        audit_extra=lambda move: {
            "transition": move.code,
            "date": move.extra["on"],
            "decision": _decision(move),
            "warnings": move.warnings,
        },
        state_label=lambda case: case.state_label,
        state_names={code: s.label for code, s in STATES.items()},
        unknown_message="没有这项操作",
        state_message="案件当前环节为“{state}”，不能办理“{t.label}”",
        denied_message="“{t.label}”须由{t.level_label}办理",
        reason_message="请填写“意见或理由”",
        reason_field="reason",
        stale_message="该案件已被他人办理或修改，请刷新页面查看最新情况后再操作",
    )
)

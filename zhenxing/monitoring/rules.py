"""The rules the procedure checks, each a named function used by the workflow table.

A check gets ``(case, data, ctx)`` and returns ``(errors, warnings)`` (lists of Chinese messages).
``ctx`` holds ``on`` (the date of the act), ``standard`` (the year's YearStandard) and ``actor``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from zhenxing.calendar.services import work_calendar
from zhenxing.lib.modules import household_holds
from zhenxing.lib.workdays import WORKDAYS, CalendarYearUnknown, WorkCalendar, limit_due
from zhenxing.registry.models import Labour, MemberStatus, MonitoringKind

from .models import (
    DEVELOPMENT_CATEGORIES,
    EDUCATION_CATEGORIES,
    ILLNESS_CATEGORIES,
    RISK_TYPES,
    ElimWay,
    MeasureCategory,
    MeasureStatus,
    YearStandard,
)

MAX_RISK_TYPES = 5


def standard_for(year: int) -> YearStandard:
    """The standard in force for a year: that year's, else the latest earlier one."""
    standard = YearStandard.objects.filter(year__lte=year).order_by("-year").first()
    if standard is None:
        raise ValidationError(f"尚未设置 {year} 年度的监测标准，请地区管理员先在“年度监测标准”中设置")
    return standard


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; the 31st of a shorter month falls back to its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Ctx:
    on: dt.date
    standard: YearStandard
    actor: object = None


def kind_fits_household(case, data, ctx):
    kind = data.get("kind")
    household = case.household
    if kind == MonitoringKind.UNSTABLE and not household.formerly_poor:
        return ["该户不是脱贫户，不能认定为脱贫不稳定户"], []
    if kind == MonitoringKind.MARGINAL and household.formerly_poor:
        return ["该户是脱贫户，应认定为脱贫不稳定户，不能认定为边缘易致贫户"], []
    return [], []


def per_capita_net(household, income_12m: Decimal, spending_12m: Decimal) -> Decimal:
    """Income factor: the last 12 months' net income less eligible out-of-pocket spending, per person."""
    members = max(household.living_members, 1)
    return ((income_12m - spending_12m) / members).quantize(Decimal("0.01"))


def income_in_range(case, data, ctx):
    """脱贫不稳定户 and 边缘易致贫户 are households whose income is within the monitoring range (not
    above the year's threshold); above it only a 突发严重困难户 can be identified."""
    if data.get("kind") not in (MonitoringKind.UNSTABLE, MonitoringKind.MARGINAL):
        return [], []
    if data.get("income_12m") is None or data.get("spending_12m") is None:
        return [], []
    figure = per_capita_net(case.household, data["income_12m"], data["spending_12m"])
    threshold = ctx.standard.threshold
    if figure > threshold:
        return [
            f"{MonitoringKind(data['kind']).label}的家庭人均纯收入须在监测范围内：测算人均纯收入 {figure} 元，"
            f"高于{ctx.standard.year}年监测标准 {threshold} 元；因突发困难支出骤增或收入骤减的，"
            f"应认定为突发严重困难户"
        ], []
    return [], []


def hardship_described(case, data, ctx):
    if data.get("kind") == MonitoringKind.SUDDEN and not data.get("hardship"):
        return ["认定突发严重困难户，须填写“突发困难情况”"], []
    return [], []


def risk_types_valid(case, data, ctx):
    codes = data.get("risk_types") or []
    errors = [f"风险类型代码 {c} 不在国家代码表中" for c in codes if c not in RISK_TYPES]
    if not 1 <= len(codes) <= MAX_RISK_TYPES:
        errors.append(f"风险类型须选择 1 至 {MAX_RISK_TYPES} 项")
    if len(set(codes)) != len(codes):
        errors.append("风险类型不能重复")
    return errors, []


def fast_track_kind(case, data, ctx):
    if data.get("fast_track") and data.get("kind") != MonitoringKind.SUDDEN:
        return ["“先帮扶后认定”仅适用于突发严重困难户"], []
    return [], []


def posting_start_valid(case, data, ctx):
    start = data.get("posting_start")
    if start is None:
        return [], []
    errors = []
    if start > ctx.on:
        errors.append("公示开始日期不能晚于办理日期")
    if start < case.step_since:
        errors.append(f"公示开始日期不能早于上一环节完成日期（{case.step_since:%Y年%m月%d日}）")
    return errors, []


def posting_end(case, standard, cal: WorkCalendar | None = None) -> dt.date | None:
    """The first day the posting may be closed: start + the configured number of days (自然日 or
    工作日; ``CalendarYearUnknown`` when a working-day count reaches a year not in the calendar)."""
    if case.posting_start is None:
        return None
    days, unit = standard.limit("posting")
    if unit == WORKDAYS and cal is None:
        cal = work_calendar()
    return limit_due(cal, case.posting_start, days, unit)


def posting_long_enough(case, data, ctx):
    try:
        end = posting_end(case, ctx.standard)
    except CalendarYearUnknown as exc:
        return exc.messages, []
    if end is None:
        return ["未登记公示开始日期"], []
    if ctx.on < end:
        return [
            f"公示不少于 {ctx.standard.limit_label('posting')}：{case.posting_start:%Y年%m月%d日}开始，"
            f"{end:%Y年%m月%d日}起方可结束公示"
        ], []
    return [], []


def measure_errors(case, *, elimination_way: str = "") -> list[str]:
    """At least one measure and a helper; 因病 → health/social/safety net; 因学 → education;
    帮扶消除 → at least one development-type measure."""
    categories = set(case.measures.values_list("category", flat=True))
    errors = []
    if not categories:
        errors.append("至少须落实一项帮扶措施")
    if case.helper_id is None:
        errors.append("须明确帮扶责任人")
    risks = set(case.risk_types or [])
    if "01" in risks and not categories & ILLNESS_CATEGORIES:
        errors.append("因病纳入的，须落实健康帮扶、社会帮扶或综合保障措施")
    if "09" in risks and not categories & EDUCATION_CATEGORIES:
        errors.append("因学纳入的，须落实教育帮扶措施")
    if elimination_way == ElimWay.ASSISTED and not categories & DEVELOPMENT_CATEGORIES:
        errors.append("帮扶消除的，须至少有一项产业、就业、金融或公益岗位等开发式帮扶措施")
    if elimination_way == ElimWay.ASSISTED:
        pending = [m for m in case.measures.all() if m.status != MeasureStatus.DONE]
        if pending:
            errors.append(
                "帮扶消除的，帮扶措施须已落实，以下措施尚未落实："
                + "、".join(f"{m.category_display}“{m.content}”（{m.get_status_display()}）" for m in pending)
            )
    return errors


def measure_rules(case, data, ctx):
    return measure_errors(case, elimination_way=data.get("elimination_way") or case.elimination_way), []


@dataclass
class IncomeEvidence:
    window_start: dt.date
    baseline: object  # the Visit whose figure stands at the window start, or None
    points: list  # visits with an income figure inside the window
    stable: bool
    message: str

    @property
    def latest(self):
        """The most recent income measurement (a Visit) the evidence rests on, or None."""
        return self.points[-1] if self.points else self.baseline


def income_evidence(case, *, on: dt.date, standard: YearStandard) -> IncomeEvidence:
    """Income stably above the threshold for ``stable_months``: the latest income figure known at the
    start of the window, and every figure since, are above the threshold."""
    window_start = add_months(on, -standard.stable_months)
    visits = list(case.visits.filter(per_capita_income__isnull=False, date__lte=on).order_by("date", "id"))
    baseline = None
    for v in visits:
        if v.date <= window_start:
            baseline = v
    points = [v for v in visits if v.date > window_start]
    threshold = standard.threshold
    if baseline is None:
        msg = (
            f"缺少 {window_start:%Y年%m月%d日} 或更早的收入测算（走访记录），无法证明收入连续 "
            f"{standard.stable_months} 个月稳定高于监测标准"
        )
        return IncomeEvidence(window_start, None, points, False, msg)
    low = [v for v in [baseline, *points] if v.per_capita_income <= threshold]
    if low:
        v = low[0]
        msg = (
            f"{v.date:%Y年%m月%d日}走访测算人均纯收入 {v.per_capita_income} 元，未高于监测标准 {threshold} 元，"
            f"收入尚未连续 {standard.stable_months} 个月稳定"
        )
        return IncomeEvidence(window_start, baseline, points, False, msg)
    return IncomeEvidence(
        window_start,
        baseline,
        points,
        True,
        f"自 {window_start:%Y年%m月%d日} 起人均纯收入均高于监测标准 {threshold} 元",
    )


# A completed measure of these categories secures the household's flag: eliminating the risk
# records it on the household, with the latest income measurement (workflow._eliminate →
# registry.services.household_record_apply).
MEASURE_FLAGS = {
    MeasureCategory.HOUSING: "housing_safe",
    MeasureCategory.WATER: "water_safe",
    MeasureCategory.COMPULSORY_EDUCATION: "schooling_secured",
}


def flags_secured_by_measures(case) -> set[str]:
    if case is None:
        return set()
    done = case.measures.filter(status=MeasureStatus.DONE, category__in=list(MEASURE_FLAGS)).values_list(
        "category", flat=True
    )
    return {MEASURE_FLAGS[c] for c in done}


def security_errors(household, case=None) -> list[str]:
    """What is not yet secured: the household's flags, unless a completed measure of the case secures one."""
    secured = flags_secured_by_measures(case)
    errors = []
    if not household.housing_safe and "housing_safe" not in secured:
        errors.append("住房安全尚无保障")
    if not household.schooling_secured and "schooling_secured" not in secured:
        errors.append("义务教育尚无保障（有适龄子女失学辍学）")
    if not household.medical_insured:
        errors.append("有家庭成员未参加基本医疗保险")
    if not household.water_safe and "water_safe" not in secured:
        errors.append("饮水安全尚无保障")
    return errors


def labour_refusal(case) -> str:
    """A household none of whose members can work stays monitored, whatever its risk types and even
    when the safety net covers it (neither way of elimination applies)."""
    can_work = case.household.members.filter(
        status=MemberStatus.ACTIVE, labour__in=[Labour.NORMAL, Labour.WEAK]
    ).exists()
    if can_work:
        return ""
    return "该户家庭成员均无劳动能力：不得标注风险消除，应继续监测并落实综合保障等兜底措施"


def open_holds(case) -> list[str]:
    """Open alerts and rectification items on the household (reported by the apps above monitoring):
    a risk is not gone while one of them is open."""
    holds = household_holds(case.household)
    if not holds:
        return []
    return ["该户尚有未办结事项，须办结后方可消除风险：" + "；".join(holds)]


def elimination_rules(case, data, ctx):
    errors = []
    refusal = labour_refusal(case)
    if refusal:
        errors.append(refusal)
    evidence = income_evidence(case, on=ctx.on, standard=ctx.standard)
    if not evidence.stable:
        errors.append(evidence.message)
    errors += security_errors(case.household, case)
    errors += open_holds(case)
    if "resolved_risks" in data:
        missing = [c for c in case.risk_types if c not in set(data.get("resolved_risks") or [])]
        if missing:
            errors.append("以下风险尚未确认消除：" + "、".join(RISK_TYPES.get(c, c) for c in missing))
    return errors, []


def paper_exit_warnings_for(case, *, on: dt.date, way: str, standard: YearStandard) -> list[str]:
    warnings = []
    if case.identified_on is not None:
        months = (on.year - case.identified_on.year) * 12 + on.month - case.identified_on.month
        if months <= 1:
            warnings.append(f"疑似“数字脱贫”：{case.identified_on:%Y年%m月}纳入监测，当月或次月即提出风险消除")
    income = case.household.per_capita_income
    if way == ElimWay.ASSISTED and income is not None and Decimal(income) < standard.threshold:
        warnings.append(
            f"疑似“数字脱贫”：帮扶消除，但农户信息中人均纯收入 {income} 元低于监测标准 {standard.threshold} 元"
        )
    return warnings


def paper_exit_warnings(case, data, ctx):
    warnings = paper_exit_warnings_for(case, on=ctx.on, way=data.get("elimination_way", ""), standard=ctx.standard)
    if warnings and not data.get("accept_warnings"):
        return ["存在“数字脱贫”风险提示，请核实并勾选“已知悉提示”后再提交"], warnings
    return [], warnings


CHECKS = {
    "kind_fits_household": kind_fits_household,
    "risk_types_valid": risk_types_valid,
    "income_in_range": income_in_range,
    "hardship_described": hardship_described,
    "fast_track_kind": fast_track_kind,
    "posting_start_valid": posting_start_valid,
    "posting_long_enough": posting_long_enough,
    "measure_rules": measure_rules,
    "elimination_rules": elimination_rules,
    "paper_exit_warnings": paper_exit_warnings,
}

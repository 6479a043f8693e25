"""The screening rules: their catalogue (codes, names, risk types, departments), their
parameters (monitoring's yearly standard first, the constants as fallback) and the income
collection calendar. Each rule's SQL is in rules_sql.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from zhenxing.accounts.models import Department


@dataclass(frozen=True)
class RuleDef:
    code: str
    name: str
    risk_types: tuple[str, ...]
    severity: str
    department: str  # whose data raises it ("" = the registry itself)
    params: dict
    description: str


RULES: dict[str, RuleDef] = {
    r.code: r
    for r in [
        RuleDef(
            "income",
            "收入低于监测标准",
            (),
            "high",
            "",
            {"threshold": 6000},
            "收入年度（默认基准日上一年）人均纯收入 =（工资性+生产经营性+财产性+转移性−生产经营性支出）÷在户人数，严格低于监测标准时预警；"
            "无该年度收入记录的农户单列为“收入缺失”：仅在该收入年度的收入采集截止后发出，每户每个收入年度只发一次"
            "（核实后关闭的不再重复发出）。",
        ),
        RuleDef(
            "medical",
            "医疗负担过重",
            ("01",),
            "high",
            Department.MEDICAL_INSURANCE,
            {"reference_income": 17889, "ratio_poor": 0.5, "ratio_other": 1.0, "days": 365},
            "基准日前365天（不含当日）之后至基准日（含）结算的个人负担合计 ÷ 在户人数，严格高于 比例×上年农村居民人均可支配收入 时预警；"
            "脱贫户比例0.5，其他农户1.0。",
        ),
        RuleDef(
            "uninsured",
            "未参加基本医保",
            (),
            "medium",
            Department.MEDICAL_INSURANCE,
            {},
            "在户成员在基准日所在年度无“已参保”记录（该年度有参保数据时才判定）。",
        ),
        RuleDef(
            "civil",
            "新纳入低保特困",
            (),
            "medium",
            Department.CIVIL_AFFAIRS,
            {"days": 90},
            "成员的低保或特困开始日期在近90天内（基准日前90天之后至基准日），且农户未纳入监测。",
        ),
        RuleDef(
            "disability",
            "新增重度残疾",
            ("03",),
            "high",
            Department.DISABLED_FEDERATION,
            {"days": 365},
            "近365天内核发一级或二级残疾证。",
        ),
        RuleDef(
            "dropout",
            "义务教育辍学",
            ("09",),
            "high",
            Department.EDUCATION,
            {"age_min": 6, "age_max": 15},
            "基准日年满6周岁至15周岁的在户成员，最新在校状态为“辍学”。",
        ),
        RuleDef("housing", "住房安全", (), "high", Department.HOUSING, {}, "户主最新住房安全鉴定等级为C级或D级。"),
        RuleDef(
            "water",
            "饮水安全",
            (),
            "high",
            Department.WATER,
            {},
            "农户所在村有未整改的饮水问题（每村一条预警，列出该村农户）。",
        ),
        RuleDef(
            "jobloss",
            "务工就业不稳",
            ("07",),
            "medium",
            Department.HUMAN_RESOURCES,
            {"wage_share": 0.5},
            "成员最新就业状态为失业或务工中断，且工资性收入超过家庭纯收入的一半。",
        ),
        RuleDef(
            "disaster",
            "因灾",
            ("02",),
            "high",
            Department.EMERGENCY,
            {"share": 0.3, "days": 365},
            "近365天内灾害损失合计超过家庭年纯收入的30%；风险类型按损失最大的灾害类型取细分代码。",
        ),
        RuleDef(
            "death",
            "死亡未销户",
            (),
            "medium",
            Department.PUBLIC_SECURITY,
            {},
            "公安有死亡记录而户籍库仍显示在世；无劳动能力成员剩余时提示“缺劳动力”（风险04）。",
        ),
        RuleDef(
            "paper_exit",
            "虚假消除风险",
            (),
            "high",
            "",
            {},
            "已标注风险消除的农户（按其最近一次风险消除记录）出现“数字脱贫”警示之一：纳入监测当月或次月即消除；"
            "帮扶消除但无产业、就业、金融、公益岗位等开发式帮扶措施；帮扶消除（或无消除记录）但收入年度人均纯收入"
            "严格低于监测标准。每户一条预警，依据中列明命中的警示。",
        ),
    ]
}

# Alert codes that are not rules of their own.
EXTRA_CODES = {"income_missing": "收入缺失"}
DISASTER_SUBCODES = {
    "洪涝": "0201",
    "地质": "0202",
    "旱灾": "0203",
    "生物": "0204",
    "气象": "0205",
    "地震": "0206",
    "其他": "0299",
}
SUB_RISKS = {("death", "no_labour"): ("04",)}
SUB_NAMES = {("death", "no_labour"): "死亡未销户·缺劳动力"}


def alert_name(rule: str, sub: str) -> str:
    if rule in EXTRA_CODES:
        return EXTRA_CODES[rule]
    return SUB_NAMES.get((rule, sub), RULES[rule].name)


def alert_risks(rule: str, sub: str) -> list[str]:
    if rule == "disaster":
        return [sub] if sub else ["0299"]
    if (rule, sub) in SUB_RISKS:
        return list(SUB_RISKS[(rule, sub)])
    return list(RULES[rule].risk_types) if rule in RULES else []


def alert_department(rule: str) -> str:
    return RULES[rule].department if rule in RULES else ""


# Parameters that are monitoring's yearly standard (monitoring.YearStandard, the single source):
# rule parameter -> YearStandard field. The constants in RULES are only the documented fallback
# for a year with no standard set (docs/screening.md).
STANDARD_PARAMS = {("income", "threshold"): "threshold", ("medical", "reference_income"): "reference_income"}


def year_standard(year: int):
    """Monitoring's standard in force for ``year`` (that year's, else the latest earlier one, as
    ``monitoring.rules.standard_for``), or None when none is set."""
    from zhenxing.monitoring.models import YearStandard

    return YearStandard.objects.filter(year__lte=year).order_by("-year").first()


def default_params(year: int | None = None) -> dict[str, dict]:
    """rule code -> params a new rule set starts from: monitoring's standard for ``year`` where one
    exists, else the documented fallback constants."""
    params = {code: dict(r.params) for code, r in RULES.items()}
    standard = year_standard(year) if year is not None else None
    if standard is not None:
        for (code, name), field in STANDARD_PARAMS.items():
            params[code][name] = to_number(getattr(standard, field), f"{code}.{name}")
    return params


def default_rules(year: int | None = None) -> dict:
    params = default_params(year)
    return {code: {"enabled": True, "severity": r.severity, "params": params[code]} for code, r in RULES.items()}


def effective_parameters(ruleset_rules: dict, overrides: dict[str, str]) -> dict[str, dict]:
    """rule code -> params, defaults ⊕ rule set ⊕ this run's ``RULE.NAME=VALUE`` overrides."""
    params = {code: dict(r.params) for code, r in RULES.items()}
    for code, spec in (ruleset_rules or {}).items():
        if code in params:
            params[code].update(spec.get("params", {}))
    for dotted, value in overrides.items():
        code, _, name = dotted.partition(".")
        if code not in params or name not in params[code]:
            known = ", ".join(f"{c}.{n}" for c, p in params.items() for n in p)
            raise ValueError(f"未知参数 {dotted}（可用：{known}）")
        params[code][name] = to_number(value, dotted)
    return params


def to_number(value, label: str = ""):
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValueError(f"参数 {label} 的值“{value}”不是数字") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"参数 {label} 的值“{value}”须为不小于0的数字")
    return int(number) if number == number.to_integral_value() else float(number)


def income_collection_closes(income_year: int) -> dt.date:
    """The day the income year's collection closes: the year's own standard, else the setting's
    month and day of the following year."""
    from django.conf import settings

    from zhenxing.monitoring.models import YearStandard

    own = YearStandard.objects.filter(year=income_year).values_list("income_collection_closes", flat=True).first()
    if own:
        return own
    month, day = (int(x) for x in settings.SCREENING_INCOME_COLLECTION_CLOSES.split("-"))
    return dt.date(income_year + 1, month, day)


def income_missing_due(as_of: dt.date, income_year: int) -> bool:
    """收入缺失 is raised only once the income year's collection has closed (after the closing day)."""
    return as_of > income_collection_closes(income_year)

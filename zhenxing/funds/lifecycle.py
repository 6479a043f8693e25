"""What a project pool entry must be: its required fields, the negative list, and the checks the
lifecycle's steps (``workflow.py``) run before a project moves on."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from django.db.models import Sum

from zhenxing.accounts.models import Role

from .models import Payment, Project, ProjectStatus

# Fields a pool entry needs (the plan's 项目库 requirements); a project missing any of them
# cannot be approved into the pool.
REQUIRED_FIELDS: dict[str, str] = {
    "name": "项目名称",
    "type": "项目类型",
    "build_type": "建设性质",
    "village": "实施地点",
    "start_planned": "计划开工时间",
    "end_planned": "计划完工时间",
    "responsible_unit": "责任单位",
    "tasks": "建设任务",
    "budget": "概算投资",
    "funding_sources": "资金来源",
    "planned_households": "计划受益户数",
    "performance_targets": "绩效目标",
    "benefit_mechanism": "利益联结机制",
}

# 负面清单: what linkage funds may not pay for. Each entry: code, label, words that flag it.
NEGATIVE_LIST: list[tuple[str, str, tuple[str, ...]]] = [
    ("running_costs", "工作经费、运转经费", ("工作经费", "运转经费", "办公经费", "会议费", "差旅")),
    ("bonuses", "奖金、津补贴", ("奖金", "津贴", "补贴发放给干部", "绩效奖励")),
    ("offices", "楼堂馆所、办公用房", ("办公楼", "办公用房", "楼堂馆所", "培训中心")),
    ("debt", "偿还债务", ("债务", "还债", "偿债", "还贷")),
    ("vehicles", "购置车辆", ("购置车辆", "购车", "公务用车", "交通工具")),
    ("urban", "城市基础设施", ("城区", "市政道路", "城市道路", "县城")),
    ("non_agricultural", "与巩固衔接无关的非农用途", ("房地产", "商业综合体", "景观亮化", "形象工程")),
]


def missing_fields(project: Project) -> list[str]:
    """The Chinese names of required pool fields that are empty (zero budget or households count as empty)."""
    missing = []
    for name, label in REQUIRED_FIELDS.items():
        value = getattr(project, f"{name}_id" if name == "village" else name)
        if value in (None, "") or (name in {"budget", "planned_households"} and not value):
            missing.append(label)
    if project.start_planned and project.end_planned and project.end_planned < project.start_planned:
        missing.append("计划完工时间早于计划开工时间")
    return missing


def negative_hits(project: Project) -> list[str]:
    """Labels of negative-list entries the project's name or tasks match."""
    text = f"{project.name} {project.tasks} {project.funding_sources}"
    return [label for _code, label, words in NEGATIVE_LIST if any(w in text for w in words)]


# --- checks: each returns an error message (Chinese) or "" ------------------------------------


def check_complete(project: Project, **_) -> str:
    missing = missing_fields(project)
    return f"项目信息不完整，不能入库：缺少{'、'.join(missing)}" if missing else ""


def check_not_negative(project: Project, **_) -> str:
    hits = negative_hits(project)
    return f"项目涉及负面清单（{'、'.join(hits)}），不能审定入库" if hits else ""


def check_funded(project: Project, **_) -> str:
    return "" if project.assigned_total > 0 else "项目尚未安排资金，不能开工"


def check_has_asset(project: Project, **_) -> str:
    return "" if project.assets.exists() else "项目尚未登记资产，不能办理资产移交"


def completed_on(project: Project) -> dt.date | None:
    """The 竣工 date: recorded on the project, else (rows completed before it was) from the step's record."""
    if project.completed_on is not None:
        return project.completed_on
    step = project.transitions.filter(to_status=ProjectStatus.COMPLETED).order_by("-id").first()
    return step.date if step is not None else None


def acceptance_refusal(project: Project, *, on: dt.date) -> str:
    """验收 on ``on`` needs the year's minimum days after 竣工 and share of the budget paid by that day
    (``YearParameter`` of the acceptance year, the county's own row first)."""
    from .services.base import year_parameter  # services import the workflow, which imports this module

    param = year_parameter(on.year, project.county)
    errors = []
    done = completed_on(project)
    if done is None:
        errors.append("项目尚未竣工，不能验收")
    elif (on - done).days < param.acceptance_min_days:
        errors.append(
            f"竣工后须满 {param.acceptance_min_days} 天方可验收：{done:%Y年%m月%d日}竣工，"
            f"{done + dt.timedelta(days=param.acceptance_min_days):%Y年%m月%d日}起可验收"
        )
    required = (project.budget * param.acceptance_min_paid_share).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    paid = Payment.objects.filter(project=project, date__lte=on).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    if paid < required:
        errors.append(
            f"验收前已支付资金须不少于概算的 {param.acceptance_min_paid_share * 100:.0f}%（{required} 元）："
            f"截至{on:%Y年%m月%d日}已支付 {paid} 元"
        )
    return "；".join(errors)


# Who may enter a new project (申报).
DECLARE_ROLES = frozenset({Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF})

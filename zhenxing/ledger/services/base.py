"""Shared helpers of the ledger's writes, and the units (单位) that carry tasks."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhenxing.accounts import scope
from zhenxing.accounts.models import Department, Role, User
from zhenxing.audit.context import acting
from zhenxing.regions.models import Level, Region
from zhenxing.regions.selectors import PLAN_COUNTIES

from ..models import Unit, UnitKind, UnitMember

PLAN_2022 = Path(__file__).resolve().parent.parent / "data" / "plan-2022.json"
PREFECTURE_CODE = "232700000000"

# The departments behind the unit names the plan implies (for the line-department data scope).
UNIT_DEPARTMENTS = {
    "医保局": Department.MEDICAL_INSURANCE,
    "民政局": Department.CIVIL_AFFAIRS,
    "教育局": Department.EDUCATION,
    "住建局": Department.HOUSING,
    "水务局": Department.WATER,
    "人社局": Department.HUMAN_RESOURCES,
    "残联": Department.DISABLED_FEDERATION,
    "应急管理局": Department.EMERGENCY,
    "卫健局": Department.HEALTH,
    "公安局": Department.PUBLIC_SECURITY,
}
PARTY_UNITS = {"组织部", "宣传部", "政法委", "文明办", "统战部"}


def _require_region(actor, region: Region, action: str = "ledger.write") -> None:
    """``scope.require_write`` on the region a form picked: outside the scope is that field's error."""
    try:
        scope.require_write(actor, region, action)
    except scope.OutOfScope:
        raise ValidationError({"region": ["区划不在您的数据权限范围内"]}) from None


def _require_act(actor, action: str) -> None:
    """``scope.require_write`` for one of the prefecture's acts; the ledger answers a refused role as a
    form error (its pages show it beside the form), the read-only account as 403."""
    try:
        scope.require_write(actor, None, action)
    except PermissionDenied as exc:
        if str(exc) == scope.READ_ONLY_REFUSAL:
            raise
        raise ValidationError(str(exc)) from None


def _require(cond: bool, message: str, field: str | None = None) -> None:
    if not cond:
        raise ValidationError({field: [message]} if field else message)


# The ledger's write actions (scope.require_write: the read-only account, the data scope). Who acts
# in a step is the transition's own rule (workflow.py); the prefecture-only acts check the role
# with a message of their own.
PREFECTURE = frozenset({Role.PREFECTURE_ADMIN})
WRITE_RULES = scope.write_rules(
    {
        "ledger.write": None,
        # 批量交办 / 催办 of rectification items from the list
        "ledger.item.bulk": scope.WriteRule(
            roles=frozenset({Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.PREFECTURE_ADMIN}),
            system=False,
            refusal="只有乡镇、县级工作人员和地区管理员可以批量办理整改事项",
        ),
        # inspections, their findings and follow-ups: every writer's, and the inspector's one write
        "ledger.inspection.record": scope.WriteRule(read_only_may=True, refusal="您的账户不能登记督导检查"),
        "ledger.assignment.transition": None,
        "ledger.item.transition": None,
        "ledger.assessment.transition": None,
        # acts of the prefecture's office
        "ledger.escalation.rule": scope.WriteRule(roles=PREFECTURE, refusal="升级规则由地区制定"),
        "ledger.escalation.decide": scope.WriteRule(roles=PREFECTURE, refusal="问责决定由地区作出"),
        "ledger.assessment.manage": scope.WriteRule(roles=PREFECTURE, refusal="考核由地区组织"),
        "ledger.assessment.indicator": scope.WriteRule(roles=PREFECTURE, refusal="考核指标由地区制定"),
        "ledger.assessment.score": scope.WriteRule(roles=PREFECTURE, refusal="评审打分由地区考核组录入"),
        "ledger.unit.manage": scope.WriteRule(roles=PREFECTURE, refusal="只有地区管理员可以维护单位"),
        "ledger.unit.member": scope.WriteRule(roles=PREFECTURE, refusal="只有地区管理员可以指定单位成员"),
        "ledger.type.create": scope.WriteRule(roles=PREFECTURE, refusal="只有地区管理员可以新增整改台账类型"),
        "ledger.plan.copy": scope.WriteRule(roles=PREFECTURE, refusal="只有地区管理员可以新建年度台账"),
        "ledger.task.assign": scope.WriteRule(roles=PREFECTURE, refusal="只有地区管理员可以确认任务分工"),
        "ledger.task.edit": scope.WriteRule(roles=PREFECTURE, refusal="只有地区管理员可以修改任务"),
    }
)

# Who may open a page (scope.page_rules): the views, the menu and the templates ask these. Key
# tasks, inspections and the county assessment are the business of the county and above (and of
# the departments that lead tasks); a village or township has none of their records.
_NOT_BELOW_COUNTY = frozenset(Role) - {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF}
PAGE_RULES = scope.page_rules(
    {
        "ledger.tasks": scope.PageRule(roles=_NOT_BELOW_COUNTY, refusal="重点任务台账由县级及以上办理"),
        "ledger.items": None,
        "ledger.inspections": scope.PageRule(roles=_NOT_BELOW_COUNTY, refusal="督导问责由县级及以上办理"),
        "ledger.assessments": scope.PageRule(
            roles=frozenset({Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN, Role.COUNTY_STAFF, Role.INSPECTOR}),
            refusal="县级考核仅地区、县级和督查人员查看",
        ),
        "ledger.notices": None,
    }
)


def prefecture() -> Region:
    return Region.objects.get(code=PREFECTURE_CODE)


def counties(region: Region) -> list[Region]:
    """The county-level units under ``region`` that carry the ledger and are assessed: the plan's
    four addressees (regions.selectors.PLAN_COUNTIES) where present, else every county-level child."""
    children = Region.objects.filter(parent=region, level=Level.COUNTY).order_by("code")
    named = [r for r in children if r.code in PLAN_COUNTIES]
    return named or list(children)


# ---------------------------------------------------------------- units


def unit_ensure(*, name: str, region: Region, kind: str | None = None, department: str | None = None) -> Unit:
    unit = Unit.objects.filter(region=region, name=name).first()
    if unit is None:
        if kind is None:
            kind = UnitKind.PARTY if name in PARTY_UNITS else UnitKind.GOVERNMENT
        unit = Unit.objects.create(
            name=name,
            region=region,
            kind=kind,
            department=department if department is not None else UNIT_DEPARTMENTS.get(name, ""),
        )
    return unit


def unit_create(*, actor, name: str, region: Region, kind: str, department: str = "") -> Unit:
    _require_act(actor, "ledger.unit.manage")
    _require(bool(name.strip()), "请填写单位名称", "name")
    _require(not Unit.objects.filter(region=region, name=name.strip()).exists(), "该区划下已有同名单位", "name")
    with transaction.atomic(), acting(actor):
        return Unit.objects.create(name=name.strip(), region=region, kind=kind, department=department)


def unit_member_set(*, actor, unit: Unit, user: User) -> UnitMember:
    _require_act(actor, "ledger.unit.member")
    same_branch = user.region_id is not None and (
        unit.region.path.startswith(user.region.path) or user.region.path.startswith(unit.region.path)
    )
    _require(same_branch, "账户与单位不在同一区划", "user")
    with transaction.atomic(), acting(actor):
        link, _ = UnitMember.objects.update_or_create(user=user, defaults={"unit": unit})
        return link


def units_for(names: Iterable[str]) -> list[Unit]:
    names = list(names)
    found = {u.name: u for u in Unit.objects.filter(name__in=names, region__code=PREFECTURE_CODE)}
    return [found[n] for n in names if n in found]

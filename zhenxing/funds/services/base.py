"""Funds services: roles, write rules and the helpers every section uses."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.regions.models import Level, Region

from .. import lifecycle
from ..models import ProjectStatus, YearParameter

MONEY_ROLES = {Role.COUNTY_STAFF, Role.PREFECTURE_ADMIN}
ADMIN_ROLES = {Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN}
LOAN_ROLES = {Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.VILLAGE_CADRE}
EDITABLE_STATUSES = {
    ProjectStatus.DECLARED,
    ProjectStatus.TOWNSHIP_REVIEWED,
    ProjectStatus.APPRAISED,
    ProjectStatus.RETURNED,
}
PROJECT_FIELDS = (
    "name",
    "type",
    "build_type",
    "year",
    "start_planned",
    "end_planned",
    "responsible_unit",
    "tasks",
    "budget",
    "funding_sources",
    "planned_households",
    "planned_people",
    "performance_targets",
    "benefit_mechanism",
)


# Who may write what (scope.require_write checks it with the read-only account and the data scope;
# a call without an actor is a system job: the demo, an import run by an operator).
WRITE_RULES = scope.write_rules(
    {
        "funds.project.declare": lifecycle.DECLARE_ROLES,
        "funds.project.transition": scope.WriteRule(system=False, refusal="流程步骤须由工作人员办理"),
        "funds.money.write": scope.WriteRule(roles=frozenset(MONEY_ROLES), refusal="您的角色无权登记资金"),
        "funds.loan.write": scope.WriteRule(roles=frozenset(LOAN_ROLES), refusal="您的角色无权登记小额信贷"),
        "funds.disclosure.publish": scope.WriteRule(
            roles=frozenset({Role.COUNTY_STAFF}), refusal="只有县级工作人员可以发布公示"
        ),
        "funds.staff_identity.set": scope.WriteRule(
            roles=frozenset(ADMIN_ROLES), system=False, refusal="仅地区管理员可登记工作人员身份信息"
        ),
        "funds.parameter.set": scope.WriteRule(
            roles=frozenset(ADMIN_ROLES), system=False, refusal="仅地区管理员可设置年度参数"
        ),
        "funds.import.run": None,
        "funds.leakage.check": None,
        "funds.leakage.dismiss": scope.WriteRule(system=False),
    }
)


def county_of(region: Region) -> Region:
    """The county-level node above (or at) a region."""
    if region.level == Level.COUNTY:
        return region
    codes = [c for c in region.path.split("/") if c]
    county = Region.objects.filter(code__in=codes, level=Level.COUNTY).first()
    if county is None:
        raise ValidationError({"village": ["该区划不属于任何县"]})
    return county


def money(value, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: ["金额格式不正确"]}) from None
    return amount


def year_parameter(year: int, county: Region | None = None) -> YearParameter:
    """The year's rules: the county's own row, else the prefecture's, else the defaults (55%, 3)."""
    qs = YearParameter.objects.filter(year=year)
    found = (qs.filter(county=county).first() if county is not None else None) or qs.filter(county__isnull=True).first()
    return found or YearParameter(year=year)

"""Writes for project assets: registration from an accepted project, maintenance, income and its
distribution, disposal. Each takes the acting user and owns its transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.audit.context import acting
from zhenxing.funds.models import Project, ProjectStatus
from zhenxing.funds.services import county_of, money
from zhenxing.regions.models import Level

from .models import (
    Asset,
    AssetClass,
    AssetIncome,
    AssetStatus,
    Disposal,
    IncomeDistribution,
    MaintenanceKind,
    MaintenanceRecord,
    OwnerKind,
)

REGISTER_ROLES = {Role.COUNTY_STAFF}
KEEP_ROLES = {Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.VILLAGE_CADRE}


# Who may write what (scope.require_write, with the read-only account and the data scope).
WRITE_RULES = scope.write_rules(
    {
        "assets.asset.register": REGISTER_ROLES,
        "assets.asset.keep": KEEP_ROLES,
    }
)

# Who may open a page (scope.page_rules): a department account has no asset records.
PAGE_RULES = scope.page_rules({"assets.inventory": frozenset(Role) - {Role.DEPARTMENT_STAFF}})


def asset_register(
    *,
    actor,
    project: Project,
    code: str,
    name: str,
    asset_class: str,
    value,
    owner_kind: str,
    owner_name: str,
    title_document: str,
    title_date: dt.date,
    handed_over_on: dt.date,
    operator: str = "",
    maintainer: str = "",
    location: str = "",
    owner_household=None,
    village=None,
) -> Asset:
    """Register an asset formed by a project. Only an accepted (验收) or handed-over project forms assets."""
    scope.require_write(actor, project, "assets.asset.register")
    errors = _asset_errors(
        code=code,
        asset_class=asset_class,
        owner_kind=owner_kind,
        owner_household=owner_household,
        title_document=title_document,
    )
    if project.status not in {ProjectStatus.ACCEPTED, ProjectStatus.HANDED_OVER}:
        errors["project"] = ["项目验收后才能登记资产"]
    if errors:
        raise ValidationError(errors)
    village = village or project.village
    scope.require_write(actor, village, "assets.asset.register")
    with transaction.atomic(), acting(actor):
        return Asset.objects.create(
            project=project,
            county=project.county,
            village=village,
            code=code,
            name=name,
            asset_class=asset_class,
            value=money(value, "value"),
            location=location,
            owner_kind=owner_kind,
            owner_name=owner_name,
            owner_household=owner_household,
            operator=operator,
            maintainer=maintainer,
            title_document=title_document.strip(),
            title_date=title_date,
            handed_over_on=handed_over_on,
            registered_by=actor,
        )


def asset_register_historical(
    *,
    actor,
    village,
    source_project: str,
    source_year: int,
    code: str,
    name: str,
    asset_class: str,
    value,
    owner_kind: str,
    owner_name: str,
    title_document: str,
    title_date: dt.date,
    handed_over_on: dt.date,
    operator: str = "",
    maintainer: str = "",
    location: str = "",
    owner_household=None,
) -> Asset:
    """Register an asset formed before the system (历史资产) directly, naming its project and year in
    text, without walking that project through the lifecycle. It joins the inventory like any other."""
    scope.require_write(actor, village, "assets.asset.register")
    errors = _asset_errors(
        code=code,
        asset_class=asset_class,
        owner_kind=owner_kind,
        owner_household=owner_household,
        title_document=title_document,
    )
    if village.level != Level.VILLAGE:
        errors["village"] = ["资产所在地须具体到村"]
    if not source_project.strip():
        errors["source_project"] = ["须填写形成资产的项目名称"]
    today = timezone.localdate()
    if source_year is None or not 2000 <= int(source_year) <= today.year:
        errors["source_year"] = [f"项目年度须在2000年至{today.year}年之间"]
    if handed_over_on > today or title_date > today:
        errors["handed_over_on"] = ["移交日期和确权日期不能晚于今天"]
    if owner_household is not None and owner_household.village_id != village.pk:
        errors["owner_household"] = ["所有权农户须为资产所在村的农户"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        return Asset.objects.create(
            project=None,
            source_project=source_project.strip(),
            source_year=int(source_year),
            county=county_of(village),
            village=village,
            code=code,
            name=name,
            asset_class=asset_class,
            value=money(value, "value"),
            location=location,
            owner_kind=owner_kind,
            owner_name=owner_name,
            owner_household=owner_household,
            operator=operator,
            maintainer=maintainer,
            title_document=title_document.strip(),
            title_date=title_date,
            handed_over_on=handed_over_on,
            registered_by=actor,
        )


def _asset_errors(
    *,
    code: str,
    asset_class: str,
    owner_kind: str,
    owner_household,
    title_document: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if asset_class not in AssetClass.values:
        errors["asset_class"] = ["资产类别须为公益性、经营性或到户类"]
    if owner_kind not in OwnerKind.values:
        errors["owner_kind"] = ["所有权人类型不正确"]
    if owner_kind == OwnerKind.HOUSEHOLD and owner_household is None:
        errors["owner_household"] = ["所有权人为农户时须选择农户"]
    if not title_document.strip():
        errors["title_document"] = ["须填写确权登记证书或文号"]
    if Asset.objects.filter(code=code).exists():
        errors["code"] = [f"资产编号 {code} 已存在"]
    return errors


def asset_update_keepers(*, actor, asset: Asset, operator: str, maintainer: str) -> Asset:
    scope.require_write(actor, asset, "assets.asset.register")
    if asset.status == AssetStatus.DISPOSED:
        raise ValidationError({"asset": ["资产已处置，不能变更经营主体和管护主体"]})
    with transaction.atomic(), acting(actor):
        asset.operator, asset.maintainer = operator, maintainer
        asset.save(update_fields=["operator", "maintainer"])
    return asset


def maintenance_record(
    *, actor, asset: Asset, date: dt.date, kind: str, description: str, cost=0, done_by: str = ""
) -> MaintenanceRecord:
    scope.require_write(actor, asset, "assets.asset.keep")
    if asset.status == AssetStatus.DISPOSED:
        raise ValidationError({"asset": ["资产已处置"]})
    if kind not in MaintenanceKind.values:
        raise ValidationError({"kind": ["管护类型不正确"]})
    if date > timezone.localdate():
        raise ValidationError({"date": ["日期不能晚于今天"]})
    with transaction.atomic(), acting(actor):
        rec = MaintenanceRecord.objects.create(
            asset=asset, date=date, kind=kind, description=description, cost=money(cost, "cost"), done_by=done_by
        )
        last = asset.maintenance.aggregate(m=Max("date"))["m"]
        Asset.objects.filter(pk=asset.pk).update(last_inspection=last)
    asset.refresh_from_db()
    return rec


def income_record(*, actor, asset: Asset, date: dt.date, amount, source: str) -> AssetIncome:
    scope.require_write(actor, asset, "assets.asset.keep")
    if asset.asset_class != AssetClass.INCOME_GENERATING:
        raise ValidationError({"asset": ["只有经营性资产登记收益"]})
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": ["收益金额须大于0"]})
    with transaction.atomic(), acting(actor):
        income = AssetIncome.objects.create(asset=asset, date=date, amount=amount, source=source)
        last = asset.incomes.aggregate(m=Max("date"))["m"]
        Asset.objects.filter(pk=asset.pk).update(last_income=last)
    asset.refresh_from_db()
    return income


def income_distribute(
    *, actor, income: AssetIncome, recipient: str, amount, meeting: str, date: dt.date, household=None
) -> IncomeDistribution:
    """Distribute part of an income (to whom, how much, decided by which meeting); never more than earned."""
    scope.require_write(actor, income, "assets.asset.keep")
    amount = money(amount)
    errors = []
    if amount <= 0:
        errors.append("分配金额须大于0")
    if not meeting.strip():
        errors.append("须填写决定分配的会议（如村民代表大会及日期）")
    if amount > income.amount - income.distributed_total:
        errors.append(f"超出尚未分配的收益（{income.amount - income.distributed_total} 元）")
    if errors:
        raise ValidationError({"amount": errors})
    try:
        with transaction.atomic(), acting(actor):
            item = IncomeDistribution.objects.create(
                income=income,
                recipient=recipient,
                household=household,
                amount=amount,
                meeting=meeting.strip(),
                date=date,
            )
            AssetIncome.objects.filter(pk=income.pk).update(distributed_total=F("distributed_total") + amount)
    except IntegrityError:
        raise ValidationError({"amount": ["分配总额超过收益（数据库拒绝）"]}) from None
    income.refresh_from_db()
    return item


def asset_dispose(
    *,
    actor,
    asset: Asset,
    date: dt.date,
    method: str,
    reason: str,
    approval_document: str,
    approved_by: str,
    proceeds=0,
) -> Disposal:
    scope.require_write(actor, asset, "assets.asset.register")
    if asset.status == AssetStatus.DISPOSED:
        raise ValidationError({"asset": ["资产已处置"]})
    if not approval_document.strip() or not approved_by.strip():
        raise ValidationError({"approval_document": ["资产处置须经批准：请填写批准机关和批准文号"]})
    with transaction.atomic(), acting(actor):
        item = Disposal.objects.create(
            asset=asset,
            date=date,
            method=method,
            reason=reason,
            approval_document=approval_document.strip(),
            approved_by=approved_by.strip(),
            proceeds=money(proceeds, "proceeds"),
            recorded_by=actor,
        )
        asset.status = AssetStatus.DISPOSED
        asset.save(update_fields=["status"])
    return item

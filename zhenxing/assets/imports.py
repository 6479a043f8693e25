"""Asset rows for the shared import (zhenxing.funds.imports): upsert by 资产编号. The importer is
registered with funds when Django loads this app (``AssetsConfig.ready``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from zhenxing.accounts import scope
from zhenxing.funds.imports import Importer, choice, date, decimal, required_text, row_cells, row_service_error, text
from zhenxing.funds.models import Project
from zhenxing.lib.tabular import CellError
from zhenxing.registry.models import Household

from . import services
from .models import Asset, AssetClass, OwnerKind


def apply_assets(rows, result, actor) -> None:
    spec = {
        "资产编号": required_text,
        "资产名称": required_text,
        "资产类别": lambda v: choice(v, AssetClass.choices),
        "项目编号": required_text,
        "资产价值": decimal,
        "所有权人类型": lambda v: choice(v, OwnerKind.choices),
        "所有权人": required_text,
        "所有权农户户编号": text,
        "经营主体": text,
        "管护主体": text,
        "确权登记": required_text,
        "确权日期": date,
        "移交日期": date,
        "坐落位置": text,
    }
    visible = scope.scoped(actor, Project) if actor is not None else Project.objects.all()
    seen: dict[str, int] = {}
    for row_no, raw in rows:
        cells = row_cells(row_no, raw, spec, result)
        if cells is None:
            continue
        code = cells["资产编号"]
        if code in seen:
            result.error(row_no, "资产编号", f"与第{seen[code]}行重复")
            continue
        seen[code] = row_no
        project = visible.filter(code=cells["项目编号"]).first()
        if project is None:
            result.error(row_no, "项目编号", f"项目 {cells['项目编号']} 不存在或不在您的数据权限范围内")
            continue
        household = None
        if cells["所有权农户户编号"]:
            hh = scope.scoped(actor, Household) if actor is not None else Household.objects.all()
            household = hh.filter(number=cells["所有权农户户编号"]).first()
            if household is None:
                result.error(row_no, "所有权农户户编号", "农户不存在或不在您的数据权限范围内")
                continue
        existing = Asset.objects.filter(code=code).first()
        try:
            if existing is None:
                services.asset_register(
                    actor=actor,
                    project=project,
                    code=code,
                    name=cells["资产名称"],
                    asset_class=cells["资产类别"],
                    value=cells["资产价值"],
                    owner_kind=cells["所有权人类型"],
                    owner_name=cells["所有权人"],
                    owner_household=household,
                    operator=cells["经营主体"],
                    maintainer=cells["管护主体"],
                    title_document=cells["确权登记"],
                    title_date=cells["确权日期"],
                    handed_over_on=cells["移交日期"],
                    location=cells["坐落位置"],
                )
                result.created += 1
                continue
            if existing.project_id != project.pk:
                result.error(row_no, "资产编号", f"资产编号 {code} 已登记在其他项目下")
                continue
            if (existing.operator, existing.maintainer) == (cells["经营主体"], cells["管护主体"]):
                result.unchanged += 1
            else:
                services.asset_update_keepers(
                    actor=actor, asset=existing, operator=cells["经营主体"], maintainer=cells["管护主体"]
                )
                result.updated += 1
        except (ValidationError, PermissionDenied) as exc:
            row_service_error(result, row_no, exc, "资产编号")
        except CellError as exc:
            result.error(row_no, "资产编号", str(exc))


ASSET_HEADERS = [
    "资产编号",
    "资产名称",
    "资产类别",
    "项目编号",
    "资产价值",
    "所有权人类型",
    "所有权人",
    "所有权农户户编号",
    "经营主体",
    "管护主体",
    "确权登记",
    "确权日期",
    "移交日期",
    "坐落位置",
]
IMPORTER = Importer(
    "assets",
    "项目资产",
    ASSET_HEADERS,
    [
        "资产编号",
        "资产名称",
        "资产类别",
        "项目编号",
        "资产价值",
        "所有权人类型",
        "所有权人",
        "确权登记",
        "确权日期",
        "移交日期",
    ],
    apply_assets,
)

"""Imports of the toilet census, village profiles and 两委 (.xlsx/.xls/.csv, read by lib.tabular).
All or nothing: any row error (named by row and column, in Chinese) leaves everything untouched;
otherwise the whole file is written in one transaction. Rows are confined to the region the import
was started for (a household or village outside it is that row's error)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.audit.services import event_log
from zhenxing.lib.rowimport import CellAt, records_apply
from zhenxing.lib.tabular import CellError, Layout, Unreadable, cell_code, cell_date, cell_number, cell_text
from zhenxing.regions.models import Level, Region
from zhenxing.registry.models import Household

from . import services, toilets
from .models import AgeBand, CadrePost, Education, PlanStatus, ToiletKind, ToiletMode, VillageClass, VillageProfile


@dataclass(frozen=True)
class Kind:
    label: str
    layout: Layout
    required: tuple[str, ...]
    apply: Callable  # (actor, region, cell) -> None; raises ValidationError / CellError


def _required(values: dict, column: str) -> str:
    text = cell_text(values.get(column))
    if not text:
        raise CellError("不能为空")
    return text


def _date_or_none(values: dict, column: str):
    if not cell_text(values.get(column)):
        return None
    d = cell_date(values.get(column))
    if d is None:
        raise CellError("日期格式不正确（如 2026-12-01）")
    return d


def _int_or_none(values: dict, column: str):
    if not cell_text(values.get(column)):
        return None
    n = cell_number(values.get(column))
    if n is None or n != int(n):
        raise CellError("须填写整数")
    return int(n)


def _year(values: dict, column: str) -> int:
    year = _int_or_none(values, column)
    if year is None or not 2000 <= year <= 2100:
        raise CellError("须填写年度（如 2026）")
    return year


def _yes(values: dict, column: str) -> bool:
    text = cell_text(values.get(column))
    if text in ("", "否", "无", "0"):
        return False
    if text in ("是", "有", "1"):
        return True
    raise CellError("须填写“是”或“否”")


def _choice(choices, what: str, *, blank: bool = False):
    by_label = {str(label): value for value, label in choices}

    def read(values: dict, column: str) -> str:
        text = cell_text(values.get(column))
        if blank and not text:
            return ""
        if text in by_label.values():
            return text
        if text not in by_label:
            raise CellError(f"{what}须为：{'、'.join(by_label)}")
        return by_label[text]

    return read


def _village(region: Region):
    def read(values: dict, column: str) -> Region:
        code = cell_code(values.get(column), what="村代码")
        village = Region.objects.filter(code=code, level=Level.VILLAGE, path__startswith=region.path).first()
        if village is None:
            raise CellError("不是本区域内的村")
        return village

    return read


def _toilet(actor, region: Region, cell) -> None:
    number = cell("户编号", _required)
    household = Household.objects.filter(number=number, village__path__startswith=region.path).first()
    if household is None:
        raise CellAt("户编号", "本区域农户信息中没有此户")
    has = cell("有无户厕", _yes)
    toilets.toilet_survey(
        actor=actor,
        household=household,
        surveyed_on=cell("摸排日期", _date_or_none),
        has_toilet=has,
        kind=cell("厕所类型", _choice(ToiletKind.choices, "厕所类型", blank=True)),
        mode=cell("技术模式", _choice(ToiletMode.choices, "技术模式", blank=True)),
        indoor=cell("室内", _yes),
        built_year=cell("建设年度", _int_or_none),
        funding=cell("资金来源", lambda v, c: cell_text(v.get(c))),
    )


def _profile(actor, region: Region, cell) -> None:
    services.profile_save(
        actor=actor,
        village=cell("村代码", _village(region)),
        year=cell("年度", _year),
        village_class=cell("村庄分类", _choice(VillageClass.choices, "村庄分类")),
        plan_status=cell("村庄规划", _choice(PlanStatus.choices, "村庄规划")),
        plan_approved_on=cell("批复日期", _date_or_none),
        plan_document=cell("批复文号", lambda v, c: cell_text(v.get(c))),
    )


def _cadre(actor, region: Region, cell) -> None:
    village = cell("村代码", _village(region))
    year = cell("年度", _year)
    profile = VillageProfile.objects.filter(village=village, year=year).first()
    if profile is None:
        profile = services.profile_save(actor=actor, village=village, year=year)
    services.cadre_add(
        actor=actor,
        profile=profile,
        id_number=cell("身份证号", lambda v, c: cell_code(v.get(c), what="身份证号")),
        post=cell("职务", _choice(CadrePost.choices, "职务")),
        age_band=cell("年龄段", _choice(AgeBand.choices, "年龄段")),
        education=cell("学历", _choice(Education.choices, "学历")),
        veteran=cell("退役军人", _yes),
        graduate=cell("返乡大学生", _yes),
    )


KINDS = {
    "toilets": Kind(
        "户厕摸排",
        Layout(
            ["户编号", "有无户厕", "厕所类型", "技术模式", "室内", "建设年度", "资金来源", "摸排日期"],
            aliases={"是否有户厕": "有无户厕", "改厕年度": "建设年度", "户厕类型": "厕所类型"},
        ),
        ("户编号", "有无户厕"),
        _toilet,
    ),
    "profiles": Kind(
        "村庄档案",
        Layout(
            ["村代码", "年度", "村庄分类", "村庄规划", "批复日期", "批复文号"],
            aliases={"区划代码": "村代码", "规划编制情况": "村庄规划", "规划批复文号": "批复文号"},
        ),
        ("村代码", "年度", "村庄分类", "村庄规划"),
        _profile,
    ),
    "cadres": Kind(
        "两委成员",
        Layout(
            ["村代码", "年度", "身份证号", "职务", "年龄段", "学历", "退役军人", "返乡大学生"],
            aliases={"区划代码": "村代码", "公民身份号码": "身份证号"},
        ),
        ("村代码", "年度", "身份证号", "职务", "年龄段", "学历"),
        _cadre,
    ),
}

FIELD_COLUMNS = {  # a service's field error → the column it came from
    "id_number": "身份证号",
    "kind": "厕所类型",
    "mode": "技术模式",
    "built_year": "建设年度",
    "plan_approved_on": "批复日期",
    "village": "村代码",
}


class _Rollback(Exception):
    pass


def import_kinds() -> list:
    """What a saved column mapping (the mappings app) can be made for: each import here."""
    from zhenxing.lib.mapping import ImportKind

    return [ImportKind(f"village.{code}", spec.label, spec.layout) for code, spec in KINDS.items()]


def village_import(*, actor, region: Region, kind: str, data: bytes, filename: str = "", mapping=None) -> dict:
    """Import one file for ``region``; returns {"created", "errors", "more"}; nothing is written when
    any row fails. Raises Unreadable for a file without the template's header."""
    scope.require_write(actor, region, services.KEEP)
    spec = KINDS[kind]
    from zhenxing.lib.tabular import read_table

    table = read_table(data, spec.layout, filename=filename, required=spec.required, mapping=mapping)
    try:
        with transaction.atomic(), acting(actor):
            done, errors = records_apply(
                table,
                lambda row_no, values, cell: spec.apply(actor, region, cell),
                field_columns=FIELD_COLUMNS,
                default_column=spec.layout.headers[0],
                refusal_column=spec.layout.headers[0],
            )
            if errors:
                raise _Rollback
            event_log(
                action="import",
                actor=actor,
                obj=region,
                extra={"kind": f"village.{kind}", "rows": done, "file": filename},
            )
    except _Rollback:
        return {"created": 0, "errors": errors.dicts(), "more": errors.more}
    return {"created": done, "errors": [], "more": 0}


__all__ = ["KINDS", "Unreadable", "village_import"]

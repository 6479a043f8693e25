"""Writes to the region tree. Loading a new edition of the division codes is an import."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhenxing.audit.context import acting
from zhenxing.lib import tabular
from zhenxing.lib.bulk import analyze

from .models import LEVEL_DEPTH, Level, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
# Every installation has these (migration 0002 loads them): the prefecture's official tree down
# to townships (统计用区划代码, 2023 edition) and the plan's older township names as aliases
# (the plan says 开库康乡, the codes say 开库康镇), so that its wording and imported files match.
SHIPPED_FILES = ["regions-2327.csv", "aliases-2327.csv"]
# Villages for the demo and the tests only. Village codes are not published with the tree, so
# these codes are made up (names from older gazetteers; invented names are marked is_sample).
# Production villages come from the county's own import-regions file.
DEMO_FILES = ["villages-2327.csv"]
BUILTIN_FILES = [*SHIPPED_FILES, *DEMO_FILES]
LEVEL_NAMES = {
    **{lv.value: lv.value for lv in Level},
    **{str(lv.label): lv.value for lv in Level},
    "县": Level.COUNTY,
    "市": Level.PREFECTURE,
    "镇": Level.TOWNSHIP,
    "乡": Level.TOWNSHIP,
}


class RegionImportError(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__("；".join(f"第{e['row']}行 {e['column']}：{e['message']}" for e in errors[:20]))
        self.errors = errors


@dataclass
class RegionImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)


LAYOUT = tabular.Layout(headers=("code", "name", "level", "parent_code", "aliases", "is_sample"))


def _read_rows(text: str) -> tuple[list[tuple[int, dict]], set[str]]:
    """(file row number, {column: text}) per non-blank row, and the columns the file has."""
    table = tabular.find_header(tabular.csv_rows(text), LAYOUT, required=("code", "name"), at_least=1, within=5)
    rows = [(row_no, {k: tabular.cell_text(v) for k, v in values.items()}) for row_no, values in table.records()]
    return rows, set(table.columns)


def regions_import(*, text: str, actor=None, model: type[Region] = Region) -> RegionImportResult:
    """Upsert nodes from CSV text with columns code, name, level, parent_code [, aliases, is_sample]
    (read by the tabular reader: a title row above the header is skipped). Raises tabular.Unreadable
    when no header row is found.

    Rows may come in any order; parents must be in the file or already in the tree. Atomic:
    any error leaves the tree unchanged and every error names its row and column. A data
    migration passes its historical ``model``.
    """
    rows, columns = _read_rows(text)
    errors = tabular.RowErrors()
    parsed: dict[str, dict] = {}
    for i, row in rows:
        code = row.get("code", "")
        if not (code.isdigit() and len(code) == 12):
            errors.add(i, "code", "区划代码须为12位数字")
            continue
        if code in parsed:
            errors.add(i, "code", f"区划代码 {code} 在文件中重复")
            continue
        level = LEVEL_NAMES.get(row.get("level", ""))
        if level is None:
            errors.add(i, "level", "层级须为 province/prefecture/county/township/village")
            continue
        if not row.get("name"):
            errors.add(i, "name", "名称不能为空")
            continue
        aliases = [a for a in row.get("aliases", "").replace("；", ";").split(";") if a]
        parsed[code] = {
            "row": i,
            "code": code,
            "name": row["name"],
            "level": level,
            "parent_code": row.get("parent_code", ""),
            "aliases": aliases,
            "is_sample": row.get("is_sample", "").lower() in {"1", "true", "是", "yes"},
        }

    existing = {r.code: r for r in model.objects.all()}
    paths: dict[str, str] = {}

    def path_of(code: str, seen: tuple = ()) -> str | None:
        if code in paths:
            return paths[code]
        if code in seen:
            return None
        item = parsed.get(code)
        if item is None:
            return existing[code].path if code in existing else None
        parent = item["parent_code"]
        if not parent:
            result = f"{code}/"
        else:
            parent_path = path_of(parent, seen + (code,))
            result = None if parent_path is None else f"{parent_path}{code}/"
        if result is not None:
            paths[code] = result
        return result

    for code, item in parsed.items():
        if path_of(code) is None:
            errors.add(item["row"], "parent_code", f"上级代码 {item['parent_code']} 不存在")
            continue
        parent_level = (parsed.get(item["parent_code"]) or {}).get("level") or (
            existing[item["parent_code"]].level if item["parent_code"] in existing else None
        )
        if parent_level and LEVEL_DEPTH[Level(parent_level)] >= LEVEL_DEPTH[Level(item["level"])]:
            errors.add(item["row"], "level", "层级须低于上级")

    result = RegionImportResult(errors=errors.dicts())
    if errors:
        raise RegionImportError(errors.dicts())

    with transaction.atomic():
        # Parents first, so every parent FK can be resolved.
        by_code = dict(existing)
        for code in sorted(parsed, key=lambda c: paths[c].count("/")):
            item = parsed[code]
            values = {
                "name": item["name"],
                "level": item["level"],
                "path": paths[code],
                "depth": paths[code].count("/") - 1,
                "parent": by_code.get(item["parent_code"]) if item["parent_code"] else None,
            }
            # A file without these columns leaves them as they are (an official edition
            # does not know our aliases for the plan's older names).
            if "aliases" in columns:
                values["aliases"] = item["aliases"]
            if "is_sample" in columns:
                values["is_sample"] = item["is_sample"]
            node = by_code.get(code)
            if node is None:
                node = model.objects.create(code=code, **values)
                by_code[code] = node
                result.created += 1
                continue
            changed = [k for k, v in values.items() if getattr(node, k) != v]
            if changed:
                for k in changed:
                    setattr(node, k, values[k])
                node.save(update_fields=changed)
                result.updated += 1
            else:
                result.unchanged += 1
    return result


def _load_files(names: list[str], *, model: type[Region]) -> RegionImportResult:
    total = RegionImportResult()
    for name in names:
        r = regions_import(text=(DATA_DIR / name).read_text(encoding="utf-8"), model=model)
        total.created += r.created
        total.updated += r.updated
        total.unchanged += r.unchanged
    if total.created or total.updated:  # every scoped list joins the tree: fresh planner statistics
        analyze(model)
    return total


def regions_load_shipped(*, model: type[Region] = Region) -> RegionImportResult:
    """The prefecture's tree down to townships with the plan's aliases: what production starts with."""
    return _load_files(SHIPPED_FILES, model=model)


def regions_load_builtin() -> RegionImportResult:
    """The shipped tree plus the demo villages (demo and tests)."""
    return _load_files(BUILTIN_FILES, model=Region)


# --- county office phones (shown on the public portal) ------------------------------------------

# 0457-2123456, 0457-2123456-801, (0457)2123456, 13904570000, 12317: digits with the usual separators.
OFFICE_PHONE_RE = re.compile(r"^[0-9()（）+\- ]{5,32}$")


def region_office_phone_set(*, actor, region: Region, phone: str) -> Region:
    """A prefecture (or system) admin publishes a county office's phone; an empty value withdraws
    it (the portal then shows 暂未公布). A number entered here is real: the demo's 示例 mark goes.
    The change is audited by the automatic capture, with the actor."""
    if actor is None or not actor.manages_regions or not actor.region.contains(region):
        raise PermissionDenied("仅地区管理员可设置县级办公电话")
    if region.level != Level.COUNTY:
        raise ValidationError({"office_phone": ["办公电话只对县级区划设置"]})
    phone = " ".join(phone.split())
    if phone and (not OFFICE_PHONE_RE.match(phone) or sum(ch.isdigit() for ch in phone) < 5):
        raise ValidationError({"office_phone": ["电话号码格式不正确（如 0457-2123456）"]})
    with transaction.atomic(), acting(actor):
        node = Region.objects.select_for_update().get(pk=region.pk)
        if node.office_phone != phone or node.office_phone_is_sample:
            node.office_phone, node.office_phone_is_sample = phone, False
            node.save(update_fields=["office_phone", "office_phone_is_sample"])
    return node


def region_office_phones_sample(phones: dict[str, str]) -> int:
    """The demo's sample numbers (marked 示例) for counties that have none yet; a number an admin
    entered is never overwritten. Returns how many were filled."""
    filled = 0
    with transaction.atomic():
        for node in Region.objects.filter(code__in=phones, level=Level.COUNTY, office_phone=""):
            node.office_phone, node.office_phone_is_sample = phones[node.code], True
            node.save(update_fields=["office_phone", "office_phone_is_sample"])
            filled += 1
    return filled

"""Household import, step 2 — validate: each cell, each row, then each household within the file
(one 户主, household columns agreeing, the village found and within the importer's scope)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from zhenxing.accounts import scope
from zhenxing.lib import tabular
from zhenxing.lib.tabular import CellError
from zhenxing.regions.models import Level, Region

from .. import idnumber
from ..models import Health, Labour, Relation, Schooling, WorkStatus
from .read import HEADER_OF, HOUSEHOLD_KEYS, MONEY_KEYS, records
from .report import ImportReport

YES = {"是", "Y", "YES", "TRUE", "1", "有", "安全", "已参加", "参加", "√"}
NO = {"否", "N", "NO", "FALSE", "0", "无", "不安全", "未参加", "不参加", "×"}

_EXTRA_RELATIONS = {
    "本人": "head",
    "户主本人": "head",
    "妻": "spouse",
    "妻子": "spouse",
    "丈夫": "spouse",
    "夫": "spouse",
    "子": "son",
    "儿子": "son",
    "长子": "son",
    "次子": "son",
    "女": "daughter",
    "女儿": "daughter",
    "长女": "daughter",
    "次女": "daughter",
    "儿媳": "daughter_in_law",
    "女婿": "son_in_law",
    "孙子": "grandson",
    "孙女": "granddaughter",
    "父亲": "father",
    "父": "father",
    "母亲": "mother",
    "母": "mother",
    "兄": "sibling",
    "弟": "sibling",
    "姐": "sibling",
    "妹": "sibling",
}


def _choice_map(choices, extra=None) -> dict[str, str]:
    out = {}
    for value, label in choices.choices:
        out[str(label)] = value
        out[value] = value
        if str(label).startswith("之"):
            out[str(label)[1:]] = value
    out.update(extra or {})
    return out


CHOICES = {
    "relation": _choice_map(Relation, _EXTRA_RELATIONS),
    "labour": _choice_map(Labour, {"劳动力": "normal", "普通": "normal", "弱": "weak", "丧失": "lost", "无": "none"}),
    "health": _choice_map(Health, {"慢性病": "chronic", "患慢性病": "chronic", "患大病": "serious"}),
    "schooling": _choice_map(
        Schooling,
        {
            "学前": "preschool",
            "义务教育": "compulsory",
            "在校生": "compulsory",
            "高中": "high_school",
            "中职": "high_school",
            "大学": "higher",
            "非在校": "not_in_school",
        },
    ),
    "work_status": _choice_map(
        WorkStatus, {"无": "none", "否": "none", "省外": "out_of_province", "省内": "in_province", "县内": "in_county"}
    ),
}
# Labels for the template's drop-down lists.
CHOICE_LABELS = {
    key: [str(label) for _, label in model.choices]
    for key, model in (
        ("relation", Relation),
        ("labour", Labour),
        ("health", Health),
        ("schooling", Schooling),
        ("work_status", WorkStatus),
    )
}


def _text(value) -> str:
    return tabular.cell_text(value, nfkc=True)


def parse_bool(text: str, default: bool) -> bool:
    if not text:
        return default
    up = text.upper()
    if up in YES:
        return True
    if up in NO:
        return False
    raise CellError(f"“{text}”不是有效的是/否值，请填“是”或“否”")


def parse_money(text: str) -> Decimal:
    try:
        value = tabular.cell_number(text)
    except CellError:
        raise CellError(f"“{text}”不是有效的金额") from None
    if value is None:
        return Decimal("0")
    if value < 0:
        raise CellError("金额不能为负数")
    if value >= Decimal("1e10"):
        raise CellError("金额过大，请核对单位（元）")
    return value.quantize(Decimal("0.01"))


def parse_year(text: str, *, low: int, what: str) -> int | None:
    if not text:
        return None
    if not (len(text) == 4 and text.isdigit()) and not re.fullmatch(r"\d{4}(年)?", text):
        raise CellError(f"{what}须为四位年份，如 2021")
    year = int(text[:4])
    if year < low or year > dt.date.today().year:
        raise CellError(f"{what} {year} 不在 {low}—{dt.date.today().year} 之间")
    return year


def parse_choice(key: str, text: str, default: str) -> str:
    if not text:
        return default
    value = CHOICES[key].get(text) or CHOICES[key].get(_WS.sub("", text))
    if value is None:
        raise CellError(f"“{text}”不是有效的{HEADER_OF[key]}，可填：{'、'.join(CHOICE_LABELS[key])}")
    return value


_PHONE = re.compile(r"[0-9+\-() ]{7,20}")
_NUMBER = re.compile(r"[0-9A-Za-z\-]{1,32}")
_WS = re.compile(r"\s+")


def parse_phone(text: str) -> str:
    if text and not _PHONE.fullmatch(text):
        raise CellError(f"联系电话“{text}”格式不正确")
    return text


def parse_number(raw) -> str:
    text = tabular.cell_code(raw, what="户编号")
    if not text:
        raise CellError("户编号不能为空")
    if not _NUMBER.fullmatch(text):
        raise CellError(f"户编号“{text}”只能包含数字、字母和连字符，最长32位")
    return text


def parse_id(raw) -> str:
    if isinstance(raw, str) and not (len(raw) == 18 and raw.isalnum()):
        raw = raw.replace(" ", "").replace("\u3000", "").replace("'", "").replace("\t", "") or raw
    try:
        return idnumber.validate(raw)
    except idnumber.IdNumberError as exc:
        text = _text(raw) if not isinstance(raw, (int, float)) else ""
        if str(exc).startswith("身份证号校验码") and re.fullmatch(r"\d{15}000", text):
            raise CellError(
                "身份证号末三位为“000”且校验码不正确，疑似被 Excel 当作数字截断（末几位已丢失）；"
                "请把该列设为“文本”格式后重新填写"
            ) from None
        raise CellError(str(exc)) from None


@dataclass
class Row:
    row: int
    values: dict  # key -> parsed value
    given: set  # keys with a non-blank cell
    errors: list


_ZERO = Decimal("0.00")


def _money(text: str) -> Decimal:
    return _ZERO if not text else parse_money(text)


_PARSERS = (
    ("labour", lambda t: parse_choice("labour", t, Labour.NORMAL)),
    ("health", lambda t: parse_choice("health", t, Health.HEALTHY)),
    ("schooling", lambda t: parse_choice("schooling", t, Schooling.NOT_IN_SCHOOL)),
    ("work_status", lambda t: parse_choice("work_status", t, WorkStatus.NONE)),
    ("insured", lambda t: parse_bool(t, True)),
    ("formerly_poor", lambda t: parse_bool(t, False)),
    ("exit_year", lambda t: parse_year(t, low=2013, what="脱贫年度")),
    ("phone", lambda t: parse_phone(t)),
    ("income_year", lambda t: parse_year(t, low=2013, what="收入年度")),
    *((key, _money) for key in MONEY_KEYS),
    ("housing_safe", lambda t: parse_bool(t, True)),
    ("water_safe", lambda t: parse_bool(t, True)),
)


def parse_row(row_no: int, raw: dict) -> Row:
    """``raw``: template key -> the cell's value."""
    text = {key: _text(v) for key, v in raw.items()}
    values: dict = {}
    errors: list[tuple[str, str]] = []
    try:
        values["number"] = parse_number(raw.get("number"))
    except CellError as exc:
        errors.append(("户编号", str(exc)))
    for key in ("county", "township", "village", "name"):
        t = text.get(key, "")
        values[key] = _WS.sub("", t) if " " in t or "\t" in t or "\u3000" in t else t
    name = values["name"]
    if not name:
        errors.append(("姓名", "姓名不能为空"))
    elif len(name) > 64:
        errors.append(("姓名", "姓名过长（最多64个字）"))
    try:
        values["id_number"] = parse_id(raw.get("id_number"))
    except CellError as exc:
        errors.append(("身份证号", str(exc)))
    rel = text.get("relation", "")
    if not rel:
        errors.append(("与户主关系", "与户主关系不能为空"))
    else:
        try:
            values["relation"] = parse_choice("relation", rel, "")
        except CellError as exc:
            errors.append(("与户主关系", str(exc)))
    for key, fn in _PARSERS:
        try:
            values[key] = fn(text.get(key, ""))
        except CellError as exc:
            errors.append((HEADER_OF[key], str(exc)))
    given = {k for k, t in text.items() if t}
    return Row(row=row_no, values=values, given=given, errors=errors)


# --- the file as a whole -----------------------------------------------------------------------


def rows_parse(
    table: tabular.Table, report: ImportReport, progress: Callable[[str, int, int], None]
) -> tuple[list[Row], set[str]]:
    """Every non-blank row parsed; (rows, household numbers with any error)."""
    progress("校验", 0, len(table.rows))
    rows: list[Row] = []
    bad: set[str] = set()  # household numbers with any error
    for i, (row_no, raw) in enumerate(records(table)):
        r = parse_row(row_no, raw)
        rows.append(r)
        for column, message in r.errors:
            report.error(r.row, column, message)
        if r.errors and "number" in r.values:
            bad.add(r.values["number"])
        if report.problems.full:  # 1,000 errors: the rest is not checked, nothing is imported
            report.problems.stop()
            break
        if i % 5000 == 0:
            progress("校验", i, len(table.rows))
    report.rows = len(rows)
    if report.problems.stopped:
        return rows, bad

    # Duplicate ID numbers inside the file.
    seen: dict[str, int] = {}
    for r in rows:
        n = r.values.get("id_number")
        if n is None:
            continue
        if n in seen:
            report.error(r.row, "身份证号", f"身份证号与第{seen[n]}行重复")
            bad.add(r.values.get("number", ""))
        else:
            seen[n] = r.row
    return rows, bad


@dataclass
class Households:
    """The file's rows grouped into households, with each household's 户主 row and village."""

    groups: dict[str, list[Row]] = field(default_factory=dict)
    heads: dict[str, Row] = field(default_factory=dict)
    villages: dict[str, Region] = field(default_factory=dict)


def _region_names(region: Region) -> set[str]:
    return {region.name, *region.aliases}


def _village_index() -> dict[tuple[str, str, str], Region]:
    nodes = list(Region.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]))
    by_id = {n.pk: n for n in nodes}
    index: dict[tuple[str, str, str], Region] = {}
    for v in nodes:
        if v.level != Level.VILLAGE:
            continue
        town = by_id.get(v.parent_id)
        county = by_id.get(town.parent_id) if town else None
        if town is None or county is None:
            continue
        for c in _region_names(county):
            for t in _region_names(town):
                for n in _region_names(v) | {v.display_name, v.code}:
                    index[(c, t, n)] = v
    return index


def _known(index, level: int, *names) -> bool:
    return any(k[:level] == names for k in index)


def households_check(rows: list[Row], bad: set[str], report: ImportReport, actor) -> Households:
    """Group by 户编号 and check each household; numbers with errors are added to ``bad``."""
    out = Households()
    groups, heads, villages = out.groups, out.heads, out.villages
    for r in rows:
        if "number" in r.values:
            groups.setdefault(r.values["number"], []).append(r)

    index = _village_index()
    for number, members in groups.items():
        head_rows = [r for r in members if r.values.get("relation") == Relation.HEAD]
        if not head_rows:
            report.error(members[0].row, "与户主关系", f"户编号 {number} 没有户主：每户须有且只有一行“户主”")
            bad.add(number)
            continue
        if len(head_rows) > 1:
            for extra in head_rows[1:]:
                report.error(
                    extra.row, "与户主关系", f"户编号 {number} 有两个户主（第{head_rows[0].row}行和第{extra.row}行）"
                )
            bad.add(number)
        head = heads[number] = head_rows[0]
        for r in members:
            if r is head:
                continue
            for key in HOUSEHOLD_KEYS:
                if key in r.given and key in r.values and key in head.values and r.values[key] != head.values[key]:
                    report.error(r.row, HEADER_OF[key], f"与同户户主行（第{head.row}行）的“{HEADER_OF[key]}”不一致")
                    bad.add(number)
        hv = head.values
        if hv.get("formerly_poor") and not hv.get("exit_year") and "exit_year" in hv:
            report.error(head.row, "脱贫年度", "脱贫户须填写脱贫年度")
            bad.add(number)
        if hv.get("formerly_poor") is False and hv.get("exit_year"):
            report.error(head.row, "脱贫年度", "非脱贫户不应填写脱贫年度")
            bad.add(number)
        if not hv.get("income_year") and "income_year" in hv and any(k in head.given for k in MONEY_KEYS):
            report.error(head.row, "收入年度", "填写了收入须同时填写收入年度")
            bad.add(number)
        c, t, v = hv.get("county", ""), hv.get("township", ""), hv.get("village", "")
        for key in ("county", "township", "village"):
            if not hv.get(key):
                report.error(head.row, HEADER_OF[key], f"户主行的“{HEADER_OF[key]}”不能为空")
                bad.add(number)
        if c and t and v:
            village = index.get((c, t, v))
            if village is None:
                if not _known(index, 1, c):
                    report.error(head.row, "县", f"找不到县“{c}”")
                elif not _known(index, 2, c, t):
                    report.error(head.row, "乡镇", f"在{c}下找不到乡镇“{t}”")
                else:
                    report.error(head.row, "村", f"在{c}{t}下找不到村“{v}”")
                bad.add(number)
            elif actor is not None and not scope.region_in_scope(actor, village):
                report.error(head.row, "村", f"“{village.name}”不在您的数据权限范围内")
                bad.add(number)
            else:
                villages[number] = village
    return out

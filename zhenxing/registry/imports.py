"""Household import: the standard template (.xlsx/.xls/.csv) → the registry, atomic and idempotent.

One row per member. Household-level columns are read from the 户主 row; other rows of the same
household may leave them blank but must not contradict them. Every problem is reported with its
file row number, column and a Chinese message. A file with any error changes nothing unless
``only_valid`` is asked for (then the error-free households are imported and the others are left
out). Upsert by 户编号 (households) and ID number (members); re-importing the same file changes
nothing. Writes are set-based: bulk inserts/updates in batches, one set-based recompute, and
set-based audit entries plus one ``import`` event.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable

from django.db import transaction
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.audit import services as audit
from zhenxing.audit.context import acting, bulk_logged
from zhenxing.regions.models import Level, Region

from . import idnumber
from .models import (Health, Household, HouseholdIncome, Labour, Member, MemberChange, MemberChangeKind,
                     MemberStatus, Relation, Schooling, WorkStatus)

# The standard template, in order. (header, key)
COLUMNS: list[tuple[str, str]] = [
    ("户编号", "number"), ("县", "county"), ("乡镇", "township"), ("村", "village"), ("姓名", "name"),
    ("身份证号", "id_number"), ("与户主关系", "relation"), ("劳动能力", "labour"), ("健康状况", "health"),
    ("在校状况", "schooling"), ("务工状况", "work_status"), ("是否参加医保", "insured"),
    ("是否脱贫户", "formerly_poor"), ("脱贫年度", "exit_year"), ("联系电话", "phone"), ("收入年度", "income_year"),
    ("工资性收入", "wage_income"), ("生产经营性收入", "business_income"), ("财产性收入", "property_income"),
    ("转移性收入", "transfer_income"), ("生产经营性支出", "business_cost"), ("合规自付支出", "eligible_spending"),
    ("住房安全", "housing_safe"), ("饮水安全", "water_safe"),
]
HEADERS = [h for h, _ in COLUMNS]
HEADER_OF = {k: h for h, k in COLUMNS}
MONEY_KEYS = ("wage_income", "business_income", "property_income", "transfer_income", "business_cost",
              "eligible_spending")
# Read from the 户主 row; other rows must not contradict them.
HOUSEHOLD_KEYS = ("county", "township", "village", "formerly_poor", "exit_year", "phone", "income_year",
                  *MONEY_KEYS, "housing_safe", "water_safe")
HOUSEHOLD_FIELDS = ("village_id", "phone", "formerly_poor", "exit_year", "housing_safe", "water_safe",
                    "schooling_secured", "medical_insured")
MEMBER_FIELDS = ("name", "relation", "labour", "health", "schooling", "work_status", "insured")
BATCH = 2000

YES = {"是", "Y", "YES", "TRUE", "1", "有", "安全", "已参加", "参加", "√"}
NO = {"否", "N", "NO", "FALSE", "0", "无", "不安全", "未参加", "不参加", "×"}

_EXTRA_RELATIONS = {"本人": "head", "户主本人": "head", "妻": "spouse", "妻子": "spouse", "丈夫": "spouse",
                    "夫": "spouse", "子": "son", "儿子": "son", "长子": "son", "次子": "son", "女": "daughter",
                    "女儿": "daughter", "长女": "daughter", "次女": "daughter", "儿媳": "daughter_in_law",
                    "女婿": "son_in_law", "孙子": "grandson", "孙女": "granddaughter", "父亲": "father",
                    "父": "father", "母亲": "mother", "母": "mother", "兄": "sibling", "弟": "sibling",
                    "姐": "sibling", "妹": "sibling"}


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
    "schooling": _choice_map(Schooling, {"学前": "preschool", "义务教育": "compulsory", "在校生": "compulsory",
                                        "高中": "high_school", "中职": "high_school", "大学": "higher", "非在校": "not_in_school"}),
    "work_status": _choice_map(WorkStatus, {"无": "none", "否": "none", "省外": "out_of_province",
                                            "省内": "in_province", "县内": "in_county"}),
}
# Labels for the template's drop-down lists.
CHOICE_LABELS = {key: [str(label) for _, label in model.choices]
                 for key, model in (("relation", Relation), ("labour", Labour), ("health", Health),
                                    ("schooling", Schooling), ("work_status", WorkStatus))}


class Unreadable(Exception):
    """The file could not be read at all (exit code 2)."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ImportReport:
    committed: bool = False
    households: Counts = field(default_factory=Counts)
    members: Counts = field(default_factory=Counts)
    errors: list[dict] = field(default_factory=list)
    rows: int = 0
    skipped_households: int = 0
    household_ids: list[int] = field(default_factory=list)

    def error(self, row: int | None, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})

    def as_json(self) -> dict:
        """Exactly the CLI/API report: committed, households, members, errors."""
        return {"committed": self.committed, "households": self.households.as_dict(),
                "members": self.members.as_dict(),
                "errors": sorted(self.errors, key=lambda e: (e["row"] or 0, HEADERS.index(e["column"])
                                                              if e["column"] in HEADERS else 99))}


# --- reading -----------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return value.strip() if value.isascii() else unicodedata.normalize("NFKC", value).strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GBK/GB18030, detected."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise Unreadable("文件编码无法识别：CSV 文件须为 UTF-8 或 GBK/GB18030 编码") from None


def read_table(data: bytes, filename: str = "") -> list[tuple[int, list]]:
    """(file row number starting at 1, cell values) for every row of the first sheet."""
    name = filename.lower()
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith((".xlsx", ".xls")):
        import python_calamine

        try:
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = book.get_sheet_by_index(0)
            rows = sheet.to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises several types for corrupt files
            raise Unreadable(f"无法读取 Excel 文件：{exc}") from None
        return [(i + 1, list(r)) for i, r in enumerate(rows)]
    if not data.strip():
        raise Unreadable("文件是空的")
    if b"\x00" in data[:4096]:
        raise Unreadable("无法识别的文件格式：请上传 .xlsx、.xls 或 .csv 文件")
    text = decode_csv(data)
    return [(i + 1, r) for i, r in enumerate(csv.reader(io.StringIO(text)))]


def normalise_header(value) -> str:
    text = unicodedata.normalize("NFKC", _text(value))
    text = re.sub(r"\s+", "", text).replace("*", "").replace("＊", "")
    text = re.sub(r"\(.*?\)|\[.*?\]|【.*?】|〔.*?〕", "", text)
    return text


_HEADER_ALIASES = {"户号": "户编号", "家庭编号": "户编号", "身份证号码": "身份证号", "证件号码": "身份证号",
                   "公民身份号码": "身份证号", "县市区": "县", "县(市、区)": "县", "乡镇街道": "乡镇", "乡(镇)": "乡镇",
                   "行政村": "村", "村名": "村", "电话": "联系电话", "手机号": "联系电话", "是否参保": "是否参加医保"}


def find_header(rows: list[tuple[int, list]]) -> tuple[int, dict[str, int]]:
    """(index into rows of the header row, key -> column index). A title row above it is fine."""
    for idx, (_, cells) in enumerate(rows[:15]):
        names = [normalise_header(c) for c in cells]
        names = [_HEADER_ALIASES.get(n, n) for n in names]
        if "户编号" in names and "身份证号" in names:
            positions = {}
            for col, n in enumerate(names):
                for header, key in COLUMNS:
                    if n == header and key not in positions:
                        positions[key] = col
            return idx, positions
    raise Unreadable("找不到表头行：前15行中没有同时包含“户编号”和“身份证号”的行，请使用标准模板")


# --- parsing -----------------------------------------------------------------------------------

class CellError(ValueError):
    pass


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
    if not text:
        return Decimal("0")
    try:
        value = Decimal(text.replace(",", "").replace("元", "").strip())
    except InvalidOperation:
        raise CellError(f"“{text}”不是有效的金额") from None
    if not value.is_finite():
        raise CellError(f"“{text}”不是有效的金额")
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


def parse_number(text: str) -> str:
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
            raise CellError("身份证号末三位为“000”且校验码不正确，疑似被 Excel 当作数字截断（末几位已丢失）；"
                            "请把该列设为“文本”格式后重新填写") from None
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


def parse_row(row_no: int, cells: list, positions: dict[str, int]) -> Row:
    n = len(cells)
    raw = {key: (cells[col] if col < n else None) for key, col in positions.items()}
    text = {key: _text(v) for key, v in raw.items()}
    values: dict = {}
    errors: list[tuple[str, str]] = []
    try:
        values["number"] = parse_number(text.get("number", ""))
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


# --- the import --------------------------------------------------------------------------------

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


def _plan_household_values(head: Row, rows: list[Row]) -> dict:
    members = [r.values for r in rows]
    return {
        "phone": head.values.get("phone", ""),
        "formerly_poor": head.values.get("formerly_poor", False),
        "exit_year": head.values.get("exit_year"),
        "housing_safe": head.values.get("housing_safe", True),
        "water_safe": head.values.get("water_safe", True),
        "schooling_secured": all(m.get("schooling") != Schooling.DROPOUT for m in members),
        "medical_insured": all(m.get("insured", True) for m in members),
    }


def run_import(data: bytes, *, filename: str = "", actor=None, dry_run: bool = False, only_valid: bool = False,
               request=None, progress: Callable[[str, int, int], None] | None = None) -> ImportReport:
    """Validate and (unless ``dry_run`` or errors without ``only_valid``) commit. Raises Unreadable."""
    progress = progress or (lambda stage, done, total: None)
    report = ImportReport()
    table = read_table(data, filename)
    header_idx, positions = find_header(table)
    header_row = table[header_idx][0]
    missing = [h for h, k in COLUMNS if k not in positions]
    if missing:
        for h in missing:
            report.error(header_row, h, f"缺少“{h}”列，请使用标准模板")
        return report

    progress("校验", 0, len(table))
    rows: list[Row] = []
    for i, (row_no, cells) in enumerate(table[header_idx + 1:]):
        if all(_text(c) == "" for c in cells):
            continue  # blank rows are fine
        rows.append(parse_row(row_no, cells, positions))
        if i % 5000 == 0:
            progress("校验", i, len(table))
    report.rows = len(rows)
    bad: set[str] = set()  # household numbers with any error
    for r in rows:
        for column, message in r.errors:
            report.error(r.row, column, message)
        if r.errors and "number" in r.values:
            bad.add(r.values["number"])

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

    # Group by household.
    groups: dict[str, list[Row]] = {}
    for r in rows:
        if "number" in r.values:
            groups.setdefault(r.values["number"], []).append(r)

    index = _village_index()
    heads: dict[str, Row] = {}
    villages: dict[str, Region] = {}
    for number, members in groups.items():
        head_rows = [r for r in members if r.values.get("relation") == Relation.HEAD]
        if not head_rows:
            report.error(members[0].row, "与户主关系", f"户编号 {number} 没有户主：每户须有且只有一行“户主”")
            bad.add(number)
            continue
        if len(head_rows) > 1:
            for extra in head_rows[1:]:
                report.error(extra.row, "与户主关系",
                             f"户编号 {number} 有两个户主（第{head_rows[0].row}行和第{extra.row}行）")
            bad.add(number)
        head = heads[number] = head_rows[0]
        for r in members:
            if r is head:
                continue
            for key in HOUSEHOLD_KEYS:
                if key in r.given and key in r.values and key in head.values and r.values[key] != head.values[key]:
                    report.error(r.row, HEADER_OF[key],
                                 f"与同户户主行（第{head.row}行）的“{HEADER_OF[key]}”不一致")
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

    # Against the database: households by number, members by keyed hash.
    progress("比对", 0, len(groups))
    numbers = list(groups)
    existing_h: dict[str, Household] = {}
    for start in range(0, len(numbers), BATCH):
        for h in Household.objects.filter(number__in=numbers[start:start + BATCH]):
            existing_h[h.number] = h
    hashes = {r.values["id_number"]: idnumber.id_hash(r.values["id_number"])
              for r in rows if "id_number" in r.values}
    hash_list = list(set(hashes.values()))
    existing_m: dict[str, dict] = {}  # plain values: no model instances for 100,000 unchanged rows
    member_cols = ("pk", "id_hash", "id_masked", "household_id", "household__number", "household__village_id",
                   *MEMBER_FIELDS)
    for start in range(0, len(hash_list), BATCH):
        for m in Member.objects.filter(id_hash__in=hash_list[start:start + BATCH]).values(*member_cols):
            existing_m[m["id_hash"]] = m
    region_cache = {r.pk: r for r in Region.objects.filter(
        pk__in={h.village_id for h in existing_h.values()} | {m["household__village_id"] for m in existing_m.values()})}
    visible = None
    if actor is not None:
        visible = lambda village_id: scope.region_in_scope(actor, region_cache[village_id])  # noqa: E731
    for h in existing_h.values():
        h.village = region_cache[h.village_id]

    db_heads: dict[int, Member] = {}
    existing_ids = [h.pk for h in existing_h.values()]
    for start in range(0, len(existing_ids), BATCH):
        for m in Member.objects.filter(household_id__in=existing_ids[start:start + BATCH], relation=Relation.HEAD,
                                       status=MemberStatus.ACTIVE).only("pk", "name", "id_hash", "household_id"):
            db_heads[m.household_id] = m
    for number, members in groups.items():
        h = existing_h.get(number)
        head = heads.get(number)
        if h is not None and head is not None:
            if visible is not None and not visible(h.village_id):
                report.error(head.row, "户编号", f"户编号 {number} 已被您数据权限范围外的农户使用")
                bad.add(number)
                continue
            village = villages.get(number)
            if village is not None and village.pk != h.village_id:
                report.error(head.row, "村", f"户编号 {number} 已登记在“{h.village.name}”，与本行的村不一致")
                bad.add(number)
        for r in members:
            n = r.values.get("id_number")
            if n is None:
                continue
            m = existing_m.get(hashes[n])
            if m is not None and m["household__number"] != number:
                where = (f"户编号 {m['household__number']}" if visible is None or visible(m["household__village_id"])
                         else "其他地区的农户")
                report.error(r.row, "身份证号", f"该身份证号已登记在{where} 中；成员迁户请办理“户间迁移”")
                bad.add(number)
        if h is not None and head is not None and "id_number" in head.values:
            db_head = db_heads.get(h.pk)
            if db_head is not None and db_head.id_hash != hashes[head.values["id_number"]]:
                report.error(head.row, "与户主关系",
                             f"该户在系统中的户主是{db_head.name}；更换户主请先办理成员变动（死亡、迁出）")
                bad.add(number)

    # The plan for the households without errors.
    good = [n for n in groups if n not in bad and n in heads and n in villages]
    report.skipped_households = len(groups) - len(good)
    now = timezone.now()
    new_h: list[dict] = []  # column values of new households
    changed_h: list[tuple[Household, dict]] = []
    new_m: list[dict] = []  # column values of new members (+ "_number", "_plain")
    changed_m: list[tuple[Member, dict]] = []
    incomes: list[tuple[str, dict]] = []
    existing_income: dict[tuple[int, int], HouseholdIncome] = {}
    known_ids = [existing_h[n].pk for n in good if n in existing_h]
    for start in range(0, len(known_ids), BATCH):
        for inc in HouseholdIncome.objects.filter(household_id__in=known_ids[start:start + BATCH]):
            existing_income[(inc.household_id, inc.year)] = inc

    for number in good:
        members, head = groups[number], heads[number]
        values = _plan_household_values(head, members)
        values["village_id"] = villages[number].pk
        h = existing_h.get(number)
        h_changed = False
        if h is None:
            new_h.append({"number": number, "created_at": now, "updated_at": now, **values})
            report.households.created += 1
        else:
            before = {f: getattr(h, f) for f in HOUSEHOLD_FIELDS}
            if before != values:
                changed_h.append((h, before))
                for f, v in values.items():
                    setattr(h, f, v)
                h.updated_at = now
                h_changed = True
        year = head.values.get("income_year")
        if year:
            amounts = {k: head.values[k] for k in MONEY_KEYS}
            old = existing_income.get((h.pk, year)) if h is not None else None
            if old is None or any(getattr(old, k) != v for k, v in amounts.items()):
                incomes.append((number, {"year": year, **amounts, "_before": old}))
                h_changed = h_changed or h is not None
        if h is not None:
            if h_changed:
                report.households.updated += 1
            else:
                report.households.unchanged += 1
        for r in members:
            n = r.values["id_number"]
            digest = hashes[n]
            mv = {f: r.values[f] for f in MEMBER_FIELDS}
            m = existing_m.get(digest)
            if m is None:
                new_m.append({**mv, "id_hash": digest, "id_masked": idnumber.mask(n), "sex": idnumber.sex(n),
                              "birth_date": idnumber.birth_date(n), "_number": number, "_plain": n})
                report.members.created += 1
            else:
                before = {f: m[f] for f in MEMBER_FIELDS}
                if before != mv:
                    changed_m.append((Member(pk=m["pk"], household_id=m["household_id"], id_masked=m["id_masked"],
                                             **mv), before))
                    report.members.updated += 1
                else:
                    report.members.unchanged += 1

    if dry_run or (report.errors and not only_valid) or not good:
        return report
    if not (new_h or changed_h or new_m or changed_m or incomes):
        report.committed = True  # nothing differs: re-importing the same file is a no-op
        audit.event_log(action="import", actor=actor, request=request,
                        extra={"file": filename, **report.as_json(), "errors": report.errors[:100]})
        return report
    _write(report=report, actor=actor, request=request, filename=filename, now=now, new_h=new_h,
           changed_h=changed_h, new_m=new_m, changed_m=changed_m, incomes=incomes, existing_h=existing_h,
           good=good, progress=progress)
    return report


def _write(*, report, actor, request, filename, now, new_h, changed_h, new_m, changed_m, incomes, existing_h, good,
           progress) -> None:
    from zhenxing.lib import bulk
    from .services import household_recompute

    total = len(new_h) + len(changed_h) + len(new_m) + len(changed_m) + len(incomes)
    done = 0
    with transaction.atomic(), acting(actor), bulk_logged():
        progress("写入农户", done, total)
        bulk.insert_rows(Household, new_h)
        done += len(new_h)
        ids: dict[str, int] = {n: h.pk for n, h in existing_h.items()}
        ids.update({h["number"]: h["id"] for h in new_h})
        if changed_h:
            Household.objects.bulk_update([h for h, _ in changed_h], [*HOUSEHOLD_FIELDS, "updated_at"],
                                          batch_size=BATCH)
            done += len(changed_h)
        progress("写入成员", done, total)
        fernet = idnumber.fernet()
        for m in new_m:
            m["household_id"] = ids[m["_number"]]
            m["id_cipher"] = fernet.encrypt(m["_plain"].encode()).decode()
        for start in range(0, len(new_m), 20000):
            bulk.insert_rows(Member, new_m[start:start + 20000])
            done += len(new_m[start:start + 20000])
            progress("写入成员", done, total)
        if changed_m:
            Member.objects.bulk_update([m for m, _ in changed_m], list(MEMBER_FIELDS), batch_size=BATCH)
            done += len(changed_m)
        today = dt.date.today()
        reason = f"批量导入：{filename}"[:200]
        recorder = actor.pk if actor is not None and actor.pk else None
        bulk.insert_rows(MemberChange, [{"member_id": m["id"], "kind": MemberChangeKind.JOIN,
                                         "household_id": m["household_id"], "from_household_id": None, "date": today,
                                         "reason": reason, "recorded_by_id": recorder, "recorded_at": now}
                                        for m in new_m])
        fresh = [{"household_id": ids[number], "year": v["year"], **{k: v[k] for k in MONEY_KEYS}}
                 for number, v in incomes if v["_before"] is None]
        bulk.insert_rows(HouseholdIncome, fresh)
        changed_incomes = []
        for number, v in incomes:
            if v["_before"] is not None:
                for k in MONEY_KEYS:
                    setattr(v["_before"], k, v[k])
                changed_incomes.append((number, v))
        HouseholdIncome.objects.bulk_update([v["_before"] for _, v in changed_incomes], list(MONEY_KEYS),
                                            batch_size=BATCH)
        done += len(incomes)
        progress("汇总", done, total)
        touched = [ids[n] for n in good]
        household_recompute(touched)
        report.household_ids = touched

        # Set-based audit (COPY on PostgreSQL): one entry for every record created or changed.
        counts: dict[int, int] = {}
        for m in new_m:
            counts[m["household_id"]] = counts.get(m["household_id"], 0) + 1
        extra = {"import": filename}
        keep = ("number", "village_id", "phone", "formerly_poor", "exit_year", "housing_safe", "schooling_secured",
                "medical_insured", "water_safe")
        audit.bulk_change_log(model=Household, extra=extra, rows=(
            [(h["id"], h["number"], "create", None, {**{k: h[k] for k in keep}, "members": counts.get(h["id"], 0)})
             for h in new_h]
            + [(h.pk, str(h), "update", {k: b[k] for k in b if b[k] != getattr(h, k)},
                {k: getattr(h, k) for k in b if b[k] != getattr(h, k)}) for h, b in changed_h]))
        audit.bulk_change_log(model=Member, extra=extra, rows=(
            [(m["id"], f"{m['name']}（{m['id_masked']}）", "create", None,
              {k: m[k] for k in ("household_id", *MEMBER_FIELDS, "id_masked", "sex", "birth_date")})
             for m in new_m]
            + [(m.pk, str(m), "update", {k: b[k] for k in b if b[k] != getattr(m, k)},
                {k: getattr(m, k) for k in b if b[k] != getattr(m, k)}) for m, b in changed_m]))
        audit.bulk_change_log(model=HouseholdIncome, extra=extra, rows=(
            [(i["id"], f"{i['household_id']} {i['year']}年收入", "create", None, i) for i in fresh]
            + [(v["_before"].pk, f"{number} {v['year']}年收入", "update", None, {k: v[k] for k in MONEY_KEYS})
               for number, v in changed_incomes]))
        report.committed = True
        audit.event_log(action="import", actor=actor, request=request,
                        extra={"file": filename, **report.as_json(), "errors": report.errors[:100],
                               "skipped_households": report.skipped_households})
    progress("完成", total, total)


def report_xlsx(report: ImportReport, path_or_buffer) -> None:
    """The import report as .xlsx: a summary and every error with row, column and message."""
    from zhenxing.lib.xlsx import Column, Sheet, workbook_bytes

    data = report.as_json()
    summary = Sheet(title="农户导入结果", name="导入结果",
                    subtitle="已提交" if data["committed"] else "未提交（数据库未作任何修改）",
                    columns=[Column("项目", 30), "新增", "修改", "未变"],
                    rows=[["农户", *data["households"].values()], ["成员", *data["members"].values()]])
    errors = Sheet(title="错误清单", name="错误清单", columns=[Column("行号", 8), Column("列", 16), Column("问题", 80)],
                   rows=[[e["row"], e["column"], e["message"]] for e in data["errors"]])
    content = workbook_bytes(summary, errors)
    if hasattr(path_or_buffer, "write"):
        path_or_buffer.write(content)
    else:
        Path(path_or_buffer).write_bytes(content)

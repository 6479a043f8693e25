"""The ledgers as .xlsx in the layout offices exchange (title, unit, date, numbered rows, merged
section headings), and the importer that reads the key-task layout back into a year's ledger."""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

import xlsxwriter
from django.utils import timezone

from .models import Rhythm, TaskKind, TaskStatus, cn_number

TASK_HEADERS = ["序号", "重点任务", "工作措施（验收清单）", "牵头单位", "责任单位", "完成时限", "报送频次", "落实情况"]
TASK_WIDTHS = [7, 26, 70, 14, 30, 13, 9, 26]
MECHANISM_HEADING = "推进机制"
RHYTHM_BY_LABEL = {str(label): value for value, label in Rhythm.choices}


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class _Book:
    def __init__(self, sheet_name: str, widths: list[int]):
        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {"in_memory": True})
        self.ws = self.wb.add_worksheet(sheet_name)
        self.ncols = len(widths)
        for i, w in enumerate(widths):
            self.ws.set_column(i, i, w)
        f = self.wb.add_format
        self.title = f({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter", "font_name": "宋体"})
        self.meta = f({"font_size": 11, "align": "left", "font_name": "宋体"})
        self.head = f({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#D9E1F2",
                       "text_wrap": True, "font_name": "宋体"})
        self.section = f({"bold": True, "border": 1, "align": "left", "valign": "vcenter", "bg_color": "#F2F2F2",
                          "font_name": "宋体"})
        self.cell = f({"border": 1, "valign": "top", "text_wrap": True, "font_name": "宋体"})
        self.center = f({"border": 1, "valign": "top", "align": "center", "text_wrap": True, "font_name": "宋体"})
        self.date = f({"border": 1, "valign": "top", "align": "center", "num_format": "yyyy-mm-dd", "font_name": "宋体"})
        self.num = f({"border": 1, "valign": "top", "num_format": "0.00", "font_name": "宋体"})
        self.row = 0

    def header(self, title: str, unit: str, headers: list[str], as_of: dt.date | None = None) -> None:
        last = self.ncols - 1
        self.ws.merge_range(0, 0, 0, last, title, self.title)
        self.ws.set_row(0, 30)
        self.ws.merge_range(1, 0, 1, last, f"填报单位：{unit}　　　　日期：{_cn_date(as_of or timezone.localdate())}",
                            self.meta)
        for i, h in enumerate(headers):
            self.ws.write(2, i, h, self.head)
        self.ws.freeze_panes(3, 0)
        self.row = 3

    def section_row(self, text: str) -> None:
        self.ws.merge_range(self.row, 0, self.row, self.ncols - 1, text, self.section)
        self.row += 1

    def close(self) -> bytes:
        self.ws.repeat_rows(2)
        self.ws.set_landscape()
        self.ws.fit_to_pages(1, 0)
        self.wb.close()
        return self.buf.getvalue()


def ledger_xlsx(ledger, tasks, progress: dict[int, str], unit: str) -> bytes:
    """``tasks``: the ledger's tasks (with units and checklist); ``progress``: task id -> 落实情况 text."""
    book = _Book(f"{ledger.year}年重点任务台账", TASK_WIDTHS)
    book.header(ledger.title, unit, TASK_HEADERS)
    current_section = None
    mechanisms_started = False
    for t in tasks:
        if t.kind == TaskKind.TASK and t.section != current_section:
            current_section = t.section
            book.section_row(f"（{cn_number(t.section)}）{ledger.section_title(t.section)}")
        if t.kind == TaskKind.MECHANISM and not mechanisms_started:
            mechanisms_started = True
            book.section_row(MECHANISM_HEADING)
        r = book.row
        ws = book.ws
        ws.write(r, 0, t.number if t.kind == TaskKind.TASK else f"（{cn_number(t.number)}）", book.center)
        ws.write(r, 1, t.title, book.cell)
        ws.write(r, 2, "\n".join(f"{c.number}. {c.text}" for c in t.checklist.all()), book.cell)
        ws.write(r, 3, t.lead_unit.name if t.lead_unit else "", book.center)
        ws.write(r, 4, "、".join(u.name for u in t.responsible_units.all()), book.cell)
        ws.write_datetime(r, 5, dt.datetime.combine(t.deadline, dt.time()), book.date)
        ws.write(r, 6, t.get_rhythm_display(), book.center)
        ws.write(r, 7, progress.get(t.pk, ""), book.cell)
        book.row += 1
    return book.close()


def assignment_progress(assignments, as_of: dt.date) -> dict[int, str]:
    """Task id -> "已销号 2/4；逾期 1" (or the one county's status when only one is in view)."""
    by_task: dict[int, list] = {}
    for a in assignments:
        by_task.setdefault(a.task_id, []).append(a)
    out = {}
    for task_id, rows in by_task.items():
        if len(rows) == 1:
            out[task_id] = rows[0].status_label(as_of)
            continue
        closed = sum(1 for a in rows if a.status == TaskStatus.CLOSED)
        overdue = sum(1 for a in rows if a.effective_status(as_of) == TaskStatus.OVERDUE)
        out[task_id] = f"已销号 {closed}/{len(rows)}" + (f"；逾期 {overdue}" if overdue else "")
    return out


# ---------------------------------------------------------------- importer


@dataclass
class RowError:
    row: int  # 1-based, as Excel shows it
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}列：{self.message}"


@dataclass
class ParsedLedger:
    data: dict | None
    errors: list[RowError] = field(default_factory=list)


SECTION_RE = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]\s*(.+)$")
MEASURE_RE = re.compile(r"^\s*(\d+)[.、．]\s*")
YEAR_RE = re.compile(r"(20\d\d)年")
COLS = "ABCDEFGH"


def _cn_to_int(s: str) -> int:
    numerals = "一二三四五六七八九十"
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + numerals.index(s[1]) + 1
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (numerals.index(tens) + 1) * 10 + (numerals.index(ones) + 1 if ones else 0)
    return numerals.index(s) + 1


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _date(v) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = _text(v)
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


def read_rows(content: bytes) -> list[list]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return wb.get_sheet_by_index(0).to_python(skip_empty_area=False)


def parse_ledger(rows: list[list], *, year: int | None = None) -> ParsedLedger:
    """Rows of the key-task layout -> the dict ``services.ledger_build`` takes, or errors."""
    errors: list[RowError] = []
    if len(rows) < 4:
        return ParsedLedger(None, [RowError(1, "A", "文件内容不完整：缺少标题、表头或任务行")])
    title = _text(rows[0][0] if rows[0] else "")
    if year is None:
        m = YEAR_RE.search(title)
        if not m:
            errors.append(RowError(1, "A", "标题中未找到年度（如“2022年”），请在导入时指定年度"))
            return ParsedLedger(None, errors)
        year = int(m.group(1))
    header = [_text(c) for c in rows[2][:len(TASK_HEADERS)]]
    if header != TASK_HEADERS:
        return ParsedLedger(None, [RowError(3, "A", "表头与台账格式不符，应为：" + "、".join(TASK_HEADERS))])
    sections, tasks, mechanisms = [], [], []
    section = None
    in_mechanisms = False
    for i, raw in enumerate(rows[3:], start=4):
        row = [_text(c) for c in (list(raw) + [""] * 8)[:8]]
        cells = [raw[j] if j < len(raw) else None for j in range(8)]
        if not any(row):
            continue
        if not any(row[1:]):  # a merged heading
            if row[0] == MECHANISM_HEADING:
                in_mechanisms = True
                continue
            m = SECTION_RE.match(row[0])
            if not m or in_mechanisms:
                errors.append(RowError(i, "A", f"无法识别的分类标题“{row[0]}”"))
                continue
            section = _cn_to_int(m.group(1))
            sections.append({"number": section, "title": m.group(2).strip()})
            continue
        if in_mechanisms:
            m = SECTION_RE.match(row[0]) or re.match(r"^[（(]?([一二三四五六七八九十]+)[）)]?$", row[0])
            number = _cn_to_int(m.group(1)) if m else None
        else:
            number = int(row[0]) if row[0].isdigit() else None
            if section is None:
                errors.append(RowError(i, "A", "任务行之前缺少分类标题"))
        if number is None:
            errors.append(RowError(i, "A", f"序号“{row[0]}”无效"))
            continue
        if not row[1]:
            errors.append(RowError(i, "B", "重点任务不能为空"))
        measures = []
        for line in row[2].splitlines():
            if not line.strip():
                continue
            if MEASURE_RE.match(line):
                measures.append(MEASURE_RE.sub("", line, count=1).strip())
            elif measures:
                measures[-1] += line.strip()
            else:
                measures.append(line.strip())
        if not measures:
            errors.append(RowError(i, "C", "工作措施（验收清单）不能为空"))
        if not row[3]:
            errors.append(RowError(i, "D", "牵头单位不能为空"))
        deadline = _date(cells[5])
        if deadline is None:
            errors.append(RowError(i, "F", f"完成时限“{row[5]}”不是有效日期"))
        rhythm = RHYTHM_BY_LABEL.get(row[6] or "每月")
        if rhythm is None:
            errors.append(RowError(i, "G", f"报送频次应为：{'、'.join(RHYTHM_BY_LABEL)}"))
        entry = {"number": number, "title": row[1], "text": "", "measures": measures, "lead_unit": row[3],
                 "responsible_units": [u.strip() for u in re.split(r"[、,，;；]", row[4]) if u.strip()],
                 "deadline": deadline.isoformat() if deadline else None, "rhythm": rhythm or "monthly",
                 "milestones": []}
        if in_mechanisms:
            mechanisms.append(entry)
        else:
            entry["section"] = section
            tasks.append(entry)
    seen = set()
    for t in tasks:
        if t["number"] in seen:
            errors.append(RowError(0, "A", f"任务序号 {t['number']} 重复"))
        seen.add(t["number"])
    if not tasks and not errors:
        errors.append(RowError(4, "A", "没有任务行"))
    if errors:
        return ParsedLedger(None, errors)
    return ParsedLedger({"year": year, "title": title, "document": "", "deadline": f"{year}-12-31",
                         "sections": sections, "tasks": tasks, "mechanisms": mechanisms}, [])


# ---------------------------------------------------------------- rectification and assessment exports

ITEM_HEADERS = ["序号", "所在区划", "农户", "问题来源", "问题描述", "发现日期", "责任单位", "责任人", "整改时限",
                "整改措施", "状态", "销号日期", "回头看结果"]
ITEM_WIDTHS = [6, 24, 16, 14, 40, 12, 16, 10, 12, 30, 12, 12, 20]


def items_xlsx(items, *, title: str, unit: str, as_of: dt.date) -> bytes:
    """Items grouped by type, each type a merged section heading, rows numbered within it."""
    from zhenxing.regions.models import Region

    book = _Book("整改台账", ITEM_WIDTHS)
    book.header(title, unit, ITEM_HEADERS, as_of)
    names = dict(Region.objects.filter(depth__gte=2).values_list("code", "name"))  # county and below: one query

    def place(region) -> str:
        return "".join(names[c] for c in region.path.split("/") if c in names)

    current = None
    n = 0
    for it in items:
        if it.type_id != current:
            current = it.type_id
            n = 0
            book.section_row(it.type.name)
        n += 1
        r = book.row
        ws = book.ws
        ws.write(r, 0, n, book.center)
        ws.write(r, 1, place(it.region), book.cell)
        ws.write(r, 2, str(it.household.number) if it.household_id else "", book.cell)
        ws.write(r, 3, it.get_source_display() + (f"（{it.source_label}）" if it.source_label else ""), book.cell)
        ws.write(r, 4, it.problem, book.cell)
        ws.write_datetime(r, 5, dt.datetime.combine(it.found_on, dt.time()), book.date)
        ws.write(r, 6, it.responsible_unit.name if it.responsible_unit_id else "", book.cell)
        ws.write(r, 7, it.responsible_person, book.cell)
        ws.write_datetime(r, 8, dt.datetime.combine(it.deadline, dt.time()), book.date)
        ws.write(r, 9, it.measures, book.cell)
        status = it.get_status_display() + ("（逾期）" if it.is_overdue(as_of) else "")
        ws.write(r, 10, status, book.center)
        if it.closed_on:
            ws.write_datetime(r, 11, dt.datetime.combine(it.closed_on, dt.time()), book.date)
        else:
            ws.write(r, 11, "", book.cell)
        ws.write(r, 12, it.recheck_result, book.cell)
        book.row += 1
    return book.close()


def assessment_xlsx(scheme, indicators, results) -> bytes:
    headers = ["名次", "县（市、区）"] + [f"{i.order}. {i.name}（{i.weight}分）" for i in indicators] + ["总分"]
    book = _Book("考核结果", [6, 14] + [16] * len(indicators) + [10])
    book.header(scheme.title, scheme.region.name, headers, scheme.as_of)
    book.section_row("得分")
    for r in results:
        scores = {s.indicator_id: s for s in r.scores.all()}
        book.ws.write(book.row, 0, r.rank, book.center)
        book.ws.write(book.row, 1, r.county.name, book.cell)
        for j, ind in enumerate(indicators, start=2):
            s = scores.get(ind.pk)
            if s is not None and s.score is not None:
                book.ws.write_number(book.row, j, float(s.score), book.num)
            else:
                book.ws.write(book.row, j, "", book.cell)
        book.ws.write_number(book.row, len(indicators) + 2, float(r.total), book.num)
        book.row += 1
    book.section_row("指标值及依据")
    for r in results:
        scores = {s.indicator_id: s for s in r.scores.all()}
        book.ws.write(book.row, 0, "", book.cell)
        book.ws.write(book.row, 1, r.county.name, book.cell)
        for j, ind in enumerate(indicators, start=2):
            s = scores.get(ind.pk)
            text = ""
            if s is not None:
                if ind.computed:
                    value = "—" if s.value is None else (f"{float(s.value) * 100:.1f}%" if ind.unit == "%" else
                                                          f"{s.value.normalize()}{ind.unit}")
                    ratio = f"（{s.numerator}/{s.denominator}）" if s.denominator else ""
                    text = f"{value}{ratio} {s.note}".strip()
                else:
                    text = s.evidence
            book.ws.write(book.row, j, text, book.cell)
        book.ws.write(book.row, len(indicators) + 2, "", book.cell)
        book.row += 1
    return book.close()

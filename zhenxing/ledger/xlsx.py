"""The ledgers as .xlsx in the layout offices exchange (title, unit, date, numbered rows, merged
section headings), and the importer that reads the key-task layout back into a year's ledger."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import timezone

from zhenxing.lib import tabular
from zhenxing.lib.tabular import RowError
from zhenxing.lib.xlsx import Column, Heading, Sheet, workbook_bytes

from .models import Rhythm, TaskKind, TaskStatus, cn_number

TASK_HEADERS = ["序号", "重点任务", "工作措施（验收清单）", "牵头单位", "责任单位", "完成时限", "报送频次", "落实情况"]
TASK_WIDTHS = [7, 26, 70, 14, 30, 13, 9, 26]
TASK_CENTERED = {0, 3, 5, 6}
TASK_COLUMNS = [
    Column(h, w, center=i in TASK_CENTERED) for i, (h, w) in enumerate(zip(TASK_HEADERS, TASK_WIDTHS, strict=False))
]
MECHANISM_HEADING = "推进机制"
RHYTHM_BY_LABEL = {str(label): value for value, label in Rhythm.choices}


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _sheet(name: str, title: str, unit: str, columns, rows, as_of: dt.date | None = None) -> Sheet:
    return Sheet(
        name=name,
        title=title,
        subtitle=f"填报单位：{unit}　　　　日期：{_cn_date(as_of or timezone.localdate())}",
        columns=columns,
        rows=rows,
        landscape=True,
    )


def ledger_sheet(ledger, tasks, progress: dict[int, str], unit: str) -> Sheet:
    """``tasks``: the ledger's tasks (with units and checklist); ``progress``: task id -> 落实情况 text."""

    def rows():
        current_section = None
        mechanisms_started = False
        for t in tasks:
            if t.kind == TaskKind.TASK and t.section != current_section:
                current_section = t.section
                yield Heading(f"（{cn_number(t.section)}）{ledger.section_title(t.section)}")
            if t.kind == TaskKind.MECHANISM and not mechanisms_started:
                mechanisms_started = True
                yield Heading(MECHANISM_HEADING)
            yield [
                t.number if t.kind == TaskKind.TASK else f"（{cn_number(t.number)}）",
                t.title,
                "\n".join(f"{c.number}. {c.text}" for c in t.checklist.all()),
                t.lead_unit.name if t.lead_unit else "",
                "、".join(u.name for u in t.responsible_units.all()),
                t.deadline,
                t.get_rhythm_display(),
                progress.get(t.pk, ""),
            ]

    return _sheet(f"{ledger.year}年重点任务台账", ledger.title, unit, TASK_COLUMNS, rows())


def ledger_xlsx(ledger, tasks, progress: dict[int, str], unit: str) -> bytes:
    return workbook_bytes(ledger_sheet(ledger, tasks, progress, unit))


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


def _date(v) -> dt.date | None:
    try:
        return tabular.cell_date(v)
    except tabular.CellError:
        return None


def read_rows(content: bytes) -> list[list]:
    """The first sheet's rows (the tabular reader; raises tabular.Unreadable)."""
    return tabular.read_sheet(content)


def parse_ledger(rows: list[list], *, year: int | None = None) -> ParsedLedger:
    """Rows of the key-task layout -> the dict ``services.ledger_build`` takes, or errors."""
    errors: list[RowError] = []
    if len(rows) < 4:
        return ParsedLedger(None, [RowError(1, "A", "文件内容不完整：缺少标题、表头或任务行")])
    title = tabular.cell_text(rows[0][0] if rows[0] else "")
    if year is None:
        m = YEAR_RE.search(title)
        if not m:
            errors.append(RowError(1, "A", "标题中未找到年度（如“2022年”），请在导入时指定年度"))
            return ParsedLedger(None, errors)
        year = int(m.group(1))
    header = [tabular.cell_text(c) for c in rows[2][: len(TASK_HEADERS)]]
    if header != TASK_HEADERS:
        return ParsedLedger(None, [RowError(3, "A", "表头与台账格式不符，应为：" + "、".join(TASK_HEADERS))])
    sections, tasks, mechanisms = [], [], []
    section = None
    in_mechanisms = False
    for i, raw in enumerate(rows[3:], start=4):
        row = [tabular.cell_text(c) for c in (list(raw) + [""] * 8)[:8]]
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
        entry = {
            "number": number,
            "title": row[1],
            "text": "",
            "measures": measures,
            "lead_unit": row[3],
            "responsible_units": [u.strip() for u in re.split(r"[、,，;；]", row[4]) if u.strip()],
            "deadline": deadline.isoformat() if deadline else None,
            "rhythm": rhythm or "monthly",
            "milestones": [],
        }
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
    return ParsedLedger(
        {
            "year": year,
            "title": title,
            "document": "",
            "deadline": f"{year}-12-31",
            "sections": sections,
            "tasks": tasks,
            "mechanisms": mechanisms,
        },
        [],
    )


# ---------------------------------------------------------------- rectification and assessment exports

ITEM_HEADERS = [
    "序号",
    "所在区划",
    "农户",
    "问题来源",
    "问题描述",
    "发现日期",
    "责任单位",
    "责任人",
    "整改时限",
    "整改措施",
    "状态",
    "销号日期",
    "回头看结果",
]
ITEM_WIDTHS = [6, 24, 16, 14, 40, 12, 16, 10, 12, 30, 12, 12, 20]


ITEM_CENTERED = {0, 5, 8, 10, 11}
ITEM_COLUMNS = [
    Column(h, w, "text" if i == 2 else "", center=i in ITEM_CENTERED)
    for i, (h, w) in enumerate(zip(ITEM_HEADERS, ITEM_WIDTHS, strict=False))
]


def items_sheet(items, *, title: str, unit: str, as_of: dt.date) -> Sheet:
    """Items grouped by type, each type a merged section heading, rows numbered within it."""
    from zhenxing.regions.models import Region

    names = dict(Region.objects.filter(depth__gte=2).values_list("code", "name"))  # county and below: one query

    def place(region) -> str:
        return "".join(names[c] for c in region.path.split("/") if c in names)

    def rows():
        current = None
        n = 0
        for it in items:
            if it.type_id != current:
                current = it.type_id
                n = 0
                yield Heading(it.type.name)
            n += 1
            yield [
                n,
                place(it.region),
                str(it.household.number) if it.household_id else "",
                it.get_source_display() + (f"（{it.source_label}）" if it.source_label else ""),
                it.problem,
                it.found_on,
                it.responsible_unit.name if it.responsible_unit_id else "",
                it.responsible_person,
                it.deadline,
                it.measures,
                it.get_status_display() + ("（逾期）" if it.is_overdue(as_of) else ""),
                it.closed_on,
                it.recheck_result,
            ]

    return _sheet("整改台账", title, unit, ITEM_COLUMNS, rows(), as_of)


def assessment_sheet(scheme, indicators, results) -> Sheet:
    columns = (
        [Column("名次", 6, center=True), Column("县（市、区）", 14)]
        + [Column(f"{i.order}. {i.name}（{i.weight}分）", 16, "decimal") for i in indicators]
        + [Column("总分", 10, "decimal")]
    )

    def rows():
        yield Heading("得分")
        for r in results:
            scores = {s.indicator_id: s for s in r.scores.all()}
            yield (
                [r.rank, r.county.name]
                + [
                    float(s.score) if s is not None and s.score is not None else ""
                    for s in (scores.get(ind.pk) for ind in indicators)
                ]
                + [float(r.total)]
            )
        yield Heading("指标值及依据")
        for r in results:
            scores = {s.indicator_id: s for s in r.scores.all()}
            texts = []
            for ind in indicators:
                s = scores.get(ind.pk)
                text = ""
                if s is not None:
                    if ind.computed:
                        value = (
                            "—"
                            if s.value is None
                            else (
                                f"{float(s.value) * 100:.1f}%"
                                if ind.unit == "%"
                                else f"{s.value.normalize()}{ind.unit}"
                            )
                        )
                        ratio = f"（{s.numerator}/{s.denominator}）" if s.denominator else ""
                        text = f"{value}{ratio} {s.note}".strip()
                    else:
                        text = s.evidence
                texts.append(text)
            yield ["", r.county.name, *texts, ""]

    return _sheet("考核结果", scheme.title, scheme.region.name, columns, rows(), scheme.as_of)

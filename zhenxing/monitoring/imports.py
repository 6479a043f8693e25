"""Monitored households' history, imported with the households (issue 22, item 3).

A national-monitoring-system export carries, beside each person, the household's 监测对象类别,
风险类型, 识别监测时间, 风险是否已消除 and 风险消除时间. When a household import reads such a file
(through a column mapping), the registry asks the apps above it (``households_imported``, the
``imports`` hook of lib/modules) and this module opens each monitored household's case in 监测中 or
风险已消除, dated as the export says, with one timeline entry 历史数据导入 naming the file and row:
the case's history before the system is marked as imported, never invented. A household whose case
is already in the system is left as it is (a re-import changes nothing). Errors name the source
file's row and column and roll the whole import back."""

from __future__ import annotations

import datetime as dt
import re

from zhenxing.accounts import scope
from zhenxing.lib.mapping import ImportKind
from zhenxing.lib.tabular import CellError, Layout, Unreadable, cell_date, cell_text, read_table
from zhenxing.registry.models import Household, MonitoringKind, MonitoringStatus

from .models import RISK_TYPES, Channel, MonitoringCase

HEADERS = ["户编号", "监测对象类别", "风险类型", "识别监测时间", "风险是否已消除", "风险消除时间"]
LAYOUT = Layout(
    headers=HEADERS,
    aliases={
        "监测类型": "监测对象类别",
        "纳入监测时间": "识别监测时间",
        "识别时间": "识别监测时间",
        "是否风险消除": "风险是否已消除",
        "风险是否消除": "风险是否已消除",
        "风险消除日期": "风险消除时间",
        "致贫返贫风险类型": "风险类型",
    },
)
IMPORT_KINDS = [ImportKind("monitoring.history", "监测对象历史信息", LAYOUT)]
KIND_BY_LABEL = {str(label): value for value, label in MonitoringKind.choices}
RISK_BY_LABEL = {label: code for code, label in RISK_TYPES.items()}
YES = {"是", "1", "Y", "已消除"}
NO = {"否", "0", "N", "未消除", ""}
IMPORTED = "historical_import"


def _risks(text: str) -> list[str]:
    codes = []
    for part in re.split(r"[、,，;；/\s]+", text):
        if not part:
            continue
        code = part if part in RISK_TYPES else RISK_BY_LABEL.get(part) or RISK_BY_LABEL.get(f"因{part}")
        if code is None:
            raise CellError(f"“{part}”不是风险类型（国家代码表 100A27，如 因病、因学、因残）")
        codes.append(code)
    return list(dict.fromkeys(codes))


def _entries(table, report) -> dict[str, dict]:
    """One entry per monitored household (the first row naming its category); rows without a
    category are members of unmonitored households."""
    out: dict[str, dict] = {}
    seen: set[str] = set()  # a household's category is read once, from its first row naming one
    name = table.source_name
    for row_no, v in table.records():
        number = cell_text(v.get("户编号"))
        kind_text = cell_text(v.get("监测对象类别"))
        if not number or not kind_text or number in seen:
            continue
        seen.add(number)
        entry = {"row": row_no, "number": number}
        try:
            entry["kind"] = KIND_BY_LABEL[kind_text]
        except KeyError:
            report.error(
                row_no,
                name("监测对象类别"),
                f"“{kind_text}”不是监测对象类别（脱贫不稳定户、边缘易致贫户、突发严重困难户）",
            )
            continue
        for header, key, parse in (
            ("风险类型", "risks", lambda x: _risks(cell_text(x))),
            ("识别监测时间", "identified_on", cell_date),
            ("风险消除时间", "eliminated_on", cell_date),
        ):
            try:
                entry[key] = parse(v.get(header))
            except CellError as exc:
                report.error(row_no, name(header), str(exc))
                entry = None
                break
        if entry is None:
            continue
        done = cell_text(v.get("风险是否已消除"))
        if done not in YES | NO:
            report.error(row_no, name("风险是否已消除"), f"“{done}”应为 是 或 否")
            continue
        entry["eliminated"] = done in YES
        problem = None
        if entry["identified_on"] is None:
            problem = ("识别监测时间", "监测对象须填写识别监测时间")
        elif not entry["risks"]:
            problem = ("风险类型", "监测对象须填写风险类型")
        elif entry["eliminated"] and entry["eliminated_on"] is None:
            problem = ("风险消除时间", "风险已消除的须填写风险消除时间")
        elif entry["eliminated_on"] and entry["eliminated_on"] < entry["identified_on"]:
            problem = ("风险消除时间", "风险消除时间早于识别监测时间")
        elif max(entry["identified_on"], entry["eliminated_on"] or entry["identified_on"]) > dt.date.today():
            problem = ("识别监测时间", "日期晚于今天")
        if problem:
            report.error(row_no, name(problem[0]), problem[1])
            continue
        out[number] = entry
    return out


def households_imported(*, data: bytes, filename: str, mapping, actor, report, dry_run: bool) -> None:
    """Called by the household import (inside its transaction when it commits): open the cases of
    the file's monitored households. Files without a 监测对象类别 column are left alone."""
    layout = LAYOUT
    if mapping is not None:
        aliases = {**LAYOUT.aliases, **{s: t for s, t in mapping.columns.items() if t == "户编号"}}
        layout = Layout(headers=HEADERS, aliases=aliases)
    try:
        table = read_table(data, layout, filename=filename, required=["户编号", "监测对象类别"], within=15)
    except Unreadable:
        return
    entries = _entries(table, report)
    if dry_run or not entries or report.problems:
        return
    from . import workflow
    from .services import _event, _new_number

    households = {h.number: h for h in Household.objects.filter(number__in=list(entries)).select_related("village")}
    has_case = set(
        MonitoringCase.objects.filter(household__number__in=list(entries)).values_list("household__number", flat=True)
    )
    for number, e in entries.items():
        household = households.get(number)
        if household is None or number in has_case:
            continue  # an error of the household rows (reported there), or a case the system already has
        scope.require_write(actor, household, "monitoring.case.create")
        state = "eliminated" if e["eliminated"] else "monitored"
        on = e["eliminated_on"] if e["eliminated"] else e["identified_on"]
        case = MonitoringCase.objects.create(
            number=_new_number("JC", MonitoringCase, "number"),
            household=household,
            village=household.village,
            channel=Channel.HISTORICAL,
            source_ref=f"导入:{filename}"[:64],
            description="历史数据导入",
            state=state,
            kind=e["kind"],
            risk_types=e["risks"],
            risk_codes=workflow.risk_codes(e["risks"]),
            discovered_on=e["identified_on"],
            step_since=on,
            decided_on=e["identified_on"],
            identified_on=e["identified_on"],
            eliminated_on=e["eliminated_on"] if e["eliminated"] else None,
            created_by=actor,
        )
        _event(
            case=case,
            actor=actor,
            transition=IMPORTED,
            label="历史数据导入",
            to_state=state,
            on=on,
            decision=str(workflow.STATES[state].label),
            reason=f"自 {filename} 第{e['row']}行导入；此前的办理过程在原系统，未在本系统办理",
            data={"file": filename, "row": e["row"], "identified_on": e["identified_on"].isoformat()},
        )
        household.monitoring_status = MonitoringStatus.ELIMINATED if e["eliminated"] else MonitoringStatus.MONITORED
        household.monitoring_kind = e["kind"]
        household.save(update_fields=["monitoring_status", "monitoring_kind", "updated_at"])
    report.cases_imported = len([n for n in entries if n in households and n not in has_case])

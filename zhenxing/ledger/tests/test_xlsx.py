"""The key-task ledger as .xlsx round-trips through the importer; errors carry row and column."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from django.core.management import call_command

from zhenxing.audit.models import AuditEntry
from zhenxing.ledger import services, xlsx
from zhenxing.ledger.models import Ledger, Task

from .conftest import D


def _export(ledger) -> bytes:
    tasks = (
        Task.objects.filter(ledger=ledger)
        .select_related("lead_unit")
        .prefetch_related("responsible_units", "checklist")
        .order_by("-kind", "number")
    )
    return xlsx.ledger_xlsx(ledger, tasks, {}, "大兴安岭地区乡村振兴局")


def _comparable(data: dict) -> dict:
    keep = ("number", "section", "title", "measures", "lead_unit", "responsible_units", "deadline", "rhythm")
    return {
        "sections": data["sections"],
        "tasks": [{k: t.get(k) for k in keep} for t in data["tasks"]],
        "mechanisms": [{k: t.get(k) for k in keep if k != "section"} for t in data["mechanisms"]],
    }


def test_export_round_trips_through_the_importer(w, ledger):
    t = Task.objects.get(ledger=ledger, kind="task", number=6)
    services.task_assign(
        actor=w.diqu,
        task=t,
        lead_unit=t.lead_unit,
        responsible_units=t.responsible_units.all(),
        deadline=D(2022, 10, 31),
        rhythm="quarterly",
    )
    parsed = xlsx.parse_ledger(xlsx.read_rows(_export(ledger)))
    assert parsed.errors == []
    assert parsed.data["year"] == 2022 and parsed.data["title"] == ledger.title
    assert _comparable(parsed.data) == _comparable(services.ledger_as_data(ledger))
    assert len(parsed.data["tasks"]) == 23 and len(parsed.data["mechanisms"]) == 4
    # and it builds a ledger (as another year)
    parsed = xlsx.parse_ledger(xlsx.read_rows(_export(ledger)), year=2023)
    copy = services.ledger_build(actor=w.diqu, data=parsed.data)
    assert _comparable(services.ledger_as_data(copy)) == _comparable(services.ledger_as_data(ledger))


def _sheet(rows) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    wb.close()
    return buf.getvalue()


def test_errors_name_the_row_and_column():
    rows = [
        ["2024年重点任务台账"],
        ["填报单位："],
        xlsx.TASK_HEADERS,
        ["（一）做好防返贫监测帮扶"],
        ["1", "实施动态监测", "1. 排查", "乡村振兴局", "民政局", "2024-12-31", "每月", ""],
        ["2", "落实帮扶措施", "", "乡村振兴局", "", "明年", "每旬", ""],
    ]
    parsed = xlsx.parse_ledger(xlsx.read_rows(_sheet(rows)))
    assert parsed.data is None
    assert [str(e) for e in parsed.errors] == [
        "第6行 C列：工作措施（验收清单）不能为空",
        "第6行 F列：完成时限“明年”不是有效日期",
        "第6行 G列：报送频次应为：每月、每季度、每半年",
    ]


def test_a_wrong_header_is_refused():
    parsed = xlsx.parse_ledger(xlsx.read_rows(_sheet([["2024年台账"], [""], ["序号", "任务"], ["1", "x"]])))
    assert parsed.data is None and parsed.errors[0].row == 3


def test_the_page_exports_and_audits(w, ledger, login):
    response = login(w.diqu).get("/ledger/y/2022/export.xlsx")
    assert response.status_code == 200
    parsed = xlsx.parse_ledger(xlsx.read_rows(response.content))
    assert len(parsed.data["tasks"]) == 23
    assert AuditEntry.objects.filter(action="export", model="ledger.ledger").count() == 1


def test_import_page_builds_a_year(w, ledger, login):
    client = login(w.diqu)
    f = io.BytesIO(_export(ledger))
    f.name = "ledger.xlsx"
    response = client.post("/ledger/import/", {"file": f, "year": 2024})
    assert response.status_code == 302
    assert Ledger.objects.get(year=2024).tasks.count() == 27


def test_the_command_exit_codes(w, ledger, tmp_path):
    good = tmp_path / "l.xlsx"
    good.write_bytes(_export(ledger))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(SystemExit) as exc:
        call_command("ledger_import", str(bad), user=w.diqu.username)
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        call_command("ledger_import", str(good), user=w.diqu.username)  # 2022 exists
    assert exc.value.code == 1
    call_command("ledger_import", str(good), year=2025, user=w.diqu.username)
    assert Ledger.objects.filter(year=2025).exists()


def test_the_items_export_has_a_merged_heading_per_type_and_numbered_rows(w, types, login):
    for region, kind in ((w.r.fendou, "water"), (w.r.yongfeng, "water"), (w.r.kaikukang, "toilet")):
        services.rectification_item_open(
            actor=w.tahe,
            type=types[kind],
            region=region,
            problem=f"{kind}问题",
            source="self_check",
            found_on=D(2022, 3, 1),
        )
    rows = xlsx.read_rows(login(w.shibazhan).get("/ledger/items/export.xlsx").content)
    assert rows[0][0] == "十八站鄂伦春族乡排查整改台账" and rows[2][:2] == ["序号", "所在区划"]
    assert rows[3][0] == "饮水安全排查整改" and not any(rows[3][1:])
    assert [(r[0], r[1]) for r in rows[4:6]] == [
        (1.0, "塔河县十八站鄂伦春族乡奋斗村"),
        (2.0, "塔河县十八站鄂伦春族乡永丰村"),
    ]
    assert len(rows) == 6  # 开库康村 is outside the township's scope
    assert AuditEntry.objects.filter(action="export", extra__what="rectification_items").exists()

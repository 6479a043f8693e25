"""Imports: row/column errors in Chinese, atomic, idempotent, exit codes 0/1/2, round trip of exports."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from zhenxing.funds.imports import run_import
from zhenxing.funds.models import Allocation, CountyMonthFigure, LeakageFinding, Payment, Project
from zhenxing.funds.testing import fund_project, make_project
from zhenxing.lib.xlsx import workbook_bytes
from zhenxing.registry.testing import new_id

PROJECT_HEADERS = [
    "项目编号",
    "项目名称",
    "项目类型",
    "建设性质",
    "县",
    "乡镇",
    "村",
    "入库年度",
    "计划开工",
    "计划完工",
    "责任单位",
    "建设任务",
    "概算投资",
    "资金来源",
    "计划受益户数",
    "计划受益人数",
    "绩效目标",
    "利益联结机制",
]


def project_row(code="XM-I-1", **over):
    row = {
        "项目编号": code,
        "项目名称": "大豆种植基地",
        "项目类型": "产业",
        "建设性质": "新建",
        "县": "塔河县",
        "乡镇": "十八站鄂伦春族乡",
        "村": "奋斗村",
        "入库年度": 2022,
        "计划开工": "2022-05-01",
        "计划完工": "2022年10月31日",
        "责任单位": "十八站乡人民政府",
        "建设任务": "种植大豆500亩",
        "概算投资": "300,000",
        "资金来源": "中央衔接资金",
        "计划受益户数": 25,
        "计划受益人数": 60,
        "绩效目标": "户均增收1500元",
        "利益联结机制": "土地流转、务工",
    }
    row.update(over)
    return [row[h] for h in PROJECT_HEADERS]


def xlsx(headers, rows, title="塔河县 项目导入"):
    return workbook_bytes(title=title, columns=headers, rows=rows)


def test_projects_import_creates_then_is_idempotent(w):
    data = xlsx(PROJECT_HEADERS, [project_row("XM-I-1"), project_row("XM-I-2", 村="永丰村")])
    r = run_import("projects", data, actor=w.tahe, filename="p.xlsx")
    assert (r.committed, r.created, r.errors) == (True, 2, [])
    p = Project.objects.get(code="XM-I-1")
    assert (p.village, p.budget, p.type, p.end_planned) == (
        w.r.fendou,
        Decimal("300000"),
        "industry",
        dt.date(2022, 10, 31),
    )
    r = run_import("projects", data, actor=w.tahe, filename="p.xlsx")
    assert (r.committed, r.created, r.updated, r.unchanged) == (True, 0, 0, 2)
    assert Project.objects.count() == 2


def test_every_error_has_row_column_and_message_and_nothing_is_written(w):
    rows = [
        project_row("XM-I-1"),
        project_row("XM-I-1"),
        project_row("XM-I-3", 村="不存在村"),
        project_row("XM-I-4", 项目类型="奖金"),
        project_row("XM-I-5", 概算投资="-5"),
        project_row("XM-I-6", 计划开工="2022-13-01"),
    ]
    r = run_import("projects", xlsx(PROJECT_HEADERS, rows), actor=w.tahe, filename="p.xlsx")
    assert not r.committed and Project.objects.count() == 0
    got = {(e["row"], e["column"]) for e in r.errors}
    assert got == {(4, "项目编号"), (5, "村"), (6, "项目类型"), (7, "概算投资"), (8, "计划开工")}
    by = {(e["row"], e["column"]): e["message"] for e in r.errors}
    assert "与第3行重复" in by[(4, "项目编号")] and "不能为负数" in by[(7, "概算投资")]


def test_another_county_is_refused(w):
    r = run_import(
        "projects",
        xlsx(PROJECT_HEADERS, [project_row(县="呼玛县", 村="呼玛示例一村")]),
        actor=w.tahe,
        filename="p.xlsx",
    )
    assert r.errors == [{"row": 3, "column": "村", "message": "不在您的数据权限范围内"}]


def test_locked_project_cannot_be_changed_by_import(w):
    run_import("projects", xlsx(PROJECT_HEADERS, [project_row()]), actor=w.tahe, filename="p.xlsx")
    from zhenxing.funds.testing import advance

    advance(Project.objects.get(code="XM-I-1"), "approved")
    r = run_import("projects", xlsx(PROJECT_HEADERS, [project_row(概算投资="1")]), actor=w.tahe, filename="p.xlsx")
    assert "锁定" in r.errors[0]["message"]


def test_dry_run_writes_nothing(w):
    r = run_import("projects", xlsx(PROJECT_HEADERS, [project_row()]), actor=w.tahe, dry_run=True, filename="p.xlsx")
    assert (r.committed, r.errors, Project.objects.count()) == (False, [], 0)


def test_export_round_trips_through_the_importer(w, login):
    make_project(w.r.fendou, code="XM-R-1")
    make_project(w.r.yongfeng, code="XM-R-2", name="道路", type="infrastructure")
    response = login(w.tahe).get("/funds/projects/?export=xlsx")
    r = run_import("projects", response.content, actor=w.tahe, filename="export.xlsx")
    assert (r.errors, r.unchanged, r.created) == ([], 2, 0)


def test_csv_in_gbk_is_accepted(w):
    text = ",".join(PROJECT_HEADERS) + "\n" + ",".join(str(v) for v in project_row(概算投资="300000")) + "\n"
    r = run_import("projects", text.encode("gb18030"), actor=w.tahe, filename="p.csv")
    assert r.committed and r.created == 1


ALLOC_HEADERS = ["县", "年度", "资金来源", "文号", "文件标题", "下达日期", "下达金额"]


def test_allocations_import_and_amount_below_assigned_refused(w):
    data = xlsx(
        ALLOC_HEADERS, [["塔河县", 2022, "中央衔接资金", "黑财农〔2022〕1号", "中央资金", "2022-03-01", 1000000]]
    )
    assert run_import("allocations", data, actor=w.tahe, filename="a.xlsx").created == 1
    assert run_import("allocations", data, actor=w.tahe, filename="a.xlsx").unchanged == 1
    p = make_project(w.r.fendou, status="approved")
    fund_project(p, amount=600000, allocation=Allocation.objects.get())
    low = xlsx(ALLOC_HEADERS, [["塔河县", 2022, "中央衔接资金", "黑财农〔2022〕1号", "中央资金", "2022-03-01", 500000]])
    r = run_import("allocations", low, actor=w.tahe, filename="a.xlsx")
    assert r.errors[0]["column"] == "下达金额" and Allocation.objects.get().amount == Decimal("1000000")


PAY_HEADERS = ["项目编号", "支付日期", "金额", "收款人", "收款人身份证号", "凭证号"]


@pytest.fixture
def funded(w):
    from zhenxing.funds.testing import advance

    p = make_project(w.r.fendou, status="planned", code="XM-P-1")
    fund_project(p, amount=Decimal("10000"))
    return advance(Project.objects.get(pk=p.pk), "started", date=dt.date.today())


def test_payments_import_keeps_totals_figures_and_runs_the_leakage_check(w, funded):
    today = dt.date.today()
    rows = [
        ["XM-P-1", today.isoformat(), 4000, "某公司", "", "V1"],
        ["XM-P-1", today.isoformat(), 1000, "外来人员", new_id(region="230102"), "V2"],
    ]
    r = run_import("payments", xlsx(PAY_HEADERS, rows), actor=w.tahe, filename="pay.xlsx")
    assert (r.committed, r.created, r.errors) == (True, 2, [])
    assert Project.objects.get(pk=funded.pk).paid_total == Decimal("5000")
    assert CountyMonthFigure.objects.get(county=w.r.tahe, year=today.year, month=today.month).paid == Decimal("5000")
    assert r.leakage == {"found": 1, "new": 1}
    assert LeakageFinding.objects.get().kind == "not_in_registry"
    again = run_import("payments", xlsx(PAY_HEADERS, rows), actor=w.tahe, filename="pay.xlsx")
    assert (again.created, again.unchanged) == (0, 2)
    assert Payment.objects.count() == 2


def test_payments_import_over_the_assigned_money_is_refused_whole(w, funded):
    rows = [["XM-P-1", "2022-06-01", 6000, "甲公司", "", "V1"], ["XM-P-1", "2022-06-02", 4000.01, "乙公司", "", "V2"]]
    r = run_import("payments", xlsx(PAY_HEADERS, rows), actor=w.tahe, filename="pay.xlsx")
    assert not r.committed and r.errors[0]["row"] == 4 and "超出" in r.errors[0]["message"]
    assert Payment.objects.count() == 0 and Project.objects.get(pk=funded.pk).paid_total == 0


def test_payment_id_number_mangled_by_excel_is_refused(w, funded):
    rows = [["XM-P-1", "2022-06-01", 100, "张三", "2.32722E+17", "V1"]]
    r = run_import("payments", xlsx(PAY_HEADERS, rows), actor=w.tahe, filename="pay.xlsx")
    assert r.errors[0]["column"] == "收款人身份证号" and "科学计数法" in r.errors[0]["message"]


def run_cli(*args):
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def test_cli_exit_codes_and_json(w, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(PROJECT_HEADERS, [project_row()]))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx(PROJECT_HEADERS, [project_row(村="无此村")]))
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    code, out = run_cli("import_projects", str(bad), "--json", "--report", str(tmp_path / "r.xlsx"))
    assert code == 1 and json.loads(out.strip().splitlines()[-1])["errors"][0]["column"] == "村"
    assert (tmp_path / "r.xlsx").exists()
    code, out = run_cli("import_projects", str(good), "--json", "--user", "t-tahe")
    assert code == 0 and json.loads(out.strip().splitlines()[-1])["created"] == 1
    assert run_cli("import_projects", str(junk))[0] == 2
    assert run_cli("import_projects", str(tmp_path / "missing.xlsx"))[0] == 2


def test_assets_import(w):
    make_project(w.r.fendou, code="XM-A-1", status="accepted")
    headers = [
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
    row = [
        "ZC-I-1",
        "光伏电站",
        "经营性",
        "XM-A-1",
        500000,
        "村集体",
        "奋斗村股份经济合作社",
        "",
        "村集体",
        "村委会",
        "塔资确〔2022〕9号",
        "2022-11-01",
        "2022-11-01",
        "奋斗村东",
    ]
    assert run_import("assets", xlsx(headers, [row]), actor=w.tahe, filename="a.xlsx").created == 1
    assert run_import("assets", xlsx(headers, [row]), actor=w.tahe, filename="a.xlsx").unchanged == 1
    row2 = row[:]
    row2[9] = ""
    assert run_import("assets", xlsx(headers, [row2]), actor=w.tahe, filename="a.xlsx").updated == 1
    declared = make_project(w.r.fendou, code="XM-A-2")
    r = run_import(
        "assets", xlsx(headers, [["ZC-I-2", *row[1:3], declared.code, *row[4:]]]), actor=w.tahe, filename="a.xlsx"
    )
    assert r.errors[0]["row"] == 3 and "验收后" in r.errors[0]["message"]


def test_downloaded_template_imports_as_an_empty_file(w, login):
    for kind in ("projects", "allocations", "payments", "assets"):
        response = login(w.tahe).get(f"/funds/templates/{kind}.xlsx")
        assert response.status_code == 200
        r = run_import(kind, response.content, actor=w.tahe, filename=f"{kind}.xlsx")
        assert (r.errors, r.created) == ([], 0), kind
    assert login(w.tahe).get("/funds/templates/other.xlsx").status_code == 404

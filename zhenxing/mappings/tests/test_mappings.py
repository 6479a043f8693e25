"""Column mappings (issue 22): files in other offices' shapes imported through a mapping give exactly
what the standard template gives; errors name the source file's row and column; saved mappings are
versioned, scoped by region and exported/imported as JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import xlsxwriter
from django.core.management import call_command

from zhenxing.audit.models import AuditEntry
from zhenxing.lib.mapping import MappingError, mapping_parse, mapping_propose
from zhenxing.lib.tabular import cell_date, read_table
from zhenxing.mappings.models import SavedMapping
from zhenxing.mappings.selectors import mapping_recognise, mapping_resolve, mappings_latest
from zhenxing.mappings.services import mapping_save
from zhenxing.registry.imports import HEADERS, LAYOUT, run_import
from zhenxing.registry.models import Household, Member
from zhenxing.registry.tests.conftest import household_rows, to_csv

RELATION_CODE = {"户主": "02", "配偶": "10", "之子": "20"}
YES_NO_CODE = {"是": "1", "否": "0"}
NATIONAL_HEADERS = [
    "省",
    "市",
    "县（市、区）",
    "乡（镇）",
    "村",
    "户编号",
    "人编号",
    "姓名",
    "证件号码",
    "与户主关系",
    "劳动技能",
    "健康状况",
    "在校生状况",
    "务工状况",
    "是否参加城乡居民基本医疗保险",
    "是否脱贫户",
    "脱贫年度",
    "联系电话",
    "收入年度",
    "工资性收入",
    "生产经营性收入",
    "财产性收入",
    "转移性收入",
    "生产经营性支出",
    "合规自付支出",
    "住房是否安全",
    "饮水是否安全",
    "监测对象类别",
    "风险类型",
    "识别监测时间",
    "风险是否已消除",
    "风险消除时间",
]
# The monitoring columns of the export, per household (three date formats between them).
HISTORY = {
    "H101": {"监测对象类别": "边缘易致贫户", "风险类型": "因病", "识别监测时间": "2022.3.15", "风险是否已消除": "否"},
    "H102": {
        "监测对象类别": "脱贫不稳定户",
        "风险类型": "因学、因病",
        "识别监测时间": "20210601",
        "风险是否已消除": "是",
        "风险消除时间": "2023/5/1",
    },
}


def _rows():
    return household_rows("H101", members=2) + household_rows(
        "H102", head={"村": "永丰村", "是否脱贫户": "是", "脱贫年度": "2019", "工资性收入": "12,300"}
    )


def _national_xlsx(rows, history=None) -> bytes:
    """The national system's export: a merged title row and an export-date row above the header,
    a row per person, 省/市 columns, codes for 与户主关系 and 1/0 for yes/no."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("监测对象")
    sheet.merge_range(0, 0, 0, len(NATIONAL_HEADERS) - 1, "防止返贫监测对象信息（导出）")
    sheet.write_row(1, 0, ["导出时间：2026-11-30"])
    sheet.write_row(2, 0, NATIONAL_HEADERS)
    for r, row in enumerate(rows, start=3):
        src = {
            "省": "黑龙江省",
            "市": "大兴安岭地区",
            "县（市、区）": row.get("县", ""),
            "乡（镇）": row.get("乡镇", ""),
            "村": row.get("村", ""),
            "户编号": row["户编号"],
            "人编号": f"{row['户编号']}-{r}",
            "姓名": row["姓名"],
            "证件号码": row["身份证号"],
            "与户主关系": RELATION_CODE[row["与户主关系"]],
            "劳动技能": row.get("劳动能力", ""),
            "健康状况": row.get("健康状况", ""),
            "在校生状况": row.get("在校状况", ""),
            "务工状况": row.get("务工状况", ""),
            "是否参加城乡居民基本医疗保险": YES_NO_CODE.get(row.get("是否参加医保", ""), ""),
            "是否脱贫户": YES_NO_CODE.get(row.get("是否脱贫户", ""), ""),
            "脱贫年度": row.get("脱贫年度", ""),
            "联系电话": row.get("联系电话", ""),
            "收入年度": row.get("收入年度", ""),
            **{h: row.get(h, "") for h in HEADERS[16:22]},
            "住房是否安全": YES_NO_CODE.get(row.get("住房安全", ""), ""),
            "饮水是否安全": YES_NO_CODE.get(row.get("饮水安全", ""), ""),
            "风险消除时间": "",
            **(HISTORY if history is None else history).get(row["户编号"], {}),
        }
        sheet.write_row(r, 0, [src[h] for h in NATIONAL_HEADERS])
    book.close()
    return buf.getvalue()


def _unchanged(report) -> bool:
    data = report.as_json()
    return (
        report.committed
        and data["errors"] == []
        and data["households"]["created"] == data["households"]["updated"] == 0
        and data["members"]["created"] == data["members"]["updated"] == 0
    )


def test_national_export_through_the_builtin_mapping_equals_the_template_import(w):
    rows = _rows()
    mapping = mapping_resolve(w.tahe, kind="households", ref="全国监测系统导出")
    report = run_import(_national_xlsx(rows), filename="导出.xlsx", actor=w.tahe, mapping=mapping)
    assert report.errors == [] and report.committed
    assert report.as_json()["households"]["created"] == 2 and report.as_json()["members"]["created"] == 5
    h = Household.objects.get(number="H102")
    assert h.village == w.r.yongfeng and h.formerly_poor and h.exit_year == 2019
    assert Member.objects.get(household__number="H101", relation="spouse").name == "王成员0"
    # the standard template of the same people finds every field already so: field by field equal
    assert _unchanged(run_import(to_csv(rows), filename="模板.csv", actor=w.tahe))


def test_gbk_department_extract_with_codes_and_amounts_through_a_json_mapping(w, tmp_path, capsys):
    rows = _rows()
    own = {"户编号": "家庭编号", "身份证号": "公民身份证号", "是否参加医保": "参保标识", "工资性收入": "工资收入(元)"}
    headers = [own.get(h, h) for h in HEADERS]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["某县医保局 参保人员信息提取"])
    writer.writerow(headers)
    for r in rows:
        values = {**r, "是否参加医保": YES_NO_CODE.get(r.get("是否参加医保", ""), "")}
        if values.get("工资性收入"):
            values["工资性收入"] = values["工资性收入"].replace(",", "") + "元"
        writer.writerow([values.get(h, "") for h in HEADERS])
    (tmp_path / "extract.csv").write_bytes(buf.getvalue().encode("gbk"))
    (tmp_path / "m.json").write_text(
        json.dumps(
            {"columns": {v: k for k, v in own.items()}, "values": {"是否参加医保": {"1": "是", "0": "否"}}},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    call_command("import_households", str(tmp_path / "extract.csv"), "--mapping", str(tmp_path / "m.json"), "--json")
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["committed"] and out["errors"] == [] and out["members"]["created"] == 5
    assert Household.objects.get(number="H102").members.get(relation="head").insured
    assert _unchanged(run_import(to_csv(rows), filename="模板.csv", actor=None))


def test_errors_name_the_source_files_row_and_column(w):
    rows = _rows()
    rows[1]["身份证号"] = "12345"
    data = _national_xlsx(rows)
    mapping = mapping_resolve(w.tahe, kind="households", ref="全国监测系统导出")
    report = run_import(data, filename="导出.xlsx", actor=w.tahe, mapping=mapping)
    assert not report.committed and Household.objects.count() == 0
    bad = [e for e in report.as_json()["errors"] if e["row"] == 5]  # title, date, header, head, then this
    assert bad and bad[0]["column"] == "证件号码"


def test_an_unmapped_code_is_a_row_error_not_a_guess(w):
    rows = _rows()
    data = _national_xlsx(rows)
    from zhenxing.mappings.builtin import NATIONAL_HOUSEHOLDS

    mapping = mapping_parse({"columns": NATIONAL_HOUSEHOLDS["columns"], "values": {}})
    report = run_import(data, filename="导出.xlsx", actor=w.tahe, mapping=mapping)
    # without the built-in value maps, 与户主关系 "02" (the national code) is not taken silently
    assert not report.committed and Household.objects.count() == 0
    errors = report.as_json()["errors"]
    assert {(e["row"], e["column"]) for e in errors if "02" in e["message"]} >= {(4, "与户主关系")}


def test_mapping_shape_and_targets_are_checked_in_chinese():
    with pytest.raises(MappingError, match="columns"):
        mapping_parse({"columns": ["户编号"]})
    with pytest.raises(MappingError, match="无法识别"):
        mapping_parse({"column": {}})
    mapping = mapping_parse({"columns": {"户号": "家庭户号"}})
    with pytest.raises(MappingError, match="家庭户号"):
        mapping.layout(LAYOUT)


def test_saved_mappings_are_versioned_scoped_and_recognised(w):
    definition = {"columns": {"家庭编号": "户编号", "公民身份证号": "身份证号"}, "values": {}}
    first = mapping_save(actor=w.tahe, kind="households", name="县医保提取", definition=definition)
    second = mapping_save(
        actor=w.tahe,
        kind="households",
        name="县医保提取",
        definition={**definition, "values": {"是否参加医保": {"1": "是"}}},
    )
    assert (first.version, second.version) == (1, 2) and first.region == w.tahe.region
    assert AuditEntry.objects.filter(model="mappings.savedmapping", action="create").count() == 2
    # the county's mapping is seen by its township, latest version first; not by another county
    assert [(m.name, m.version) for m in mappings_latest(w.shibazhan, kind="households")] == [("县医保提取", 2)]
    assert mappings_latest(w.huma, kind="households") == []
    with pytest.raises(MappingError, match="找不到"):
        mapping_resolve(w.huma, kind="households", ref="县医保提取")
    resolved = mapping_resolve(w.shibazhan, kind="households", ref="县医保提取")
    assert resolved.values == {"是否参加医保": {"1": "是"}}
    # a file whose header row carries the saved mapping's source headers is recognised next time
    name, _ = mapping_recognise(w.shibazhan, kind="households", headers=["家庭编号", "姓名", "公民身份证号"])
    assert name == "县医保提取"
    assert mapping_recognise(w.huma, kind="households", headers=["家庭编号", "姓名", "公民身份证号"]) is None


def test_read_only_inspector_cannot_save_a_mapping(w):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        mapping_save(actor=w.ducha, kind="households", name="x", definition={"columns": {}, "values": {}})
    assert SavedMapping.objects.count() == 0


def test_mappings_command_list_export_import(w, tmp_path, capsys):
    call_command("mappings", "export", "全国监测系统导出", "--kind", "households", "--out", str(tmp_path / "n.json"))
    exported = json.loads((tmp_path / "n.json").read_text(encoding="utf-8"))
    assert exported["columns"]["证件号码"] == "身份证号" and exported["values"]["与户主关系"]["02"] == "户主"
    call_command("mappings", "import", str(tmp_path / "n.json"), "--kind", "households", "--name", "我县导出")
    call_command("mappings", "import", str(tmp_path / "n.json"), "--kind", "households", "--name", "我县导出")
    capsys.readouterr()
    call_command("mappings", "list", "--kind", "households")
    listed = capsys.readouterr().out
    assert "我县导出\t第2版\t全系统" in listed and "全国监测系统导出\t内置" in listed
    with pytest.raises(SystemExit) as exit_info:
        call_command("mappings", "import", str(tmp_path / "n.json"), "--kind", "nosuch", "--name", "x")
    assert exit_info.value.code == 2


def test_propose_and_dates_in_three_formats():
    proposed = mapping_propose(["户号", "证件号码", "备注栏"], LAYOUT)
    assert proposed == {"户号": "户编号", "证件号码": "身份证号", "备注栏": ""}
    assert {cell_date(v) for v in ("20220315", "2022.3.15", "2022/3/15")} == {dt.date(2022, 3, 15)}


def test_combine_and_defaults_fill_template_columns():
    from zhenxing.lib.tabular import Layout

    layout = Layout(headers=["地址", "编号", "类别"])
    mapping = mapping_parse(
        {"columns": {"序号": "编号"}, "combine": {"地址": ["乡", "村"]}, "defaults": {"类别": "一般"}}
    )
    data = "标题\n序号,乡,村\n1,十八站乡,奋斗村\n2,,永丰村\n".encode()
    table = read_table(data, layout, filename="a.csv", required=["编号"], mapping=mapping)
    records = [v for _, v in table.records()]
    assert records == [
        {"编号": "1", "地址": "十八站乡奋斗村", "类别": "一般"},
        {"编号": "2", "地址": "永丰村", "类别": "一般"},
    ]


def test_wizard_proposes_previews_masked_and_saves(w, client):
    from django.urls import reverse

    rows = _rows()
    data = _national_xlsx(rows)
    client.force_login(w.tahe)
    home = client.get(reverse("mappings:home"))
    assert home.status_code == 200 and "导入列映射" in home.content.decode()
    upload = io.BytesIO(data)
    upload.name = "导出.xlsx"
    r = client.post(reverse("mappings:home"), {"kind": "households", "file": upload})
    assert r.status_code == 302 and r["Location"] == reverse("mappings:draft")
    page = client.get(reverse("mappings:draft")).content.decode()
    full_id = rows[0]["身份证号"]
    assert full_id not in page and full_id[:6] + "********" + full_id[-4:] in page  # masked sample
    assert '<option value="身份证号" selected>' in page  # 证件号码 proposed by alias
    # the user maps 与户主关系's codes and 县（市、区）; the preview shows the mapped values
    session = client.session
    draft = session["mapping_draft"]
    post = {f"col-{i}": draft["columns"].get(h, "") for i, h in enumerate(draft["headers"])}
    post[f"col-{draft['headers'].index('县（市、区）')}"] = "县"
    post["values-与户主关系"] = "02=户主\n10=配偶\n20=之子"
    post.update({"name": "全国导出（塔河）", "action": "preview"})
    preview = client.post(reverse("mappings:draft"), post).content.decode()
    assert "<td>户主</td>" in preview and "<td>塔河县</td>" in preview
    post["action"] = "save"
    assert client.post(reverse("mappings:draft"), post).status_code == 302
    saved = SavedMapping.objects.get(name="全国导出（塔河）")
    assert (
        saved.definition["columns"]["县（市、区）"] == "县" and saved.definition["values"]["与户主关系"]["02"] == "户主"
    )
    assert saved.region == w.tahe.region
    exported = client.get(reverse("mappings:export", args=[saved.pk]))
    assert json.loads(exported.content)["columns"]["证件号码"] == "身份证号"
    client.force_login(w.huma)
    assert client.get(reverse("mappings:export", args=[saved.pk])).status_code == 404


def test_wizard_keeps_and_previews_phone_numbers_masked(w, client):
    """The ten sample rows in the session and every page of the wizard carry no full phone number:
    the phone column masked whole (even a number the pattern does not know), a phone in another
    column masked where it stands, with the one phone mask (lib.logmask.mask_phone)."""
    from django.urls import reverse

    from zhenxing.lib.logmask import mask_phone

    rows = _rows()
    phones = ["13912345678", "+86 137 1234 5678", "0457-3612345"]
    for row, phone in zip(rows, phones, strict=False):
        row["联系电话"] = phone
    rows[0]["健康状况"] = "健康（子女电话04573698765）"
    client.force_login(w.tahe)
    upload = io.BytesIO(_national_xlsx(rows))
    upload.name = "导出.xlsx"
    assert client.post(reverse("mappings:home"), {"kind": "households", "file": upload}).status_code == 302
    full = [*phones, "13712345678", "04573698765", "3612345", "3698765"]
    kept = json.dumps(dict(client.session.items()), ensure_ascii=False)
    page = client.get(reverse("mappings:draft")).content.decode()
    draft = client.session["mapping_draft"]
    post = {f"col-{i}": draft["columns"].get(h, "") for i, h in enumerate(draft["headers"])}
    preview = client.post(reverse("mappings:draft"), {**post, "action": "preview", "name": "x"}).content.decode()
    for text in (kept, page, preview):
        assert not [p for p in full if p in text], [p for p in full if p in text]
    assert mask_phone("13912345678") == "139****5678" and "139****5678" in preview  # shown, masked
    assert "045****2345" in preview and "健康（子女电话045****8765）" in kept


def test_household_import_page_reads_through_a_chosen_or_recognised_mapping(w, client, settings, tmp_path):
    from django.urls import reverse

    from zhenxing.jobs.models import Job

    def jobs_run_pending():
        call_command("worker", "--once", stdout=io.StringIO())

    settings.JOB_RUNNER = "worker"
    settings.MEDIA_ROOT = tmp_path
    rows = _rows()
    client.force_login(w.tahe)
    upload = io.BytesIO(_national_xlsx(rows))
    upload.name = "导出.xlsx"
    r = client.post(reverse("registry:import"), {"file": upload, "mapping": "全国监测系统导出"})
    assert r.status_code == 302
    jobs_run_pending()
    preview = Job.objects.get(kind="registry.preview")
    assert preview.result["preview"]["errors"] == [] and preview.result["mapping"] == "全国监测系统导出"
    page = client.get(r["Location"]).content.decode()
    assert "按列映射读取" in page and "全国监测系统导出" in page
    client.post(r["Location"])
    jobs_run_pending()
    assert Household.objects.count() == 2
    # the same shape next month, no mapping chosen: recognised by its header row
    upload = io.BytesIO(_national_xlsx(rows))
    upload.name = "导出12月.xlsx"
    client.post(reverse("registry:import"), {"file": upload})
    jobs_run_pending()
    again = Job.objects.filter(kind="registry.preview").order_by("-pk").first()
    assert again.result["mapping"] == "全国监测系统导出"
    assert again.result["preview"]["households"]["unchanged"] == 2


def test_national_export_opens_the_monitored_households_cases_with_imported_history(w):
    from zhenxing.monitoring.models import CaseEvent, MonitoringCase

    rows = _rows()
    mapping = mapping_resolve(w.tahe, kind="households", ref="全国监测系统导出")
    data = _national_xlsx(rows)
    preview = run_import(data, filename="导出.xlsx", actor=w.tahe, mapping=mapping, dry_run=True)
    assert preview.errors == [] and not MonitoringCase.objects.exists()
    report = run_import(data, filename="导出.xlsx", actor=w.tahe, mapping=mapping)
    assert report.committed and report.cases_imported == 2
    monitored = MonitoringCase.objects.get(household__number="H101")
    assert (monitored.state, monitored.kind, monitored.risk_types) == ("monitored", "100A03002", ["01"])
    assert monitored.identified_on == dt.date(2022, 3, 15) and monitored.channel == "historical"
    done = MonitoringCase.objects.get(household__number="H102")
    assert (done.state, done.risk_types, done.identified_on, done.eliminated_on) == (
        "eliminated",
        ["09", "01"],
        dt.date(2021, 6, 1),
        dt.date(2023, 5, 1),
    )
    event = CaseEvent.objects.get(case=done)
    assert event.transition == "historical_import" and "导出.xlsx 第" in event.reason
    assert Household.objects.get(number="H101").monitoring_status == "monitored"
    assert Household.objects.get(number="H102").monitoring_status == "eliminated"
    # next month's export: nothing new, nothing doubled
    again = run_import(data, filename="导出.xlsx", actor=w.tahe, mapping=mapping)
    assert again.committed and again.cases_imported == 0 and MonitoringCase.objects.count() == 2


def test_a_bad_history_cell_names_its_source_cell_and_rolls_the_households_back(w):
    from zhenxing.monitoring.models import MonitoringCase

    rows = _rows()
    history = {"H101": {**HISTORY["H101"], "风险类型": "因懒"}, "H102": HISTORY["H102"]}
    mapping = mapping_resolve(w.tahe, kind="households", ref="全国监测系统导出")
    report = run_import(_national_xlsx(rows, history), filename="导出.xlsx", actor=w.tahe, mapping=mapping)
    assert not report.committed
    assert [(e["row"], e["column"]) for e in report.as_json()["errors"]] == [(4, "风险类型")]
    assert not Household.objects.exists() and not MonitoringCase.objects.exists()


def test_every_import_kind_takes_a_mapping():
    """households, monitoring history, the funds/assets importers, the collective's and the village's
    imports all declare their template, so a mapping can be made, checked and saved for each."""
    from zhenxing.mappings.kinds import import_kinds

    kinds = import_kinds()
    for code in (
        "households",
        "monitoring.history",
        "funds.projects",
        "funds.payments",
        "funds.assets",
        "collective.members",
        "collective.contracts",
        "collective.journal",
        "village.toilets",
        "village.profiles",
    ):
        assert code in kinds, code
        assert kinds[code].label and kinds[code].layout.headers


def test_a_village_toilet_census_in_another_layout_is_recognised_by_a_saved_mapping(w):
    from zhenxing.village.imports import village_import

    mapping_save(
        actor=w.tahe,
        kind="village.toilets",
        name="县农业农村局户厕台账",
        definition={
            "columns": {"农户编号": "户编号", "是否有厕所": "有无户厕"},
            "values": {"有无户厕": {"1": "有", "0": "无"}},
        },
    )
    _, mapping = mapping_recognise(w.tahe, kind="village.toilets", headers=["农户编号", "是否有厕所"])
    data = "农户编号,是否有厕所\nNOSUCH,1\n".encode()
    result = village_import(
        actor=w.tahe, region=w.r.fendou, kind="toilets", data=data, filename="t.csv", mapping=mapping
    )
    # the row's problem is named by the file's own header, on the file's own row
    assert result["errors"] and result["errors"][0]["row"] == 2 and result["errors"][0]["column"] == "农户编号"

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.management import call_command

from zhenxing.audit.models import AuditEntry
from zhenxing.registry import idnumber
from zhenxing.registry.imports import HEADERS, Unreadable, run_import
from zhenxing.registry.models import Household, HouseholdIncome, Member, MemberChange
from zhenxing.registry.testing import make_household, new_id

from .conftest import household_rows, to_csv


def state():
    return (
        list(Household.objects.order_by("pk").values()),
        list(Member.objects.order_by("pk").values()),
        list(HouseholdIncome.objects.order_by("pk").values()),
        MemberChange.objects.count(),
    )


def test_import_creates_households_members_incomes_and_is_idempotent(w):
    rows = household_rows("H001", members=2) + household_rows(
        "H002", head={"村": "永丰村", "是否脱贫户": "是", "脱贫年度": "2019"}
    )
    data = to_csv(rows)
    report = run_import(data, filename="a.csv", actor=w.shibazhan)
    assert report.errors == [] and report.committed
    assert report.as_json()["households"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert report.as_json()["members"] == {"created": 5, "updated": 0, "unchanged": 0}
    h = Household.objects.get(number="H001")
    assert h.village == w.r.fendou and h.living_members == 3 and h.head_name == "王振华"
    # (20000 + 5000 + 0 + 1000 − 1000) / 3
    assert h.per_capita_income == Decimal("8333.33") and h.income_year == 2021
    assert Household.objects.get(number="H002").exit_year == 2019
    assert MemberChange.objects.filter(kind="join").count() == 5
    assert AuditEntry.objects.filter(action="import").count() == 1
    created = AuditEntry.objects.filter(model="registry.household", action="create")
    assert created.count() == 2 and sum(e.after["members"] for e in created) == 5
    # every member and income the import created has its own entry, with the importing user
    member_entries = AuditEntry.objects.filter(model="registry.member", action="create")
    assert member_entries.count() == 5 and {e.actor_username for e in member_entries} == {"t-shibazhan"}
    assert set(member_entries.values_list("object_id", flat=True)) == {
        str(pk) for pk in Member.objects.values_list("pk", flat=True)
    }
    assert all("id_cipher" not in e.after and "id_hash" not in e.after for e in member_entries)
    assert AuditEntry.objects.filter(model="registry.householdincome", action="create").count() == 2

    before = state()
    again = run_import(data, filename="a.csv", actor=w.shibazhan)
    assert again.committed and again.errors == []
    assert again.as_json()["households"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert again.as_json()["members"] == {"created": 0, "updated": 0, "unchanged": 5}
    after = state()
    assert [{k: v for k, v in r.items() if k != "updated_at"} for r in after[0]] == [
        {k: v for k, v in r.items() if k != "updated_at"} for r in before[0]
    ]
    assert after[1:] == before[1:]


def test_reimport_with_a_change_updates_only_that(w):
    rows = household_rows("H001", members=1)
    run_import(to_csv(rows), actor=w.fendou)
    rows[1]["健康状况"] = "大病"
    rows[0]["工资性收入"] = "30000"
    report = run_import(to_csv(rows), actor=w.fendou)
    assert report.as_json()["households"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert report.as_json()["members"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert Member.objects.get(name="王成员0").health == "serious"
    assert Household.objects.get().per_capita_income == Decimal("17500.00")


def _one_error(rows, actor, **kw):
    report = run_import(to_csv(rows), actor=actor, **kw)
    return report


@pytest.mark.parametrize(
    "case, row, column, message",
    [
        ("checksum", 2, "身份证号", "校验码不正确"),
        ("duplicate", 3, "身份证号", "与第2行重复"),
        ("village", 2, "村", "找不到村“幸福村”"),
        ("no_head", 2, "与户主关系", "没有户主"),
        ("two_heads", 3, "与户主关系", "有两个户主（第2行和第3行）"),
        ("contradiction", 3, "是否脱贫户", "与同户户主行（第2行）的“是否脱贫户”不一致"),
        ("negative", 2, "工资性收入", "金额不能为负数"),
        ("fifteen", 3, "身份证号", "15位旧身份证号须先升级为18位"),
        ("excel_zeroes", 3, "身份证号", "疑似被 Excel 当作数字截断"),
        ("scientific", 3, "身份证号", "科学计数法"),
    ],
)
def test_every_import_error_has_row_column_message_and_changes_nothing(w, case, row, column, message):
    make_household(village=w.r.fendou, number="OLD1")
    rows = household_rows("H001", members=1)
    if case == "checksum":
        good = rows[0]["身份证号"]
        rows[0]["身份证号"] = good[:17] + ("0" if good[17] != "0" else "1")
    elif case == "duplicate":
        rows[1]["身份证号"] = rows[0]["身份证号"]
    elif case == "village":
        rows[0]["村"] = "幸福村"
    elif case == "no_head":
        rows[0]["与户主关系"] = "之子"
    elif case == "two_heads":
        rows[1]["与户主关系"] = "户主"
    elif case == "contradiction":
        rows[1]["是否脱贫户"] = "是"
    elif case == "negative":
        rows[0]["工资性收入"] = "-5"
    elif case == "fifteen":
        rows[1]["身份证号"] = "232722800101001"
    elif case == "excel_zeroes":
        rows[1]["身份证号"] = rows[1]["身份证号"][:15] + "000"
        if idnumber.check_char(rows[1]["身份证号"][:17]) == "0":
            rows[1]["身份证号"] = rows[1]["身份证号"][:14] + "1000"
    elif case == "scientific":
        rows[1]["身份证号"] = "2.32722E+17"
    rows += household_rows("H002")  # a valid household in the same file
    before = state()
    report = run_import(to_csv(rows), actor=w.shibazhan)
    assert not report.committed
    matching = [e for e in report.errors if e["row"] == row and e["column"] == column and message in e["message"]]
    assert matching, report.errors
    assert state() == before


def test_id_already_in_another_household(w):
    taken = new_id()
    make_household(
        village=w.r.yongfeng, number="OLD1", members=[{"name": "甲", "relation": "head", "id_number": taken}]
    )
    rows = household_rows("H001", members=1)
    rows[1]["身份证号"] = taken
    report = run_import(to_csv(rows), actor=w.shibazhan)
    assert report.errors == [
        {"row": 3, "column": "身份证号", "message": "该身份证号已登记在户编号 OLD1 中；成员迁户请办理“户间迁移”"}
    ]
    assert not Household.objects.filter(number="H001").exists()


def test_village_outside_scope_is_an_error(w):
    report = run_import(to_csv(household_rows("H001", head={"村": "永丰村"})), actor=w.fendou)
    assert report.errors == [{"row": 2, "column": "村", "message": "“永丰村”不在您的数据权限范围内"}]


def test_only_valid_imports_the_error_free_households(w):
    rows = household_rows("H001") + household_rows("H002", head={"工资性收入": "-1"})
    report = run_import(to_csv(rows), actor=w.shibazhan, only_valid=True)
    assert report.committed and len(report.errors) == 1
    assert list(Household.objects.values_list("number", flat=True)) == ["H001"]


def test_dry_run_reports_the_plan_and_writes_nothing(w):
    report = run_import(to_csv(household_rows("H001", members=2)), actor=w.fendou, dry_run=True)
    assert not report.committed and report.as_json()["members"]["created"] == 3
    assert not Household.objects.exists()


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_encodings_title_row_header_variants(w, encoding):
    rows = household_rows("H001", members=1)
    headers = [h.replace("工资性收入", "工资性收入（元）").replace("身份证号", " 身份证号 ") for h in HEADERS]
    data = to_csv(rows, encoding=encoding, title="塔河县十八站乡奋斗村农户信息表", headers=headers)
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    report = run_import(data, filename="x.csv", actor=w.fendou)
    assert report.errors == [] and report.committed
    assert Member.objects.get(relation="head").name == "王振华"


def _xlsx(rows, *, id_as_number=False, blank_rows=True) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write(0, 0, "农户信息表")
    sheet.write_row(1, 0, HEADERS)
    r = 2
    for row in rows:
        for c, h in enumerate(HEADERS):
            value = row.get(h, "")
            if h == "身份证号" and id_as_number and row.get("与户主关系") != "户主":
                sheet.write_number(r, c, float(value))
            elif h in {"工资性收入", "收入年度"} and value:
                sheet.write_number(r, c, float(value))
            else:
                sheet.write_string(r, c, value)
        r += 2 if blank_rows else 1
    book.close()
    return buf.getvalue()


def test_xlsx_with_blank_rows_and_an_excel_number_id(w):
    rows = household_rows("H001", members=1)
    report = run_import(_xlsx(rows, id_as_number=True), filename="a.xlsx", actor=w.fendou)
    # title row 1, header row 2, head on row 3, a blank row 4, the spouse (an Excel number) on row 5
    assert report.errors == [
        {
            "row": 5,
            "column": "身份证号",
            "message": "身份证号被 Excel 存成了数字，末几位可能已丢失；请把该列设为“文本”格式后重新填写",
        }
    ]
    report = run_import(_xlsx(rows), filename="a.xlsx", actor=w.fendou)
    assert report.errors == [] and Member.objects.count() == 2


def test_unreadable_files():
    with pytest.raises(Unreadable):
        run_import(b"", filename="a.csv")
    with pytest.raises(Unreadable, match="表头"):
        run_import("随便,什么\n1,2\n".encode(), filename="a.csv")
    with pytest.raises(Unreadable):
        run_import(b"PK\x03\x04garbage", filename="a.xlsx")


def test_encrypted_column_holds_no_plain_number(w):
    rows = household_rows("H001", members=1)
    run_import(to_csv(rows), actor=w.fendou)
    for m, row in zip(Member.objects.order_by("pk"), rows, strict=False):
        number = row["身份证号"]
        assert number not in m.id_cipher and number[6:14] not in m.id_cipher and number not in m.id_hash
        assert idnumber.decrypt(m.id_cipher) == number and m.id_masked == idnumber.mask(number)
    entries = " ".join(json.dumps(e.after, ensure_ascii=False) for e in AuditEntry.objects.all())
    assert rows[0]["身份证号"] not in entries


def test_cli_exit_codes_and_json(w, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(to_csv(household_rows("H001")))
    call_command("import_households", str(good), "--json")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == {
        "committed": True,
        "households": {"created": 1, "updated": 0, "unchanged": 0},
        "members": {"created": 2, "updated": 0, "unchanged": 0},
        "errors": [],
    }
    bad = tmp_path / "bad.csv"
    bad.write_bytes(to_csv(household_rows("H002", head={"工资性收入": "-3"})))
    report = tmp_path / "report.xlsx"
    with pytest.raises(SystemExit) as exc:
        call_command("import_households", str(bad), "--json", "--report", str(report))
    assert exc.value.code == 1
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["committed"] is False
    assert out["errors"] == [{"row": 2, "column": "工资性收入", "message": "金额不能为负数"}]
    assert report.read_bytes().startswith(b"PK")
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(report))
    assert book.get_sheet_by_name("导入结果").to_python()[1][0] == "未提交（数据库未作任何修改）"
    assert [2, "工资性收入", "金额不能为负数"] in [
        [int(r[0]) if isinstance(r[0], float) else r[0], *r[1:]] for r in book.get_sheet_by_name("错误清单").to_python()
    ]
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\xff\xfe\x00\x00garbage")
    with pytest.raises(SystemExit) as exc:
        call_command("import_households", str(junk), "--json")
    assert exc.value.code == 2
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["committed"] is False

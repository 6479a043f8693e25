from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from zhenxing.audit.models import AuditEntry
from zhenxing.registry import idnumber
from zhenxing.registry.imports import HEADERS
from zhenxing.registry.models import Household, Member
from zhenxing.registry.testing import make_household, new_id

from .conftest import household_rows, to_csv


@pytest.fixture
def fendou_household(w):
    number = new_id()
    h = make_household(
        village=w.r.fendou,
        number="F001",
        members=[
            {"name": "赵振华", "relation": "head", "id_number": number},
            {"name": "钱秀英", "relation": "spouse", "male": False, "health": "serious"},
        ],
    )
    h.id_number = number
    return h


def test_list_search_by_exact_id_number_and_name(login, w, fendou_household):
    make_household(village=w.r.fendou, number="F002")
    client = login(w.fendou)
    number = fendou_household.id_number
    response = client.post(reverse("registry:list"), {"q": f" {number.lower()} "})
    assert number not in response["Location"] and "idh=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "F001" in page and "F002" not in page
    assert number not in page  # the list never shows a full number
    assert "F001" in client.get(reverse("registry:list"), {"q": "钱秀英"}).content.decode()
    # an ID number typed into the address bar is answered from its keyed hash (issue 20)
    typed = client.get(reverse("registry:list"), {"q": number, "health": "serious"})
    assert typed.status_code == 302 and number not in typed["Location"] and "idh=" in typed["Location"]
    assert "F001" in client.get(typed["Location"]).content.decode()
    page = client.get(reverse("registry:list"), {"health": "serious"}).content.decode()
    assert "F001" in page and "F002" not in page


def test_list_is_scoped_and_keyset_paginated(login, w):
    for i in range(3):
        make_household(village=w.r.fendou, number=f"F00{i}")
    make_household(village=w.r.yongfeng, number="Y001")
    client = login(w.fendou)
    from zhenxing.registry import selectors

    qs = selectors.household_search(user=w.fendou, filters=selectors.HouseholdFilters())
    rows, cursor = selectors.keyset_page(qs, size=2)
    assert [h.number for h in rows] == ["F000", "F001"] and cursor
    rows, cursor = selectors.keyset_page(qs, cursor=cursor, size=2)
    assert [h.number for h in rows] == ["F002"] and cursor == ""
    assert "Y001" not in client.get(reverse("registry:list")).content.decode()


def test_income_sort_keyset_with_nulls_last(w):
    from zhenxing.registry import selectors

    make_household(village=w.r.fendou, number="A", income={"wage_income": 1000})
    make_household(village=w.r.fendou, number="B", income={"wage_income": 1000})
    make_household(village=w.r.fendou, number="C", income=False)
    make_household(village=w.r.fendou, number="D", income={"wage_income": 500})
    qs = selectors.household_search(user=w.fendou, filters=selectors.HouseholdFilters())

    def walk(sort, size):
        seen, cursor = [], ""
        while True:
            rows, cursor = selectors.keyset_page(qs, sort=sort, cursor=cursor, size=size)
            seen += [h.number for h in rows]
            if not cursor:
                return seen

    assert walk("income", 1) == walk("income", 3) == ["D", "A", "B", "C"]
    assert walk("-income", 1) == walk("-income", 2) == ["B", "A", "D", "C"]
    assert walk("-number", 1) == ["D", "C", "B", "A"]


def test_detail_masks_and_reveal_is_audited_and_role_limited(login, w, fendou_household):
    client = login(w.fendou)
    url = reverse("registry:household", args=[fendou_household.pk])
    page = client.get(url).content.decode()
    assert idnumber.mask(fendou_household.id_number) in page and fendou_household.id_number not in page
    assert "三保障" in page and "家庭收入" in page and "变更记录" in page
    head = fendou_household.members.get(relation="head")
    response = client.post(reverse("registry:member_reveal", args=[head.pk]))
    assert fendou_household.id_number in response.content.decode()
    assert AuditEntry.objects.filter(action="reveal_id", object_id=str(head.pk), actor=w.fendou).count() == 1
    assert login(w.yibao).post(reverse("registry:member_reveal", args=[head.pk])).status_code == 403
    assert login(w.yongfeng).get(url).status_code == 404


def test_export_masks_unless_allowed_and_asked_and_is_audited(login, w, fendou_household):
    client = login(w.shibazhan)
    response = client.get(reverse("registry:export"))
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert "十八站鄂伦春族乡" in rows[0][0] and "导出日期" in rows[0][0]
    assert rows[1] == HEADERS
    ids = [r[5] for r in rows[2:]]
    assert idnumber.mask(fendou_household.id_number) in ids and fendou_household.id_number not in ids
    assert AuditEntry.objects.filter(action="export", actor=w.shibazhan).count() == 1
    # Issue 20: full numbers only by POST with a reason; the GET link is gone
    page = client.get(reverse("registry:list")).content.decode()
    assert "reveal=1" not in page and 'name="reason"' in page
    refused = client.get(reverse("registry:export"), {"reveal": "1"})
    assert refused.status_code == 302 and "reveal" not in refused["Location"]
    assert not AuditEntry.objects.filter(action="reveal_id").exists()
    no_reason = client.post(reverse("registry:export"), {"reason": "  "})
    assert no_reason.status_code == 302 and not AuditEntry.objects.filter(action="reveal_id").exists()
    revealed = client.post(reverse("registry:export") + "?q=F001", {"reason": "县级复核"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(revealed.content)).get_sheet_by_index(0).to_python()
    assert fendou_household.id_number in [r[5] for r in rows[2:]]
    entry = AuditEntry.objects.get(action="reveal_id", actor=w.shibazhan)
    assert entry.extra["reason"] == "县级复核" and entry.extra["filters"] == {"q": "F001"}
    assert login(w.yibao).post(reverse("registry:export"), {"reason": "x"}).status_code == 403
    assert login(w.yongfeng).get(reverse("registry:export")).status_code == 200


def test_exported_file_reimports_as_no_op(login, w, fendou_household):
    content = login(w.diqu).post(reverse("registry:export"), {"reason": "核对"}).content
    from zhenxing.registry.imports import run_import

    report = run_import(content, filename="export.xlsx", actor=w.fendou)
    assert report.errors == [] and report.as_json()["members"] == {"created": 0, "updated": 0, "unchanged": 2}


def test_template_download_has_headers_and_drop_downs(login, w):
    response = login(w.fendou).get(reverse("registry:template"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[1] == HEADERS
    import zipfile

    sheet = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "dataValidation" in sheet and "普通劳动力" in sheet


def test_create_edit_and_member_change_forms_speak_chinese(login, w):
    client = login(w.fendou)
    response = client.post(
        reverse("registry:create"), {"number": "", "village": w.r.yongfeng.pk, "formerly_poor": "on"}
    )
    page = response.content.decode()
    assert "请填写户编号" in page and "所选村不在您的数据权限范围内" in page and "脱贫户须填写脱贫年度" in page
    response = client.post(
        reverse("registry:create"), {"number": "N1", "village": w.r.fendou.pk, "housing_safe": "on", "water_safe": "on"}
    )
    h = Household.objects.get(number="N1")
    assert response.status_code == 302
    response = client.post(
        reverse("registry:member_add", args=[h.pk]),
        {
            "name": "李四",
            "id_number": "232722800101001",
            "relation": "head",
            "labour": "normal",
            "health": "healthy",
            "schooling": "not_in_school",
            "work_status": "none",
        },
    )
    assert "15位旧身份证号须先升级为18位" in response.content.decode()
    number = new_id()
    client.post(
        reverse("registry:member_add", args=[h.pk]),
        {
            "name": "李四",
            "id_number": f" {number.lower()} ",
            "relation": "head",
            "labour": "normal",
            "health": "healthy",
            "schooling": "not_in_school",
            "work_status": "none",
            "insured": "on",
        },
    )
    member = Member.objects.get(household=h)
    response = client.post(reverse("registry:member_change", args=[member.pk]), {"kind": "leave", "date": "2022-01-01"})
    assert "迁出须填写原因" in response.content.decode()
    client.post(reverse("registry:member_change", args=[member.pk]), {"kind": "death", "date": "2022-01-01"})
    member.refresh_from_db()
    assert member.status == "dead"
    response = client.post(
        reverse("registry:edit", args=[h.pk]),
        {"village": w.r.fendou.pk, "formerly_poor": "on", "exit_year": "2019", "phone": "13900000000"},
    )
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.exit_year == 2019 and not h.housing_safe
    assert login(w.ducha).get(reverse("registry:create")).status_code == 403


def test_import_page_preview_then_commit(login, w, settings):
    settings.JOB_RUNNER = "inline"  # the commit runs on the job queue, inside the request
    client = login(w.fendou)
    bad = to_csv(household_rows("H1", head={"工资性收入": "-2"}))
    response = client.post(reverse("registry:import"), {"file": io.BytesIO(bad) and _upload("a.csv", bad)})
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    assert "金额不能为负数" in page and "不能导入" in page
    assert client.post(job_url).status_code == 302
    assert not Household.objects.exists()  # a file with errors cannot be committed from the page

    good = to_csv(household_rows("H1", members=2), encoding="gbk")
    job_url = client.post(reverse("registry:import"), {"file": _upload("b.csv", good)})["Location"]
    page = client.get(job_url).content.decode()
    assert re.search(r"新增 1，修改 0，未变 0", page) and "确认导入" in page
    assert not Household.objects.exists()  # the preview writes nothing
    client.post(job_url)
    page = client.get(job_url).content.decode()
    assert "导入完成" in page
    assert Household.objects.get().living_members == 3
    # another user cannot see the job
    assert login(w.yongfeng).get(job_url).status_code == 404


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_region_filter_pages_merge_villages_in_number_order(w):
    from zhenxing.registry import selectors

    for number, village in [
        ("A1", w.r.yongfeng),
        ("B1", w.r.fendou),
        ("A2", w.r.fendou),
        ("B2", w.r.yongfeng),
        ("C1", w.r.kaikukang),
    ]:
        make_household(village=village, number=number)
    filters = selectors.HouseholdFilters(region=w.r.shibazhan)
    qs = selectors.household_search(user=w.shibazhan, filters=filters)
    assert filters.village_ids and len(filters.village_ids) > 1
    for sort, expected in (("number", ["A1", "A2", "B1", "B2"]), ("-number", ["B2", "B1", "A2", "A1"])):
        seen, cursor = [], ""
        while True:
            rows, cursor = selectors.keyset_page(qs, sort=sort, cursor=cursor, size=3, villages=filters.village_ids)
            seen += [h.number for h in rows]
            if not cursor:
                break
        assert seen == expected


def test_list_filters_the_dashboard_links_with(login, w):
    """region (a village's code too), monitoring_kind, income_below (strictly below), and the
    三保障/饮水 flags; always within the user's scope."""
    make_household(village=w.r.fendou, number="F-LOW", income={"wage_income": 13599.98})  # 6,799.99 each
    make_household(village=w.r.fendou, number="F-AT", income={"wage_income": 13600}, housing_safe=False)
    make_household(
        village=w.r.fendou, number="F-WATER", water_safe=False, medical_insured=False, schooling_secured=False
    )
    k = make_household(village=w.r.fendou, number="F-KIND")
    Household.objects.filter(pk=k.pk).update(monitoring_status="monitored", monitoring_kind="100A03002")
    make_household(village=w.r.yongfeng, number="Y-LOW", income={"wage_income": 100}, housing_safe=False)
    numbers = ["F-LOW", "F-AT", "F-WATER", "F-KIND", "Y-LOW"]

    def listed(user, **params):
        page = login(user).get(reverse("registry:list"), params).content.decode()
        return [n for n in numbers if f">{n}<" in page]

    assert listed(w.shibazhan, region=w.r.fendou.code) == ["F-LOW", "F-AT", "F-WATER", "F-KIND"]
    assert listed(w.shibazhan, income_below="6800") == ["F-LOW", "Y-LOW"]  # exactly 6,800 is not below
    assert listed(w.shibazhan, region=w.r.fendou.code, income_below="6800") == ["F-LOW"]
    assert listed(w.shibazhan, housing_safe="0") == ["F-AT", "Y-LOW"]
    assert listed(w.shibazhan, region=w.r.fendou.code, housing_safe="1") == ["F-LOW", "F-WATER", "F-KIND"]
    assert listed(w.shibazhan, water_safe="0") == ["F-WATER"]
    assert listed(w.shibazhan, medical_insured="0") == ["F-WATER"]
    assert listed(w.shibazhan, schooling_secured="0") == ["F-WATER"]
    assert listed(w.shibazhan, monitoring_status="monitored", monitoring_kind="100A03002") == ["F-KIND"]
    assert listed(w.shibazhan, monitoring_kind="100A03001") == []
    # another village's cadre never sees 永丰村's household, whatever the filter
    assert listed(w.fendou, income_below="6800") == ["F-LOW"]
    assert (
        login(w.fendou).get(reverse("registry:list"), {"region": w.r.yongfeng.code, "housing_safe": "0"}).status_code
        == 404
    )

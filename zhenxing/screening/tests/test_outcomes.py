"""Alert outcomes across modules: attach (screening ↔ monitoring), rectify (screening ↔ ledger ↔
registry ↔ the dashboard's 应为零 figure), the department's withdrawal and the alert's thread, and
the township's bulk hand-on; each at its boundaries (wrong department, wrong level, another region)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhenxing.accounts.models import Department
from zhenxing.audit.models import AuditEntry
from zhenxing.dashboard.indicators import INDICATORS as REGISTRY_FIGURES
from zhenxing.ledger import services as ledger
from zhenxing.ledger.models import ItemStatus, RectificationItem
from zhenxing.monitoring import services as monitoring
from zhenxing.monitoring.models import CaseSource
from zhenxing.registry.models import Household, HouseholdFlagChange
from zhenxing.registry.testing import make_household
from zhenxing.screening import alerts as alert_writes
from zhenxing.screening import workflow
from zhenxing.screening.models import Alert, AlertNote, AlertState, NoteKind, RecordCorrection

HOUSING_UNSAFE = next(i for i in REGISTRY_FIGURES if i.code == "registry.housing_unsafe")


def make_alert(*, household=None, village=None, rule="housing", state=AlertState.NEW, department=None) -> Alert:
    village = village or household.village
    now = timezone.now()
    dept = (
        department
        if department is not None
        else {
            "housing": Department.HOUSING,
            "water": Department.WATER,
            "medical": Department.MEDICAL_INSURANCE,
            "dropout": Department.EDUCATION,
            "uninsured": Department.MEDICAL_INSURANCE,
        }.get(rule, "")
    )
    subject = f"h{household.pk}" if household else f"v{village.pk}"
    return Alert.objects.create(
        rule=rule,
        rule_name={"housing": "住房安全", "water": "饮水安全", "medical": "医疗负担过重"}.get(rule, rule),
        subject=subject,
        household=household,
        village=village,
        department=dept,
        state=state,
        raised_at=now,
        updated_at=now,
        evidence={
            "sub": "",
            "records": [{"source": rule, "key": "K1", "date": "2022-03-15", "note": "鉴定等级C"}],
            "record_count": 1,
        },
    )


def act(client, alert, action, **body):
    alert.refresh_from_db()
    return client.post(
        f"/api/v1/screening/alerts/{alert.pk}/transitions",
        {"action": action, "version": alert.version, **body},
        content_type="application/json",
    )


# ---------------------------------------------------------------- attach: screening ↔ monitoring


def test_attach_joins_the_open_case_and_closes_the_alert_citing_it(w, login):
    h = make_household(village=w.r.fendou)
    case = monitoring.case_discover(actor=w.fendou, household=h, channel="cadre_visit", risk_types=["07"])
    alert = make_alert(household=h, state=AlertState.ISSUED)
    client = login(w.fendou)
    codes = [a["action"] for a in client.get(f"/api/v1/screening/alerts/{alert.pk}").json()["available_actions"]]
    assert "attach" in codes and "include" not in codes  # include would be refused: the household has a case
    response = act(client, alert, "attach", reason="已在监测中，并入案件")
    assert response.status_code == 200, response.content
    alert.refresh_from_db()
    assert (alert.state, alert.is_open, alert.case_ref) == (AlertState.ATTACHED, False, str(case.pk))
    source = CaseSource.objects.get(case=case, source_ref=f"screening.alert:{alert.pk}")
    assert source.flags == ["housing_safe"]
    assert case.events.filter(transition="attach_source").count() == 1
    h.refresh_from_db()
    assert h.housing_safe is False  # the confirmed problem is on the household's record, with its history
    assert HouseholdFlagChange.objects.get(household=h).source == f"screening.alert:{alert.pk}"


def test_attach_refused_without_an_open_case_and_include_refused_with_one(w):
    lone = make_household(village=w.r.fendou)
    alert = make_alert(household=lone, state=AlertState.VERIFYING)
    with pytest.raises(ValidationError, match="没有未办结的监测案件"):
        alert_writes.alert_transition(actor=w.fendou, alert=alert, action="attach")
    monitoring.case_discover(actor=w.fendou, household=lone, channel="cadre_visit", risk_types=["07"])
    with pytest.raises(ValidationError, match="并入该户未办结的监测案件"):
        alert_writes.alert_transition(actor=w.fendou, alert=alert, action="include", reason="核实有风险")


def test_the_village_cannot_act_on_an_alert_before_the_township_hands_it_on(w):
    h = make_household(village=w.r.fendou)
    monitoring.case_discover(actor=w.fendou, household=h, channel="cadre_visit", risk_types=["07"])
    alert = make_alert(household=h)
    assert [t.code for t in workflow.available(alert, w.fendou)] == []
    with pytest.raises(PermissionDenied):
        alert_writes.alert_transition(actor=w.fendou, alert=alert, action="attach")
    alert_writes.alert_transition(actor=w.shibazhan, alert=alert, action="attach")  # the township may
    assert Alert.objects.get(pk=alert.pk).state == AlertState.ATTACHED


# ---------------------------------------------------------------- rectify: screening ↔ ledger ↔ registry ↔ figure


def test_alert_to_item_to_closed_item_moves_the_flag_and_the_dashboard_figure(w, login):
    h = make_household(village=w.r.fendou)
    today = timezone.localdate()
    before = HOUSING_UNSAFE.compute(w.r.fendou, today).value
    alert = make_alert(household=h, state=AlertState.VERIFYING)
    response = act(login(w.fendou), alert, "rectify", reason="入户核实：房屋墙体开裂")
    assert response.status_code == 200, response.content
    alert.refresh_from_db()
    item = RectificationItem.objects.get(pk=int(alert.item_ref))
    assert (alert.state, alert.is_open) == (AlertState.RECTIFYING, False)
    assert (item.type.code, item.household_id, item.source, item.source_ref) == (
        "housing",
        h.pk,
        "screening",
        f"screening.alert:{alert.pk}",
    )
    assert HOUSING_UNSAFE.compute(w.r.fendou, today).value == before + 1  # confirmed: not safe
    ledger.item_transition(actor=w.fendou, item=item, action="fix", evidence="已完成危房改造，验收合格")
    item.refresh_from_db()
    ledger.item_transition(actor=w.shibazhan, item=item, action="verify")
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED
    h.refresh_from_db()
    assert h.housing_safe is True
    assert list(HouseholdFlagChange.objects.filter(household=h).order_by("id").values_list("new_value", "source")) == [
        (False, f"screening.alert:{alert.pk}"),
        (True, f"ledger.item:{item.pk}"),
    ]
    assert HOUSING_UNSAFE.compute(w.r.fendou, today).value == before  # the 应为零 count came back by itself


def test_water_alerts_of_one_village_share_one_open_item_and_its_closing_secures_the_village(w):
    dry = [make_household(village=w.r.fendou, water_safe=False) for _ in range(2)]
    elsewhere = make_household(village=w.r.yongfeng, water_safe=False)
    first = make_alert(village=w.r.fendou, rule="water", state=AlertState.ISSUED)
    alert_writes.alert_transition(actor=w.fendou, alert=first, action="rectify")
    second = make_alert(village=w.r.fendou, rule="water")  # raised again by a later run
    alert_writes.alert_transition(actor=w.shibazhan, alert=second, action="rectify")
    first.refresh_from_db(), second.refresh_from_db()
    assert first.item_ref == second.item_ref
    item = RectificationItem.objects.get(pk=int(first.item_ref))
    assert (item.type.code, item.region_id, item.household_id) == ("water", w.r.fendou.pk, None)
    ledger.item_transition(actor=w.fendou, item=item, action="fix", evidence="新建集中供水工程，水质检测合格")
    item.refresh_from_db()
    ledger.item_transition(actor=w.tahe, item=item, action="verify")
    assert all(Household.objects.get(pk=h.pk).water_safe for h in dry)
    assert Household.objects.get(pk=elsewhere.pk).water_safe is False  # another village: untouched


def test_rectify_is_only_for_housing_water_schooling_and_insurance(w):
    h = make_household(village=w.r.fendou)
    alert = make_alert(household=h, rule="medical", state=AlertState.VERIFYING)
    assert "rectify" not in [t.code for t in workflow.available(alert, w.fendou)]
    with pytest.raises(ValidationError, match="只有住房、饮水、义务教育、基本医保"):
        alert_writes.alert_transition(actor=w.fendou, alert=alert, action="rectify")
    assert not RectificationItem.objects.exists()


# ---------------------------------------------------------------- withdraw and the thread


def test_the_department_withdraws_its_own_wrong_record_and_only_it(w, login):
    h = make_household(village=w.r.fendou)
    alert = make_alert(household=h, rule="medical")
    assert act(login(w.minzheng), alert, "withdraw", reason="x").status_code == 404  # 民政 cannot see 医保's alert
    assert act(login(w.shibazhan), alert, "withdraw", reason="x").status_code == 403  # nor the township withdraw it
    assert "请填写撤回原因" in act(login(w.yibao), alert, "withdraw").json()["detail"]
    response = act(login(w.yibao), alert, "withdraw", reason="结算记录重复上报，已核销")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "withdrawn" and body["is_open"] is False
    assert body["corrections"][0]["record_key"] == "K1" and body["notes"][0]["kind"] == "withdrawal"
    flagged = RecordCorrection.objects.get(alert=alert)
    assert (flagged.department, flagged.reason) == (Department.MEDICAL_INSURANCE, "结算记录重复上报，已核销")
    logged = AuditEntry.objects.get(model="screening.recordcorrection", object_id=str(flagged.pk), action="create")
    assert logged.actor == w.yibao and logged.after["reason"] == "结算记录重复上报，已核销"


def test_withdraw_refused_to_another_department_in_the_service_too(w):
    alert = make_alert(household=make_household(village=w.r.fendou), rule="medical")
    with pytest.raises(PermissionDenied):
        alert_writes.alert_transition(actor=w.minzheng, alert=alert, action="withdraw", reason="不是本部门")


def test_comment_thread_is_answered_by_the_department_and_seen_by_township_and_village(w, login):
    alert = make_alert(household=make_household(village=w.r.fendou), rule="medical", state=AlertState.ISSUED)
    asked = login(w.fendou).post(
        f"/api/v1/screening/alerts/{alert.pk}/comments",
        {"text": "结算金额是否含报销？"},
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    answered = login(w.yibao).post(
        f"/api/v1/screening/alerts/{alert.pk}/comments",
        {"text": "个人负担已扣除报销部分"},
        content_type="application/json",
    )
    assert answered.status_code == 201 and answered.json()["author_role"] == "行业部门工作人员"
    seen = login(w.shibazhan).get(f"/api/v1/screening/alerts/{alert.pk}").json()["notes"]
    assert [n["text"] for n in seen] == ["结算金额是否含报销？", "个人负担已扣除报销部分"]
    page = login(w.fendou).get(f"/screening/alerts/{alert.pk}/").content.decode()
    assert "个人负担已扣除报销部分" in page
    assert (
        login(w.minzheng)
        .post(f"/api/v1/screening/alerts/{alert.pk}/comments", {"text": "?"}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        login(w.kaikukang)
        .post(f"/api/v1/screening/alerts/{alert.pk}/comments", {"text": "?"}, content_type="application/json")
        .status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        alert_writes.alert_note_add(actor=w.ducha, alert=alert, text="督查留言")
    with pytest.raises(ValidationError):
        alert_writes.alert_note_add(actor=w.fendou, alert=alert, text="   ")


# ---------------------------------------------------------------- bulk hand-on; the instruction stays


def test_township_bulk_hands_on_with_one_audit_entry_per_alert_and_the_instruction_stays(w, login):
    a = make_alert(household=make_household(village=w.r.fendou), rule="medical")
    b = make_alert(household=make_household(village=w.r.yongfeng), rule="medical")
    before = AuditEntry.objects.filter(action="transition").count()
    response = login(w.shibazhan).post(
        "/api/v1/screening/alerts/bulk-issue",
        {"ids": [a.pk, b.pk], "instruction": "5个工作日内入户核实"},
        content_type="application/json",
    )
    assert response.status_code == 200 and sorted(response.json()["done"]) == sorted([a.pk, b.pk])
    assert AuditEntry.objects.filter(action="transition").count() == before + 2
    alert_writes.alert_transition(actor=w.fendou, alert=Alert.objects.get(pk=a.pk), action="start")
    alert_writes.alert_transition(
        actor=w.fendou, alert=Alert.objects.get(pk=a.pk), action="dismiss", reason="核实无风险", evidence="入户核实记录"
    )
    a.refresh_from_db()
    assert a.outcome_reason == "核实无风险"
    assert list(AlertNote.objects.filter(alert=a).values_list("kind", "text")) == [
        (NoteKind.INSTRUCTION, "5个工作日内入户核实")
    ]  # the instruction is not overwritten
    page = login(w.fendou).get(f"/screening/alerts/{a.pk}/").content.decode()
    assert "5个工作日内入户核实" in page


def test_bulk_by_village_issues_only_that_villages_new_alerts(w, login):
    mine = [make_alert(household=make_household(village=w.r.fendou), rule=r) for r in ("medical", "housing")]
    other = make_alert(household=make_household(village=w.r.yongfeng), rule="medical")
    response = login(w.shibazhan).post("/screening/", {"village": w.r.fendou.code, "instruction": "按村下发"})
    assert response.status_code == 302
    assert {x.state for x in Alert.objects.filter(pk__in=[m.pk for m in mine])} == {AlertState.ISSUED}
    assert Alert.objects.get(pk=other.pk).state == AlertState.NEW


def test_bulk_boundaries_village_refused_and_another_region_404(w, login):
    here = make_alert(household=make_household(village=w.r.fendou), rule="medical")
    there = make_alert(household=make_household(village=w.r.kaikukang), rule="medical")
    assert (
        login(w.fendou)
        .post("/api/v1/screening/alerts/bulk-issue", {"ids": [here.pk]}, content_type="application/json")
        .status_code
        == 403
    )
    assert login(w.fendou).post("/screening/", {"ids": [here.pk]}).status_code == 403
    assert (
        login(w.shibazhan)
        .post("/api/v1/screening/alerts/bulk-issue", {"ids": [here.pk, there.pk]}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        login(w.shibazhan)
        .post("/api/v1/screening/alerts/bulk-issue", {"village": w.r.kaikukang.code}, content_type="application/json")
        .status_code
        == 404
    )
    assert Alert.objects.filter(state=AlertState.NEW).count() == 2  # nothing was issued


def test_department_choices_are_domains_full_list():
    labels = {str(label) for label in Department.labels}
    assert {
        "医保",
        "民政",
        "教育",
        "住建",
        "水务",
        "人社",
        "残联",
        "应急",
        "卫健",
        "公安",
        "农业农村",
        "财政",
        "交通",
        "生态环境",
        "自然资源",
    } == labels

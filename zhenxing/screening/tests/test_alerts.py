"""Runs are idempotent; alert transitions, scope, export, the CLI's JSON line, simulation, conversion."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from zhenxing.audit.models import AuditEntry
from zhenxing.registry import idnumber, testing
from zhenxing.registry.models import Household
from zhenxing.screening import alerts as alert_writes
from zhenxing.screening import runs, services
from zhenxing.screening.models import Alert, AlertState, RuleSet, Run

AS_OF = dt.date(2022, 6, 30)


def med(serial, number, burden):
    return {
        "结算流水号": serial,
        "身份证号": number,
        "姓名": "某",
        "结算日期": "2022-05-01",
        "医疗总费用": burden,
        "基本医保支付": 0,
        "大病保险支付": 0,
        "医疗救助支付": 0,
        "个人负担": burden,
    }


@pytest.fixture
def sick(w, feed):
    """A 奋斗村 household with a heavy medical burden and a 开库康村 one likewise."""
    a = testing.make_household(village=w.r.fendou, number="F1")
    b = testing.make_household(village=w.r.kaikukang, number="K1")
    feed(
        "medical",
        [
            med("A1", idnumber.decrypt(a.members.first().id_cipher), "50000"),
            med("B1", idnumber.decrypt(b.members.first().id_cipher), "50000"),
        ],
    )
    runs.screen(actor=None, as_of=AS_OF)
    return Alert.objects.get(rule="medical", household=a), Alert.objects.get(rule="medical", household=b)


def test_rerun_updates_evidence_instead_of_adding(w, feed, sick):
    alert, _ = sick
    f1 = Household.objects.get(number="F1")
    feed("medical", [med("A2", idnumber.decrypt(f1.members.last().id_cipher), "100")])
    summary = runs.screen(actor=None, as_of=AS_OF)
    assert Alert.objects.filter(rule="medical", household=f1).count() == 1
    assert summary["new"] == 0 and summary["updated"] == 2 and summary["closed"] == 0
    alert.refresh_from_db()
    assert {r["key"] for r in alert.evidence["records"]} == {"A1", "A2"}
    assert alert.citation["ruleset_version"] == 1 and alert.citation["parameters"]["ratio_other"] == 1.0
    assert alert.citation["as_of"] == AS_OF.isoformat() and "parameters" not in alert.evidence


def test_identical_rerun_rewrites_nothing_and_a_changed_alert_only_itself(w, feed, sick):
    a, b = sick
    first = runs.screen(actor=None, as_of=AS_OF)  # same data as the fixture's run
    assert (first["new"], first["updated"], first["closed"]) == (0, 2, 0)
    a2, b2 = Alert.objects.get(pk=a.pk), Alert.objects.get(pk=b.pk)
    assert (a2.last_run_id, a2.updated_at, a2.evidence_digest) == (a.last_run_id, a.updated_at, a.evidence_digest)
    assert len(a2.evidence_digest) == 32 and b2.updated_at == b.updated_at
    k1 = Household.objects.get(number="K1")
    feed("medical", [med("B2", idnumber.decrypt(k1.members.first().id_cipher), "10")])  # new evidence for K1 only
    runs.screen(actor=None, as_of=AS_OF)
    a3, b3 = Alert.objects.get(pk=a.pk), Alert.objects.get(pk=b.pk)
    assert a3.updated_at == a.updated_at and a3.last_run_id == a.last_run_id
    assert b3.updated_at > b.updated_at and b3.evidence_digest != b.evidence_digest
    assert {r["key"] for r in b3.evidence["records"]} == {"B1", "B2"}
    assert b3.metric == b.metric + Decimal(10) / k1.living_members  # per living member


def test_a_later_as_of_on_unchanged_records_rewrites_nothing_but_new_parameters_do(w, sick):
    a, _ = sick
    runs.screen(actor=None, as_of=AS_OF + dt.timedelta(days=15))  # the bill is still in the window
    same = Alert.objects.get(pk=a.pk)
    assert (same.last_run_id, same.updated_at) == (a.last_run_id, a.updated_at)
    assert same.citation["as_of"] == AS_OF.isoformat()  # the evidence is as of the run that set it
    runs.screen(actor=None, as_of=AS_OF, overrides={"medical.ratio_other": "0.9"})
    changed = Alert.objects.get(pk=a.pk)
    assert changed.last_run_id != a.last_run_id and changed.evidence_digest != a.evidence_digest
    assert changed.citation["parameters"]["ratio_other"] == 0.9 and changed.evidence == a.evidence


def test_lapsed_when_condition_no_longer_holds_but_verifying_stays(w, sick):
    fendou_alert, kaikukang_alert = sick
    alert_writes.alert_transition(actor=w.tahe, alert=fendou_alert, action="issue")
    alert_writes.alert_transition(actor=w.fendou, alert=fendou_alert, action="start")
    summary = runs.screen(actor=None, as_of=dt.date(2023, 6, 30))  # bills now outside the window
    fendou_alert.refresh_from_db(), kaikukang_alert.refresh_from_db()
    assert summary["closed"] == 1
    assert kaikukang_alert.state == AlertState.LAPSED and not kaikukang_alert.is_open
    assert fendou_alert.state == AlertState.VERIFYING and fendou_alert.is_open


def test_transitions_follow_the_workflow(w, sick):
    alert, _ = sick
    with pytest.raises(PermissionDenied):
        alert_writes.alert_transition(actor=w.fendou, alert=alert, action="issue")  # a village does not issue
    with pytest.raises(ValidationError):
        alert_writes.alert_transition(actor=w.shibazhan, alert=alert, action="start")  # not yet issued
    alert_writes.alert_transition(actor=w.shibazhan, alert=alert, action="issue")
    assert alert.state == AlertState.ISSUED and alert.verify_due is not None
    stale = alert.version
    alert_writes.alert_transition(actor=w.fendou, alert=alert, action="start")
    with pytest.raises(ValidationError, match="已被他人处理"):
        alert_writes.alert_transition(
            actor=w.fendou, alert=alert, action="dismiss", reason="x", evidence="y", expected_version=stale
        )
    with pytest.raises(ValidationError, match="核实依据"):
        alert_writes.alert_transition(actor=w.fendou, alert=alert, action="dismiss", reason="收入已恢复")
    alert_writes.alert_transition(
        actor=w.fendou,
        alert=alert,
        action="dismiss",
        reason="医疗费用已由商业保险报销",
        evidence="入户核实记录 2022-07-05",
    )
    assert alert.state == AlertState.NO_RISK and not alert.is_open and alert.outcome_evidence
    assert AuditEntry.objects.filter(action="transition", object_id=str(alert.pk)).count() == 3


def test_scope_village_township_county_and_department(w, sick, login):
    fendou_alert, kaikukang_alert = sick
    from zhenxing.accounts import scope

    def visible(user):
        return set(scope.scoped(user, Alert).values_list("pk", flat=True))

    assert visible(w.fendou) == {fendou_alert.pk}
    assert visible(w.yongfeng) == set()
    assert visible(w.shibazhan) == {fendou_alert.pk}
    assert visible(w.tahe) == {fendou_alert.pk, kaikukang_alert.pk}
    assert visible(w.huma) == set()
    assert visible(w.yibao) == {fendou_alert.pk, kaikukang_alert.pk}  # 医保 raised them
    assert visible(w.minzheng) == set()  # 民政 did not
    client = login(w.kaikukang)
    assert client.get(reverse("screening:alert", args=[fendou_alert.pk])).status_code == 404
    page = client.get(reverse("screening:alert", args=[kaikukang_alert.pk]))
    assert page.status_code == 200
    # the page cites the run's rule set, as-of date and parameters
    assert "2022年 第1版；基准日 2022-06-30；参数 reference_income = " in page.content.decode()
    assert "ratio_other = 1.0" in page.content.decode()


def test_list_counts_and_export(w, sick, login):
    client = login(w.tahe)
    page = client.get(reverse("screening:alerts"), {"rule": "medical"})
    assert page.status_code == 200 and {a.household.number for a in page.context["page"]} == {"F1", "K1"}
    response = client.get(reverse("screening:alerts_export"), {"rule": "medical"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert "塔河县" in rows[0][0] and rows[1][0] == "预警编号"
    assert {r[6] for r in rows[2:]} == {"F1", "K1"}
    assert AuditEntry.objects.filter(action="export", actor=w.tahe).exists()
    page = login(w.kaikukang).get(reverse("screening:alerts"))
    assert {a.household.number for a in page.context["page"]} == {"K1"}


def test_region_narrows_the_list_and_export_and_answers_404_outside_the_scope(w, feed, login):
    """?region= (the dashboard's screening figures link with it): a village, a township's villages;
    another county's code, an unknown one or one above the user is a 404, never the whole list."""
    heads = [
        testing.make_household(village=v, number=n)
        for v, n in ((w.r.fendou, "F1"), (w.r.yongfeng, "Y1"), (w.r.kaikukang, "K1"))
    ]
    feed("medical", [med(f"S{i}", idnumber.decrypt(h.members.first().id_cipher), "50000") for i, h in enumerate(heads)])
    runs.screen(actor=None, as_of=AS_OF)
    client = login(w.shibazhan)

    def listed(**params) -> set[str]:
        page = client.get(reverse("screening:alerts"), params)
        assert page.status_code == 200
        return {a.household.number for a in page.context["page"]}

    assert listed() == {"F1", "Y1"}
    assert listed(region=w.r.fendou.code) == {"F1"}
    assert listed(region=w.r.shibazhan.code) == {"F1", "Y1"}
    assert listed(region=w.r.fendou.code, rule="medical") == {"F1"}
    page = client.get(reverse("screening:alerts"), {"region": w.r.fendou.code}).content.decode()
    assert f"区划：<strong>{w.r.fendou.full_name()}</strong>" in page
    assert '<a class="noprint" href="?">清除区划筛选</a>' in page
    response = client.get(reverse("screening:alerts_export"), {"region": w.r.fendou.code})
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert w.r.fendou.name in rows[0][0] and {r[6] for r in rows[2:]} == {"F1"}
    for url in (reverse("screening:alerts"), reverse("screening:alerts_export")):
        assert login(w.fendou).get(url, {"region": w.r.yongfeng.code}).status_code == 404  # the sibling village
        assert login(w.fendou).get(url, {"region": w.r.shibazhan.code}).status_code == 404  # above the user
        assert login(w.tahe).get(url, {"region": w.r.huma.code}).status_code == 404  # another county
        assert login(w.tahe).get(url, {"region": "232722999999"}).status_code == 404  # no such node


def test_cli_json_last_line(w, feed):
    testing.make_household(village=w.r.fendou, number="LOW", income={"wage_income": 100})
    testing.make_household(village=w.r.fendou, number="NONE", income=False)
    feed("death", [{"身份证号": testing.new_id(), "姓名": "某", "死亡日期": "2022-01-01"}])
    out = io.StringIO()
    call_command("screen", "--as-of", "2022-06-30", "--param", "income.threshold=6500", "--json", stdout=out)
    data = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(data) == {"households", "alerts", "new", "updated", "closed", "unmatched", "parameters", "seconds"}
    assert data["households"] == 2 and data["alerts"]["income"] == 1 and data["alerts"]["income_missing"] == 1
    assert data["parameters"]["income"]["threshold"] == 6500 and data["unmatched"]["death"] == 1
    assert data["new"] == 2
    run = Run.objects.get()
    assert run.overrides == {"income.threshold": "6500"} and run.ruleset.version == 1
    # the override was for that run only
    assert RuleSet.objects.get().rules["income"]["params"]["threshold"] == 6000


def test_simulation_writes_nothing(w):
    testing.make_household(village=w.r.fendou, number="A", income={"wage_income": 13000})  # 6500 per person
    testing.make_household(village=w.r.fendou, number="B", income={"wage_income": 12999.98})
    m = testing.make_household(village=w.r.kaikukang, number="M", income={"wage_income": 14000})
    Household.objects.filter(pk=m.pk).update(monitoring_status="monitored")
    out = io.StringIO()
    call_command("screen", "--as-of", "2022-06-30", "--simulate", "--threshold", "6500", "--json", stdout=out)
    sim = json.loads(out.getvalue().strip().splitlines()[-1])["simulated"]
    assert sim["total"] == {"below": 1, "below_not_monitored": 1, "monitored_above": 1, "households": 3}
    assert [c["county"] for c in sim["counties"]] == [w.r.tahe.code]
    assert Alert.objects.count() == 0 and Run.objects.count() == 0


def test_ruleset_edit_is_a_new_audited_version(w):
    with pytest.raises(PermissionDenied):
        services.ruleset_update(actor=w.tahe, year=2022, changes={"income.threshold": 7000})
    new = services.ruleset_update(actor=w.diqu, year=2022, changes={"income.threshold": "7000"}, note="2022年标准")
    assert new.version == 2 and RuleSet.objects.get(year=2022, version=1).rules["income"]["params"]["threshold"] == 6000
    assert AuditEntry.objects.filter(model="screening.ruleset", object_id=str(new.pk)).exists()
    summary = runs.screen(actor=None, as_of=AS_OF)
    assert summary["parameters"]["income"]["threshold"] == 7000 and summary["ruleset"] == 2


def test_run_from_page_for_prefecture_admin_only(w, login, settings):
    settings.SCREENING_RUNNER = "inline"
    testing.make_household(village=w.r.fendou, income={"wage_income": 100})
    assert login(w.tahe).post(reverse("screening:runs"), {"kind": "screen", "as_of": "2022-06-30"}).status_code == 403
    client = login(w.diqu)
    response = client.post(reverse("screening:runs"), {"kind": "simulate", "as_of": "2022-06-30", "threshold": "6000"})
    run = Run.objects.get()
    assert response.status_code == 302 and run.status == "done" and run.summary["simulated"]["total"]["below"] == 1
    client.post(reverse("screening:runs"), {"kind": "screen", "as_of": "2022-06-30"})  # previewed first
    preview = Run.objects.filter(kind="preview").get()
    assert preview.status == "done" and not Alert.objects.exists()
    page = client.get(reverse("screening:run", args=[preview.pk])).content.decode()
    assert "确认发出预警" in page and "预演结果" in page
    assert "确认发出预警" not in login(w.tahe).get(reverse("screening:run", args=[preview.pk])).content.decode()
    client = login(w.diqu)
    client.post(reverse("screening:runs"), {"kind": "screen", "as_of": "2022-06-30", "confirm": "1"})
    run = Run.objects.filter(kind="screen").get()
    assert run.status == "done" and run.progress == 100 and run.summary["alerts"]["income"] == 1
    assert "100" in client.get(reverse("screening:run", args=[run.pk])).content.decode()


def test_department_upload_page(w, login, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(w.yibao)
    page = client.get(reverse("screening:feeds")).content.decode()
    assert "医保结算" in page and "民政救助" not in page
    data = (
        "结算流水号,身份证号,姓名,结算日期,医疗总费用,基本医保支付,大病保险支付,医疗救助支付,个人负担\n"
        f"S9,{testing.new_id()},某,2022-01-01,10,5,0,0,5\n"
    ).encode()
    response = client.post(reverse("screening:feeds"), {"source": "medical", "file": SimpleUploadedFile("m.csv", data)})
    assert response.status_code == 302
    response = client.post(reverse("screening:feeds"), {"source": "civil", "file": SimpleUploadedFile("c.csv", data)})
    assert response.status_code == 200 and "civil" not in dict(response.context["form"].fields["source"].choices)


def test_converted_alert_opens_a_case_with_its_risk_types(w, sick):
    from zhenxing.monitoring.models import MonitoringCase

    alert, _ = sick
    alert_writes.alert_transition(actor=w.tahe, alert=alert, action="issue")
    alert_writes.alert_transition(actor=w.fendou, alert=alert, action="start")
    alert_writes.alert_transition(actor=w.fendou, alert=alert, action="include", reason="大病住院，自付过高")
    assert alert.state == AlertState.MONITORED and alert.case_ref
    case = MonitoringCase.objects.get(pk=alert.case_ref)
    assert case.household_id == alert.household_id
    assert case.source_ref == f"screening.alert:{alert.pk}" and "01" in case.risk_types


def test_new_ruleset_starts_from_the_years_monitoring_standard(w):
    """income.threshold and medical.reference_income are monitoring's YearStandard in force for the
    rule set's year (that year's, else the latest earlier one); a later year's never applies."""
    from decimal import Decimal

    from zhenxing.monitoring.models import YearStandard

    YearStandard.objects.create(year=2021, threshold=Decimal("6800"), reference_income=Decimal("17889.50"))
    YearStandard.objects.create(year=2023, threshold=Decimal("7200"), reference_income=Decimal("19000"))
    assert services.ruleset_current(2020).rules["income"]["params"]["threshold"] == 6000  # before any standard
    r21 = services.ruleset_current(2021).rules
    assert r21["income"]["params"]["threshold"] == 6800
    assert r21["medical"]["params"]["reference_income"] == 17889.5
    assert r21["medical"]["params"]["ratio_poor"] == 0.5  # not a standard: the rule's own default
    assert services.ruleset_current(2022).rules["income"]["params"]["threshold"] == 6800  # 2021's still in force
    assert services.ruleset_current(2023).rules["income"]["params"]["threshold"] == 7200
    # the rule set records what it started from: changing the standard later does not rewrite it
    YearStandard.objects.filter(year=2021).update(threshold=Decimal("6900"))
    assert services.ruleset_current(2021).rules["income"]["params"]["threshold"] == 6800
    # a run uses the rule set's value, and --param still overrides that run only
    summary = runs.screen(actor=None, as_of=dt.date(2023, 6, 30))
    assert summary["parameters"]["income"]["threshold"] == 7200
    assert summary["parameters"]["medical"]["reference_income"] == 19000
    summary = runs.screen(actor=None, as_of=dt.date(2023, 6, 30), overrides={"income.threshold": "6500"})
    assert summary["parameters"]["income"]["threshold"] == 6500
    assert RuleSet.objects.get(year=2023).rules["income"]["params"]["threshold"] == 7200
    # the admin can still edit it (a new version)
    new = services.ruleset_update(actor=w.diqu, year=2023, changes={"medical.reference_income": "20000"})
    assert new.version == 2 and new.rules["medical"]["params"]["reference_income"] == 20000
    assert new.rules["income"]["params"]["threshold"] == 7200


def test_without_a_monitoring_standard_the_ruleset_uses_the_documented_fallback(w):
    from zhenxing.monitoring.models import YearStandard

    assert not YearStandard.objects.exists()
    rules = services.ruleset_current(2022).rules
    assert rules["income"]["params"]["threshold"] == 6000
    assert rules["medical"]["params"]["reference_income"] == 17889

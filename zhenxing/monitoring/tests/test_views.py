"""Pages: the procedure through the browser forms, refusals, evidence files, postings, export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from zhenxing.audit.models import AuditEntry
from zhenxing.monitoring import services
from zhenxing.monitoring.models import Evidence, MonitoringCase
from zhenxing.registry.models import Member

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200
PDF = b"%PDF-1.4\n" + b"0" * 200


def _post_act(client, case, name, **data):
    payload = {f"{name}-{k}": v for k, v in data.items()}
    payload.update({f"{name}-name": name, f"{name}-version": case.version, "name": name})
    return client.post(reverse("monitoring:act", args=[case.pk]), payload)


def test_village_verifies_through_the_page_with_evidence(w, login, new_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = new_case(days_ago=3)
    client = login(w.fendou)
    page = client.get(reverse("monitoring:detail", args=[case.pk]))
    assert "登记入户核实" in page.content.decode()
    payload = {
        "verify-name": "verify",
        "verify-version": case.version,
        "name": "verify",
        "verify-kind": "100A03002",
        "verify-risk_types": ["07", "0201"],
        "verify-authorisation_signed": "on",
        "verify-income_12m": "8000",
        "verify-spending_12m": "500",
        "verify-coping": "partly",
        "verify-date": timezone.localdate().isoformat(),
        "verify-photos": [SimpleUploadedFile("home.jpg", JPEG, "image/jpeg")],
        "verify-scans": [SimpleUploadedFile("authorisation.pdf", PDF, "application/pdf")],
    }
    response = client.post(reverse("monitoring:act", args=[case.pk]), payload)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "verified" and case.risk_types == ["07", "0201"]
    files = Evidence.objects.filter(case=case, event__transition="verify")
    assert sorted(files.values_list("kind", flat=True)) == ["photo", "scan"]
    assert all((tmp_path / e.file.name).exists() for e in files)
    download = client.get(reverse("monitoring:evidence", args=[files.first().pk]))
    assert download.status_code == 200


@pytest.mark.parametrize(
    "name,content,kind,message",
    [
        ("x.exe", JPEG, "photo", "只接受"),
        ("x.jpg", b"MZ" + b"0" * 100, "photo", "内容与扩展名不符"),
        ("x.pdf", PDF, "photo", "只接受"),
        ("x.jpg", b"", "photo", "为空"),
    ],
)
def test_evidence_type_checks(w, new_case, drive, name, content, kind, message):
    case = drive(new_case(), "verified")
    with pytest.raises(Exception, match=message):
        services.evidence_add(actor=w.fendou, case=case, kind=kind, f=SimpleUploadedFile(name, content))


def test_evidence_size_limit(w, new_case, drive, monkeypatch):
    case = drive(new_case(), "verified")
    monkeypatch.setattr(services, "MAX_FILE_BYTES", len(JPEG))
    services.evidence_add(actor=w.fendou, case=case, kind="photo", f=SimpleUploadedFile("ok.jpg", JPEG))
    with pytest.raises(Exception, match="超过"):
        services.evidence_add(actor=w.fendou, case=case, kind="photo", f=SimpleUploadedFile("big.jpg", JPEG + b"1"))


def test_wrong_level_sees_no_action_and_cannot_post(w, login, new_case, drive):
    case = drive(new_case(), "township_review")
    client = login(w.fendou)
    assert "乡镇审核通过" not in client.get(reverse("monitoring:detail", args=[case.pk])).content.decode()
    response = _post_act(client, case, "township_approve")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "township_review"
    client = login(w.shibazhan)
    assert "乡镇审核通过" in client.get(reverse("monitoring:detail", args=[case.pk])).content.decode()
    _post_act(client, case, "township_approve", reason="同意")
    case.refresh_from_db()
    assert case.state == "county_approval"


def test_stale_form_reports_the_conflict(w, login, new_case, drive):
    case = drive(new_case(), "township_review")
    stale_version = case.version
    services.case_transition(actor=w.shibazhan, case=case, name="township_approve", version=case.version, data={})
    client = login(w.shibazhan)
    case.version, case.state = stale_version, "township_review"
    response = _post_act(client, case, "township_return", reason="x")
    # the version the form was read at is no longer current: the conflict is named; nothing changed
    assert MonitoringCase.objects.get(pk=case.pk).state == "county_approval"
    assert response.status_code == 302
    assert "已被他人办理或修改" in client.get(response["Location"]).content.decode()


def test_other_village_gets_404(w, login, new_case):
    case = new_case(village=w.r.kaikukang)
    client = login(w.fendou)
    assert client.get(reverse("monitoring:detail", args=[case.pk])).status_code == 404
    assert _post_act(client, case, "verify").status_code == 404


def test_timeline_shows_every_step(w, login, new_case, drive):
    case = drive(new_case(), "monitored")
    html = login(w.tahe).get(reverse("monitoring:detail", args=[case.pk])).content.decode()
    for label in [
        "发现登记",
        "登记入户核实",
        "登记民主评议并开始公示",
        "公示期满，报乡镇审核",
        "乡镇审核通过，报县审定",
        "县级审定，纳入监测",
    ]:
        assert label in html


def test_posting_page_and_pdf_have_no_forbidden_fields(w, login, new_case, drive):
    members = [
        {"name": "赵大山", "relation": "head", "health": "serious"},
        {"name": "钱配偶", "relation": "spouse", "male": False, "health": "disabled"},
    ]
    case = drive(new_case(risk_types=("01", "03"), members=members), "posting", risk_types=["01", "03"])
    type(case.household).objects.filter(pk=case.household_id).update(phone="13812345678", address="奋斗村8号")
    client = login(w.fendou)
    html = client.get(reverse("monitoring:posting", args=[case.village.code])).content.decode()
    assert "赵大山" in html and "12317" in html
    member = Member.objects.filter(household=case.household).first()
    forbidden = [
        "13812345678",
        member.id_masked,
        member.id_masked[:6] + "*",
        "因病",
        "因残",
        "大病",
        "残疾",
        "银行",
        "账号",
        "健康",
    ]
    for text in forbidden:
        assert text not in html, text
    pdf = client.get(reverse("monitoring:posting", args=[case.village.code]) + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "奋斗村防止返贫监测对象公示" in text and "赵大山" in text and "纳入监测" in text and "12317" in text
    for forbidden_text in forbidden:
        assert forbidden_text not in text, forbidden_text
    from zhenxing.monitoring import postings

    data = postings.posting_data(w.fendou, case.village)
    assert set(data["rows"][0]) == {"head_name", "members", "purpose", "detail", "start", "end"}


def test_case_list_filters_and_export(w, login, new_case, drive):
    drive(new_case(risk_types=("09",)), "monitored", risk_types=["09"])
    drive(new_case(risk_types=("07",)), "township_review", risk_types=["07"])
    new_case(village=w.r.kaikukang)
    client = login(w.shibazhan)
    html = client.get(reverse("monitoring:list") + "?risk_type=09").content.decode()
    assert "共 1 件" in html
    html = client.get(reverse("monitoring:list") + "?state=township_review").content.decode()
    assert "共 1 件" in html
    html = client.get(reverse("monitoring:list")).content.decode()
    assert "共 2 件" in html  # 开库康村 is another township
    response = client.get(reverse("monitoring:list") + "?export=xlsx")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert "防返贫监测对象台账" in rows[0][0] and "导出日期" in rows[1][0]
    assert rows[2][:4] == ["序号", "县（市、区）", "乡镇", "村"]
    assert len([r for r in rows[3:] if r[0] != ""]) == 2
    assert AuditEntry.objects.filter(action="export", actor=w.shibazhan, extra__what="monitoring.cases").exists()


def test_overdue_filter(w, login, new_case, drive):
    late = drive(new_case(days_ago=6), "discovered")  # home check within 5 days: 1 day late
    new_case(days_ago=5)  # due today: not late
    html = login(w.fendou).get(reverse("monitoring:list") + "?overdue=on").content.decode()
    assert "共 1 件" in html and late.number in html


def test_standard_page_only_for_prefecture_admin(w, login, std):
    client = login(w.tahe)
    assert client.get(reverse("monitoring:standards")).status_code == 200
    assert client.post(reverse("monitoring:standards"), {"year": 2023}).status_code == 403
    client = login(w.diqu)
    html = client.get(reverse("monitoring:standards")).content.decode()
    assert "演示数值" in html
    response = client.post(
        reverse("monitoring:standards"),
        {
            "year": 2023,
            "threshold": "7200",
            "reference_income": "18500",
            "decision_days": 20,
            "decision_unit": "workdays",
            "home_check_days": 5,
            "home_check_unit": "workdays",
            "posting_days": 5,
            "posting_unit": "calendar",
            "stable_months": 6,
            "visit_interval_days": 30,
            "visit_interval_unit": "calendar",
            "note": "省2023年标准",
        },
    )
    assert response.status_code == 302
    from zhenxing.monitoring.models import YearStandard

    saved = YearStandard.objects.get(year=2023)
    assert saved.threshold == 7200 and saved.limit("decision") == (20, "workdays")
    assert "20工作日" in client.get(reverse("monitoring:standards")).content.decode()


def test_visit_from_a_phone_page(w, login, new_case, drive, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = drive(new_case(), "monitored")
    client = login(w.fendou)
    assert client.get(reverse("monitoring:visit", args=[case.pk])).status_code == 200
    response = client.post(
        reverse("monitoring:visit", args=[case.pk]),
        {
            "date": timezone.localdate().isoformat(),
            "changes": "儿子外出务工",
            "per_capita_income": "9000",
            "photos": [SimpleUploadedFile("v.jpg", JPEG, "image/jpeg")],
        },
    )
    assert response.status_code == 302
    visit = case.visits.get(changes="儿子外出务工")
    assert visit.evidence.count() == 1 and visit.per_capita_income == 9000


def test_discover_page_and_open_case_refusal(w, login, household, std):
    client = login(w.fendou)
    data = {
        "household": household.pk,
        "channel": "cadre_visit",
        "risk_types": ["01"],
        "discovered_on": timezone.localdate().isoformat(),
        "description": "大病住院",
    }
    assert client.post(reverse("monitoring:new"), data).status_code == 302
    assert MonitoringCase.objects.filter(household=household).count() == 1
    with pytest.raises(Exception, match="已有未办结的监测案件"):
        services.case_discover(actor=w.fendou, household=household, channel="department_alert", risk_types=["01"])


def test_discover_contract(w, household, std):
    with pytest.raises(Exception, match="发现渠道"):
        services.case_discover(actor=w.fendou, household=household, channel="phone", risk_types=["01"])
    with pytest.raises(Exception, match="代码表"):
        services.case_discover(actor=w.fendou, household=household, channel="cadre_visit", risk_types=["8"])
    case = services.case_discover(
        actor=w.shibazhan,
        household=household,
        channel="department_alert",
        risk_types=["01", "0201"],
        source_ref="YJ-2022-0001",
    )
    assert (case.state, case.source_ref, case.channel) == ("discovered", "YJ-2022-0001", "department_alert")
    with pytest.raises(Exception, match="数据权限"):
        services.case_discover(actor=w.kaikukang, household=household, channel="cadre_visit", risk_types=[])
    later = timezone.localdate() + dt.timedelta(days=1)
    other = type(household).objects.exclude(pk=household.pk).first()
    assert other is None or other.pk != household.pk
    with pytest.raises(ValidationError):
        services.case_discover(
            actor=w.fendou, household=household, channel="cadre_visit", risk_types=[], discovered_on=later
        )

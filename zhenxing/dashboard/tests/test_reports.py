"""Periodic reports: the files open with a library and carry the figures the dashboard shows."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.utils import timezone

from zhenxing.audit.models import AuditEntry
from zhenxing.dashboard import reports
from zhenxing.dashboard.models import IndicatorSnapshot, Report, ReportKind
from zhenxing.dashboard.services import snapshot_take
from zhenxing.lib import fonts as cjk
from zhenxing.lib.modules import indicators
from zhenxing.registry.models import Household

APRIL, MAY = dt.date(2022, 4, 30), dt.date(2022, 5, 31)


@pytest.fixture
def two_months(w, hh):
    """End of April: f4 not yet monitored; end of May: f4 monitored (十八站乡 3 → 4 monitored)."""
    Household.objects.update(created_at=timezone.make_aware(dt.datetime(2022, 1, 1)))
    snapshot_take(actor=None, date=APRIL)
    Household.objects.filter(pk=hh.f4.pk).update(monitoring_status="monitored", monitoring_kind="100A03002")
    snapshot_take(actor=None, date=MAY)


def _docx_text(report) -> str:
    from docx import Document

    with report.docx.open("rb") as f:
        doc = Document(io.BytesIO(f.read()))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.append("|".join(c.text for c in row.cells))
    return "\n".join(parts)


def _pdf_text(report) -> str:
    from pypdf import PdfReader

    with report.pdf.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
        embedded = []
        for font in reader.pages[0]["/Resources"]["/Font"].get_object().values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.append(str(font["/BaseFont"]))
        return "\n".join(page.extract_text() for page in reader.pages), embedded


def _xlsx(report) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    with report.xlsx.open("rb") as f:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(f.read()))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def _as_shown(cell, unit: str) -> str:
    """A report cell as the page shows it: figures are numbers in the .xlsx, "—" when there is none."""
    from decimal import Decimal

    from zhenxing.dashboard.templatetags.dashboard_tags import format_figure

    return cell if isinstance(cell, str) else format_figure(Decimal(str(cell)), unit)


def test_parse_period():
    assert reports.parse_period("2022-05") == (ReportKind.MONTH, dt.date(2022, 5, 1), MAY)
    assert reports.parse_period("2022") == (ReportKind.YEAR, dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert reports.parse_period("2024-02")[2] == dt.date(2024, 2, 29)
    for bad in ("2022-13", "22-5", "", "next month", f"{timezone.localdate().year + 1}-01"):
        with pytest.raises(ValidationError):  # a malformed or not yet started period
            reports.parse_period(bad)


def test_monthly_report_files_carry_the_figures_and_the_change(w, hh, two_months):
    report = reports.report_generate(
        actor=w.shibazhan, region=w.r.shibazhan, kind=ReportKind.MONTH, start=dt.date(2022, 5, 1), end=MAY
    )
    assert (report.snapshot_date, report.previous_snapshot_date) == (MAY, APRIL)
    text = _docx_text(report)
    assert "十八站鄂伦春族乡2022年5月巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作月报" in text
    assert "防返贫监测|监测对象|户|4|3|+1" in text
    assert "防返贫监测|监测对象占农户比例|%|66.7%|50.0%|+16.7个百分点" in text
    # lagging: 奋斗村 has the unsafe house, 永丰村 none
    assert "住房不安全农户|奋斗村|1|十八站村|0" in text  # the best is the first of the ties (by code)
    assert "奋斗村|" in text and "开库康村" not in text

    pdf, fonts = _pdf_text(report)
    assert "月报" in pdf and "监测对象占农户比例" in pdf and "66.7%" in pdf and "奋斗村" in pdf
    assert any("WenQuanYiMicroHei" in name for name in fonts), fonts  # the shipped Chinese font is embedded

    sheets = _xlsx(report)
    key = sheets["主要指标"]
    assert key[0][0].startswith("十八站鄂伦春族乡2022年5月")
    assert ["防返贫监测", "监测对象", "户", 4, 3, 1] in key  # numbers a sheet can sum, not "4" or "+1"
    share = next(r for r in key if r[1] == "监测对象占农户比例")
    assert share[3:] == [pytest.approx(2 / 3, abs=1e-4), pytest.approx(0.5), pytest.approx(16.67, abs=0.01)]
    ranking = sheets["排名-防返贫监测"]
    header = ranking[2]
    row = next(r for r in ranking if r[0] == "奋斗村")
    assert row[header.index("监测对象")] == 3


def test_charts_draw_chinese_with_the_shipped_font_or_the_one_the_setting_names(settings, tmp_path):
    def chart(name: str) -> bytes:
        return reports.bar_chart_png("监测对象占农户比例", [(name, 0.5)], percent=True, unit="%")

    settings.CJK_FONT_PATH = str(cjk.VENDORED_FONT)  # what a machine without any system font uses
    tahe = chart("塔河县")
    assert tahe.startswith(b"\x89PNG") and tahe != chart("漠河市")  # missing glyphs would draw the same boxes
    system_font = tmp_path / "system-font.ttf"
    system_font.write_bytes(cjk.VENDORED_FONT.read_bytes())
    settings.CJK_FONT_PATH = str(system_font)
    assert chart("塔河县") == tahe
    settings.CJK_FONT_PATH = str(tmp_path / "removed-font.ttc")
    with pytest.raises(ImproperlyConfigured, match="removed-font.ttc"):
        chart("塔河县")


def test_report_agrees_with_dashboard_and_the_definition(login, w, hh, two_months):
    """Dashboard, report and any other reader (the county assessment) use the same definition."""
    report = reports.report_generate(
        actor=None, region=w.r.tahe, kind=ReportKind.MONTH, start=dt.date(2022, 5, 1), end=MAY
    )
    key = {row[1]: row[3] for row in _xlsx(report)["主要指标"][3:]}
    page = login(w.tahe).get(f"/dashboard/{w.r.tahe.code}/", {"date": "2022-05-31"}).content.decode()
    from zhenxing.dashboard.templatetags.dashboard_tags import format_figure

    for code, ind in indicators().items():
        stored = IndicatorSnapshot.objects.get(region=w.r.tahe, date=MAY, code=code).value
        shown = format_figure(stored, ind.unit)
        assert _as_shown(key[ind.name], ind.unit) == shown, code
        assert f'data-code="{code}">{shown}<' in page, code
        assert format_figure(ind.compute(w.r.tahe, MAY).value, ind.unit) == shown, code


def test_dashboard_report_and_assessment_agree_on_shared_indicators(w, hh, two_months):
    """The county assessment scores the same figure the dashboard and the report show for a county."""
    from decimal import Decimal

    from zhenxing.ledger import services as ledger
    from zhenxing.ledger.models import AssessmentScore

    codes = ["registry.monitored", "registry.monitored_share", "registry.low_income_unmonitored"]
    scheme = ledger.scheme_create(actor=w.diqu, year=2022, title="2022年度巩固脱贫成果考核", as_of=MAY)
    for code in codes:
        ledger.scheme_indicator_add(
            actor=w.diqu, scheme=scheme, code=code, weight=Decimal("10"), scoring="proportional", target=Decimal("0")
        )
    ledger.scheme_run(actor=w.diqu, scheme=scheme)
    report = reports.report_generate(
        actor=None, region=w.r.tahe, kind=ReportKind.MONTH, start=dt.date(2022, 5, 1), end=MAY
    )
    shown = {row[1]: row[3] for row in _xlsx(report)["主要指标"][3:]}
    from zhenxing.dashboard.templatetags.dashboard_tags import format_figure

    for code in codes:
        ind = indicators()[code]
        scored = AssessmentScore.objects.get(result__scheme=scheme, result__county=w.r.tahe, indicator__code=code)
        snap = IndicatorSnapshot.objects.get(region=w.r.tahe, date=MAY, code=code)
        assert scored.value == snap.value, code
        assert format_figure(scored.value, ind.unit) == _as_shown(shown[ind.name], ind.unit), code


def test_yearly_summary_has_the_months(w, hh, two_months):
    report = reports.report_generate(
        actor=None, region=w.r.tahe, kind=ReportKind.YEAR, start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31)
    )
    months = _xlsx(report)["逐月走势"]
    assert months[2][:7] == ["指标", "1月", "2月", "3月", "4月", "5月", "6月"]
    row = next(r for r in months if r[0] == "监测对象")
    assert row[4:6] == [3, 4]  # April, May
    assert "年度总结" in _docx_text(report)


def test_command_generates_for_a_region_and_a_period(w, hh, two_months):
    out = io.StringIO()
    call_command("generate_reports", "--period", "2022-05", "--region", w.r.tahe.code, stdout=out)
    report = Report.objects.get()
    assert (report.region, report.kind, report.period_start, report.created_by) == (
        w.r.tahe,
        ReportKind.MONTH,
        dt.date(2022, 5, 1),
        None,
    )
    assert (
        report.docx.name.endswith(".docx") and report.pdf.name.endswith(".pdf") and report.xlsx.name.endswith(".xlsx")
    )
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_reports", "--period", "2022-05", "--region", "999999999999", stdout=out)


def test_a_report_without_any_snapshot_takes_one_for_the_period_end(w, hh):
    Household.objects.update(created_at=timezone.make_aware(dt.datetime(2022, 1, 1)))
    report = reports.report_generate(
        actor=None, region=w.r.fendou, kind=ReportKind.MONTH, start=dt.date(2022, 5, 1), end=MAY
    )
    assert report.snapshot_date == MAY and report.previous_snapshot_date is None
    assert "农户底数|农户总数|户|4|—|—" in _docx_text(report)


def test_reports_are_scoped_and_downloads_are_logged(login, w, hh, two_months):
    report = reports.report_generate(
        actor=None, region=w.r.tahe, kind=ReportKind.MONTH, start=dt.date(2022, 5, 1), end=MAY
    )
    assert login(w.huma).get(f"/dashboard/reports/{report.pk}/pdf/").status_code == 404
    assert "塔河县" not in login(w.huma).get("/dashboard/reports/").content.decode()
    response = login(w.shibazhan).get(f"/dashboard/reports/{report.pk}/docx/")
    assert response.status_code == 404  # a township does not read its county's report
    response = login(w.tahe).get(f"/dashboard/reports/{report.pk}/xlsx/")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    assert AuditEntry.objects.filter(action="export", model="dashboard.report", object_id=str(report.pk)).count() == 1


def test_generate_on_demand_from_the_page(login, w, hh, two_months):
    client = login(w.tahe)
    assert client.post("/dashboard/reports/", {"region": w.r.tahe.code, "period": "2022-05"}).status_code == 302
    assert Report.objects.filter(region=w.r.tahe, created_by=w.tahe).count() == 1
    client.post("/dashboard/reports/", {"region": w.r.huma.code, "period": "2022-05"})  # outside: refused
    assert not Report.objects.filter(region=w.r.huma).exists()
    response = client.post("/dashboard/reports/", {"region": w.r.tahe.code, "period": "2022-5x"}, follow=True)
    assert "报告期间格式" in response.content.decode()
    assert login(w.ducha).post("/dashboard/reports/", {"region": w.r.diqu.code, "period": "2022-05"}).status_code == 403


def test_overdue_work_is_what_the_region_office_has_overdue(monkeypatch, w, hh, two_months):
    from zhenxing.lib.modules import PendingItem

    seen = []

    def fake_pending(user):
        seen.append((user.region, user.role))
        return [
            PendingItem(category="逾期", label="奋斗村 入户核实", url="/x/", count=2, overdue_days=3),
            PendingItem(category="待办", label="按期事项", url="/y/", count=1),
        ]

    monkeypatch.setattr(reports, "pending_items", fake_pending)
    report = reports.report_generate(
        actor=w.diqu, region=w.r.shibazhan, kind=ReportKind.MONTH, start=dt.date(2022, 5, 1), end=MAY
    )
    assert seen == [(w.r.shibazhan, "township_staff")]  # the township's own view, not the actor's
    text = _docx_text(report)
    assert "逾期|奋斗村 入户核实|2|3" in text and "按期事项" not in text
    assert ["逾期", "奋斗村 入户核实", 2, 3] in _xlsx(report)["逾期工作"]


def test_a_village_cadre_can_produce_their_village_report(login, w, hh, two_months):
    client = login(w.fendou)
    page = client.get("/dashboard/reports/").content.decode()
    assert f'<option value="{w.r.fendou.code}">' in page and w.r.yongfeng.code not in page
    client.post("/dashboard/reports/", {"region": w.r.fendou.code, "period": "2022-05"})
    report = Report.objects.get(region=w.r.fendou)
    assert "农户底数|农户总数|户|4|4|0" in _docx_text(report)
    assert "四、下级区划排名" not in _docx_text(report)  # a village has no level below

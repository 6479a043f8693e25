"""Staff pages: a county walks a project through the forms; figures and exports render; roles hold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zhenxing.audit.models import AuditEntry
from zhenxing.funds.models import Allocation, Assignment, Payment, Project
from zhenxing.funds.testing import complete_fields, make_allocation, make_project


def test_village_cadre_declares_through_the_form(w, login):
    c = login(w.fendou)
    data = {k: v for k, v in complete_fields().items()}
    data.update(code="XM-F-1", village=w.r.fendou.pk)
    response = c.post("/funds/projects/new/", data)
    p = Project.objects.get(code="XM-F-1")
    assert response.status_code == 302 and p.created_by == w.fendou
    assert c.get(f"/funds/projects/{p.pk}/").status_code == 200


def test_township_reviews_on_the_page_and_wrong_level_gets_a_message(w, login):
    p = make_project(w.r.fendou)
    body = {
        "to": "township_reviewed",
        "date": timezone.localdate().isoformat(),
        "evidence": "乡审〔2022〕2号",
        "version": p.version,
    }
    response = login(w.tahe).post(f"/funds/projects/{p.pk}/transition/", body, follow=True)
    assert "乡镇工作人员" in response.content.decode()
    assert Project.objects.get(pk=p.pk).status == "declared"
    login(w.shibazhan).post(f"/funds/projects/{p.pk}/transition/", body)
    assert Project.objects.get(pk=p.pk).status == "township_reviewed"


def test_allocation_assignment_and_payment_through_pages(w, login):
    c = login(w.tahe)
    c.post(
        "/funds/allocations/",
        {
            "county": w.r.tahe.pk,
            "year": 2022,
            "source": "central",
            "document_number": "黑财农〔2022〕5号",
            "issued_on": "2022-03-01",
            "amount": "1000",
        },
    )
    a = Allocation.objects.get()
    p = make_project(w.r.fendou, status="planned")
    c.post(
        f"/funds/allocations/{a.pk}/",
        {"project": p.pk, "amount": "1000.01", "document_number": "塔1", "date": "2022-03-05"},
    )
    assert not Assignment.objects.exists()
    c.post(
        f"/funds/allocations/{a.pk}/",
        {"project": p.pk, "amount": "1000", "document_number": "塔1", "date": "2022-03-05"},
    )
    assert Allocation.objects.get().assigned_total == Decimal("1000")
    c.post(
        f"/funds/projects/{p.pk}/payments/",
        {"date": "2022-06-01", "amount": "300", "payee_name": "甲公司", "voucher_number": "V1"},
    )
    assert Payment.objects.get().amount == Decimal("300")
    html = c.get("/funds/", {"region": w.r.tahe.code, "year": 2022}).content.decode()
    assert "30.0%" in html  # 300 / 1000


def test_figures_page_of_another_county_is_404(w, login):
    assert login(w.tahe).get("/funds/", {"region": w.r.huma.code}).status_code == 404
    assert login(w.diqu).get("/funds/", {"region": w.r.huma.code}).status_code == 200


def test_village_cadre_cannot_register_money(w, login):
    make_allocation(w.r.tahe)
    assert login(w.fendou).post("/funds/allocations/", {}).status_code == 403


def test_exports_are_audited(w, login):
    make_project(w.r.fendou)
    c = login(w.tahe)
    for url in (
        "/funds/projects/?export=xlsx",
        "/funds/allocations/?export=xlsx",
        "/funds/payments/export/",
        "/funds/leakage/?export=xlsx",
        "/funds/loans/?export=xlsx",
        "/assets/?export=xlsx",
    ):
        assert c.get(url)["Content-Type"].startswith("application/vnd.openxmlformats"), url
    assert AuditEntry.objects.filter(action="export").count() == 6


def test_publishing_allocations_then_a_new_assignment_is_a_correction(w, login):
    from zhenxing.funds import services

    a = make_allocation(w.r.tahe, document_number="黑财农〔2022〕7号")
    login(w.tahe).post(
        "/funds/disclosures/",
        {"county": w.r.tahe.pk, "year": 2022, "kind": "allocations", "board": "county", "period_start": "2022-04-01"},
    )
    p = make_project(w.r.fendou, status="approved", code="XM-C-1")
    services.assignment_create(
        actor=None, allocation=a, project=p, amount=100, document_number="塔衔〔2022〕3号", date=dt.date(2022, 4, 2)
    )
    d = services.disclosure_publish(
        actor=w.tahe, county=w.r.tahe, year=2022, kind="allocations", period_start=dt.date(2022, 4, 3)
    )
    assert d.version == 2 and "新增 黑财农〔2022〕7号 → XM-C-1（塔衔〔2022〕3号）" in d.correction_note


def test_parameters_set_by_the_prefecture_and_plan_by_the_county(w, login):
    from zhenxing.funds import selectors
    from zhenxing.funds.models import DisbursementPlan

    login(w.diqu).post("/funds/parameters/?year=2022", {"industry_min_share": "60", "max_projects_per_household": "2"})
    assert selectors.figures(w.r.tahe, 2022).industry_min_share == Decimal("0.60")
    login(w.tahe).post("/funds/parameters/?year=2022", {"industry_min_share": "10", "max_projects_per_household": "9"})
    assert selectors.figures(w.r.tahe, 2022).industry_min_share == Decimal("0.60")  # county may not change it
    login(w.tahe).post(
        "/funds/parameters/?year=2022", {"action": "plan", "county": w.r.tahe.code, "m6": "40", "m12": "95"}
    )
    assert dict(DisbursementPlan.objects.values_list("month", "target_rate")) == {
        6: Decimal("0.4000"),
        12: Decimal("0.9500"),
    }
    login(w.tahe).post(
        "/funds/parameters/?year=2022", {"action": "plan", "county": w.r.tahe.code, "m6": "40", "m7": "30"}
    )
    assert DisbursementPlan.objects.count() == 2  # a decreasing plan is refused
    assert login(w.fendou).get("/funds/parameters/").status_code == 403

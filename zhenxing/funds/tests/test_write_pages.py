"""Pages for writes that had only services: 小额信贷 (new loan, repayment) and editing a project
before county approval. Each: the right role succeeds, a wrong role is refused, another region's
record answers 404, and the service's refusal is shown in Chinese on the form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhenxing.funds import services
from zhenxing.funds.models import MicroLoan, Project
from zhenxing.funds.testing import make_project
from zhenxing.registry.testing import make_household


def loan_body(household, **over) -> dict:
    body = {
        "household_number": household.number,
        "borrower_name": "户主甲",
        "bank": "塔河农村信用社",
        "contract_number": "XD-2022-001",
        "amount": "50000",
        "issued_on": "2022-03-01",
        "term_months": "36",
        "annual_rate": "0.0435",
        "interest_subsidy": "2175",
    }
    body.update(over)
    return body


def make_loan(household, amount=50000, contract_number="XD-9") -> MicroLoan:
    return services.micro_loan_create(
        actor=None,
        household=household,
        borrower_name="户主甲",
        bank="农村信用社",
        contract_number=contract_number,
        amount=amount,
        issued_on=dt.date(2022, 3, 1),
        term_months=12,
        annual_rate="0.0435",
    )


# --- 小额信贷: new loan --------------------------------------------------------------------------


def test_village_cadre_registers_a_loan_for_a_formerly_poor_household(w, login):
    h = make_household(village=w.r.fendou, formerly_poor=True)
    c = login(w.fendou)
    assert "登记贷款" in c.get("/funds/loans/").content.decode()
    response = c.post("/funds/loans/new/", loan_body(h))
    m = MicroLoan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/funds/loans/{m.pk}/"
    assert (m.household, m.amount, m.due_on) == (h, Decimal("50000"), dt.date(2025, 3, 1))
    assert f"/funds/loans/{m.pk}/" in c.get("/funds/loans/").content.decode()  # the list links to the loan


def test_loan_to_a_household_neither_formerly_poor_nor_monitored_is_refused_in_chinese(w, login):
    h = make_household(village=w.r.fendou)
    response = login(w.fendou).post("/funds/loans/new/", loan_body(h))
    assert response.status_code == 200 and "小额信贷仅面向脱贫户和监测对象" in response.content.decode()
    assert not MicroLoan.objects.exists()


def test_loan_form_checks_fields_in_chinese(w, login):
    h = make_household(village=w.r.fendou, formerly_poor=True)
    response = login(w.fendou).post("/funds/loans/new/", loan_body(h, amount="0", bank=""))
    html = response.content.decode()
    assert response.status_code == 200 and "这个字段是必填项" in html and "0.01" in html
    assert not MicroLoan.objects.exists()


def test_duplicate_contract_number_is_shown_on_the_form(w, login):
    h = make_household(village=w.r.fendou, formerly_poor=True)
    make_loan(h, contract_number="XD-2022-001")
    response = login(w.fendou).post("/funds/loans/new/", loan_body(h))
    assert "合同编号重复" in response.content.decode() and MicroLoan.objects.count() == 1


def test_household_of_another_village_cannot_be_picked(w, login):
    """户编号 is looked up within the user's scope: 永丰村's cadre cannot lend to 奋斗村's household."""
    h = make_household(village=w.r.fendou, formerly_poor=True)
    response = login(w.yongfeng).post("/funds/loans/new/", loan_body(h))
    assert "不在农户库或不在您的数据权限范围内" in response.content.decode()
    assert not MicroLoan.objects.exists()
    login(w.shibazhan).post("/funds/loans/new/", loan_body(h))  # the township above both may
    assert MicroLoan.objects.get().household == h


@pytest.mark.parametrize("who", ["diqu", "yibao", "ducha"])
def test_roles_outside_the_village_township_county_chain_cannot_register_loans(w, login, who):
    h = make_household(village=w.r.fendou, formerly_poor=True)
    c = login(getattr(w, who))
    assert c.get("/funds/loans/new/").status_code == 403
    assert c.post("/funds/loans/new/", loan_body(h)).status_code == 403
    assert "登记贷款" not in c.get("/funds/loans/").content.decode()
    assert not MicroLoan.objects.exists()


# --- 小额信贷: repayment -------------------------------------------------------------------------


def test_repayment_up_to_the_balance_settles_the_loan(w, login):
    m = make_loan(make_household(village=w.r.fendou, formerly_poor=True), amount=50000)
    c = login(w.fendou)
    assert "登记还款" in c.get(f"/funds/loans/{m.pk}/").content.decode()
    c.post(f"/funds/loans/{m.pk}/", {"amount": "20000", "date": "2022-09-01"})
    m.refresh_from_db()
    assert m.repaid == Decimal("20000") and m.settled_on is None
    response = c.post(f"/funds/loans/{m.pk}/", {"amount": "30000", "date": "2022-12-01"})  # exactly the balance
    m.refresh_from_db()
    assert response.status_code == 302 and (m.repaid, m.settled_on) == (Decimal("50000"), dt.date(2022, 12, 1))
    html = c.get(f"/funds/loans/{m.pk}/").content.decode()
    assert "已结清" in html and "登记还款" not in html


def test_repayment_larger_than_the_balance_is_refused_in_chinese(w, login):
    m = make_loan(make_household(village=w.r.fendou, formerly_poor=True), amount=50000)
    services.micro_loan_repay(actor=None, loan=m, amount=20000, date=dt.date(2022, 9, 1))
    response = login(w.shibazhan).post(f"/funds/loans/{m.pk}/", {"amount": "30000.01", "date": "2022-12-01"})
    assert response.status_code == 200 and "还款金额超过未还本金" in response.content.decode()
    m.refresh_from_db()
    assert m.repaid == Decimal("20000") and m.settled_on is None


def test_repayment_by_a_role_without_the_right_is_refused(w, login):
    m = make_loan(make_household(village=w.r.fendou, formerly_poor=True))
    for user in (w.diqu, w.ducha):
        c = login(user)
        assert c.get(f"/funds/loans/{m.pk}/").status_code == 200  # may read
        assert "登记还款" not in c.get(f"/funds/loans/{m.pk}/").content.decode()
        assert c.post(f"/funds/loans/{m.pk}/", {"amount": "100", "date": "2022-09-01"}).status_code == 403
    m.refresh_from_db()
    assert m.repaid == 0


def test_loan_of_another_region_is_404(w, login):
    m = make_loan(make_household(village=w.r.fendou, formerly_poor=True))
    for user in (w.yongfeng, w.kaikukang_town, w.huma):
        c = login(user)
        assert c.get(f"/funds/loans/{m.pk}/").status_code == 404
        assert c.post(f"/funds/loans/{m.pk}/", {"amount": "100", "date": "2022-09-01"}).status_code == 404
    m.refresh_from_db()
    assert m.repaid == 0


# --- editing a project before approval ----------------------------------------------------------


def edit_body(p: Project, **over) -> dict:
    body = {k: getattr(p, k) for k in services.PROJECT_FIELDS}
    body.update(start_planned=p.start_planned.isoformat(), end_planned=p.end_planned.isoformat())
    body.update(over)
    return body


@pytest.mark.parametrize("status", ["declared", "appraised"])
def test_project_edited_before_approval(w, login, status):
    p = make_project(w.r.fendou, status=status)
    c = login(w.fendou)
    assert "修改项目信息" in c.get(f"/funds/projects/{p.pk}/").content.decode()
    assert c.get(f"/funds/projects/{p.pk}/edit/").status_code == 200
    response = c.post(f"/funds/projects/{p.pk}/edit/", edit_body(p, name="中药材晾晒场", budget="480000"))
    q = Project.objects.get(pk=p.pk)
    assert response.status_code == 302 and (q.name, q.budget, q.version) == (
        "中药材晾晒场",
        Decimal("480000"),
        p.version + 1,
    )


def test_project_locked_after_approval(w, login):
    p = make_project(w.r.fendou, status="approved")
    c = login(w.shibazhan)
    assert "修改项目信息" not in c.get(f"/funds/projects/{p.pk}/").content.decode()
    assert c.get(f"/funds/projects/{p.pk}/edit/").status_code == 302
    response = c.post(f"/funds/projects/{p.pk}/edit/", edit_body(p, name="改名"))
    assert response.status_code == 200 and "项目已审定入库，信息已锁定，不能修改" in response.content.decode()
    assert Project.objects.get(pk=p.pk).name == p.name


def test_project_edit_form_errors_in_chinese(w, login):
    p = make_project(w.r.fendou)
    response = login(w.fendou).post(f"/funds/projects/{p.pk}/edit/", edit_body(p, name="", budget="abc"))
    html = response.content.decode()
    assert response.status_code == 200 and "这个字段是必填项" in html and "输入一个数字" in html
    assert Project.objects.get(pk=p.pk).name == p.name


def test_project_edit_refused_to_a_role_that_does_not_declare(w, login):
    p = make_project(w.r.fendou)
    for user in (w.yibao, w.ducha):
        c = login(user)
        assert "修改项目信息" not in c.get(f"/funds/projects/{p.pk}/").content.decode()
        assert c.post(f"/funds/projects/{p.pk}/edit/", edit_body(p, name="改名")).status_code == 403
    assert Project.objects.get(pk=p.pk).name == p.name


def test_project_edit_of_another_region_is_404(w, login):
    p = make_project(w.r.fendou)
    for user in (w.yongfeng, w.kaikukang_town, w.huma):
        c = login(user)
        assert c.get(f"/funds/projects/{p.pk}/edit/").status_code == 404
        assert c.post(f"/funds/projects/{p.pk}/edit/", edit_body(p, name="改名")).status_code == 404
    assert Project.objects.get(pk=p.pk).name == p.name

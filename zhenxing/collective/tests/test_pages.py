"""Pages, API and public disclosure: scope (another village gets 404), wrong level (403), 409 on a
stale version, the public page without personal numbers, the nav group."""

from __future__ import annotations

import datetime as dt

import pytest

from zhenxing.collective import books, services
from zhenxing.collective.disclosure import disclosure_publish
from zhenxing.collective.testing import confirmed, make_org, people

TODAY = dt.date.today()


@pytest.fixture
def org(w):
    return make_org(w.r.fendou)


def test_pages_open_for_the_village_and_not_for_another(w, org, login):
    (num,) = people(w.r.fendou, 1)
    m = confirmed(org, num)
    c = login(w.fendou)
    for url in ("/collective/", f"/collective/{org.pk}/", f"/collective/members/{m.pk}/"):
        r = c.get(url)
        assert r.status_code == 200, url
    page = c.get(f"/collective/{org.pk}/").content.decode()
    assert "成员1" in page and num not in page
    other = login(w.kaikukang)
    assert other.get(f"/collective/{org.pk}/").status_code == 404
    assert other.get(f"/collective/members/{m.pk}/").status_code == 404
    assert "奋斗村" not in other.get("/collective/").content.decode()


def test_village_cadre_cannot_register_an_organisation(w, login):
    assert login(w.fendou).get("/collective/register/").status_code == 403
    r = login(w.shibazhan).post(
        "/collective/register/",
        {
            "village": w.r.yongfeng.pk,
            "name": "永丰村股份经济合作社",
            "kind": "joint_stock",
            "population_shares": "1",
            "labour_share_per_year": "0",
            "collective_shares": "0",
        },
    )
    assert r.status_code == 302


def test_journal_form_and_import_errors_on_the_page(w, org, login):
    c = login(w.fendou)
    r = c.post(
        f"/collective/{org.pk}/",
        {
            "action": "journal",
            "date": str(TODAY),
            "category": "operating",
            "amount": "100",
            "summary": "服务",
            "account": "现金",
        },
    )
    assert r.status_code == 302 and org.journal.count() == 1
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("j.csv", "日期,类别,金额,摘要\n2026-01-01,经营收入,x,服务\n".encode())
    r = c.post(f"/collective/{org.pk}/", {"action": "import", "kind": "journal", "file": bad}, follow=True)
    assert "第2行【金额】" in r.content.decode() and org.journal.count() == 1  # the job failed, naming the row
    good = SimpleUploadedFile("j.csv", "日期,类别,金额,摘要\n2026-01-01,经营收入,5,服务\n".encode())
    r = c.post(f"/collective/{org.pk}/", {"action": "import", "kind": "journal", "file": good})
    assert r.status_code == 302 and r["Location"].startswith("/jobs/") and org.journal.count() == 2
    assert (
        login(w.kaikukang)
        .post(f"/collective/{org.pk}/", {"action": "import", "kind": "journal", "file": good})
        .status_code
        == 404
    )


def test_api_lists_scope_and_409(w, org, login):
    (num,) = people(w.r.fendou, 1)
    m = services.member_apply(actor=w.fendou, organisation=org, id_number=num, applied_on=TODAY)
    c = login(w.fendou)
    body = c.get("/api/v1/collective/members").json()
    assert [x["id"] for x in body] == [m.pk] and body[0]["name"] == "成员1"
    assert login(w.kaikukang).get("/api/v1/collective/members").json() == []
    url = f"/api/v1/collective/members/{m.pk}/transition"
    r = login(w.kaikukang).post(
        url, {"code": "appraise", "version": 1, "evidence": "会议"}, content_type="application/json"
    )
    assert r.status_code == 404
    c = login(w.fendou)
    r = c.post(url, {"code": "appraise", "version": 1}, content_type="application/json")
    assert r.status_code == 422 and "民主评议" in r.json()["detail"] + str(r.json().get("errors"))
    r = c.post(url, {"code": "appraise", "version": 1, "evidence": "会议"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "appraised"
    r = c.post(url, {"code": "post", "version": 1}, content_type="application/json")
    assert r.status_code == 409
    r = login(w.ducha).post(url, {"code": "post", "version": 2}, content_type="application/json")
    assert r.status_code == 403


def test_public_pages_and_portal_link(w, org, client):
    (num,) = people(w.r.fendou, 1)
    confirmed(org, num)
    assert client.get(f"/public/collective/{w.r.fendou.code}/").status_code == 404  # nothing published yet
    books.journal_add(actor=w.fendou, organisation=org, date=TODAY, category="operating", amount="10", summary="服务")
    disclosure_publish(actor=w.fendou, organisation=org, year=TODAY.year, quarter=(TODAY.month - 1) // 3 + 1)
    assert "/public/collective/" in client.get("/public/").content.decode()
    assert org.name in client.get("/public/collective/").content.decode()
    page = client.get(f"/public/collective/{w.r.fendou.code}/").content.decode()
    assert "财务收支公开" in page and num not in page
    assert client.get(f"/public/collective/{w.r.fendou.code}/qr.svg")["Content-Type"] == "image/svg+xml"


def test_nav_group_and_indicators(w, org, login):
    from zhenxing.collective import indicators, nav

    (item,) = nav.items(w.fendou)
    assert item.group == "集体经济" and nav.items(w.yibao) == []
    books.journal_add(actor=w.fendou, organisation=org, date=TODAY, category="operating", amount="100", summary="a")
    by_code = {i.code: i for i in indicators.INDICATORS}
    assert by_code["collective.operating_income"].compute(w.r.tahe, TODAY).value == 100
    assert by_code["collective.operating_income"].compute(w.r.kaikukang, TODAY).value == 0
    assert by_code["collective.organisations"].compute(w.r.tahe, TODAY).value == 1


def test_inheritance_from_the_member_page(w, org, login):
    a, b = people(w.r.fendou, 2)
    ma, mb = confirmed(org, a), confirmed(org, b)
    services.certificate_issue(actor=w.fendou, member=mb, number="FD-9", issued_on=TODAY)
    services.member_transition(actor=w.fendou, member=ma, code="leave", reason="病故", left_reason="death")
    c = login(w.fendou)
    form = {
        "action": "transfer",
        "to_certificate": "FD-9",
        "kind": "inherit",
        "share_kind": "population",
        "shares": "1",
        "approval": "理事会决议",
        "date": str(TODAY),
    }
    assert c.post(f"/collective/members/{ma.pk}/", form).status_code == 302
    assert mb.holdings.get(kind="population").shares == 2
    page = c.get(f"/collective/members/{mb.pk}/").content.decode()
    assert "继承" in page


def test_a_department_account_has_no_collective_page_nor_menu_entry(w, org, login):
    from zhenxing.collective import nav

    assert nav.items(w.yibao) == []
    assert login(w.yibao).get("/collective/").status_code == 403
    assert [i.label for i in nav.items(w.fendou)] == ["农村集体经济"]
    assert login(w.fendou).get("/collective/").status_code == 200

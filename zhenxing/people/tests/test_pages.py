"""The ledgers kept through the pages and the API, as a village cadre on a phone would."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from zhenxing.accounts import services as account_services
from zhenxing.audit.models import AuditEntry
from zhenxing.lib.modules import pending_items
from zhenxing.people import lists, points
from zhenxing.people import models as m
from zhenxing.registry.models import HouseholdIncome

TODAY = timezone.localdate()
LIST_PAGES = ["home", "posts", "workshops", "labour", "pairings", "teams", "cadre_days", "points", "powers", "board"]


def test_every_list_page_renders_for_the_village_and_the_county(login, w, hh, rules):
    for user in (w.fendou, w.tahe, w.ducha):
        client = login(user)
        for name in LIST_PAGES:
            r = client.get(reverse(f"people:{name}"))
            assert r.status_code == 200, (user.username, name)
            assert b'name="viewport"' in r.content


def test_cadre_keeps_a_post_and_its_holders(login, w, hh):
    client = login(w.fendou)
    r = client.post(
        reverse("people:posts"),
        {
            "form": "post",
            "village": w.r.fendou.pk,
            "name": "保洁员",
            "kind": "sanitation",
            "monthly_pay": "800",
            "funding": "linkage",
        },
    )
    assert r.status_code == 302
    post = m.PublicPost.objects.get(village=w.r.fendou)
    url = reverse("people:post", args=[post.pk])
    r = client.post(url, {"form": "holding", "member": hh.poor_m[0].pk, "start": "2026-01-01"})
    assert r.status_code == 302 and post.holdings.count() == 1
    # a person from another village is not in the choice list
    r = client.post(url, {"form": "holding", "member": hh.far_m[0].pk, "start": "2026-01-01"})
    assert r.status_code == 200 and "选择一个有效的选项" in r.content.decode()
    holding = post.holdings.get()
    r = client.post(reverse("people:holding_end", args=[holding.pk]), {"end": "2025-12-31"})
    holding.refresh_from_db()
    assert holding.end is None  # before the start: refused
    client.post(reverse("people:holding_end", args=[holding.pk]), {"end": "2026-03-31"})
    holding.refresh_from_db()
    assert holding.end == dt.date(2026, 3, 31)


def test_inspector_reads_but_cannot_write(login, w, hh):
    client = login(w.ducha)
    r = client.post(
        reverse("people:posts"),
        {
            "form": "post",
            "village": w.r.fendou.pk,
            "name": "保洁员",
            "kind": "sanitation",
            "monthly_pay": "800",
            "funding": "linkage",
        },
    )
    assert r.status_code == 403 and not m.PublicPost.objects.exists()


def test_another_villages_record_answers_404(login, w, hh):
    post = m.PublicPost.objects.create(
        village=w.r.kaikukang, name="护林员", kind="forest", monthly_pay=1000, funding="county"
    )
    assert login(w.fendou).get(reverse("people:post", args=[post.pk])).status_code == 404
    assert login(w.kaikukang).get(reverse("people:post", args=[post.pk])).status_code == 200


def test_wage_income_reaches_the_registry_only_on_confirmation(login, w, hh):
    client = login(w.fendou)
    year = TODAY.year
    r = client.post(
        reverse("people:labour"),
        {
            "form": "export",
            "member": hh.plain_m[0].pk,
            "destination": "哈尔滨市",
            "sector": "建筑业",
            "since": f"{year}-01-01",
            "until": f"{year}-02-10",
            "monthly_income": "5000",
        },
    )
    assert r.status_code == 302 and r["Location"].startswith(reverse("people:wage", args=[hh.plain.pk]))
    assert not HouseholdIncome.objects.filter(household=hh.plain, year=year).exists()
    page = client.get(r["Location"]).content.decode()
    assert "10,000.00" in page and "确认将" in page
    client.post(reverse("people:wage", args=[hh.plain.pk]), {"confirm": "yes", "year": year})
    assert HouseholdIncome.objects.get(household=hh.plain, year=year).wage_income == Decimal("10000.00")
    assert AuditEntry.objects.filter(action="people.wage_apply", object_id=str(hh.plain.pk)).exists()
    assert AuditEntry.objects.filter(model="registry.householdincome", actor=w.fendou).exists()


def test_points_flow_through_the_pages(login, w, hh, rules):
    client = login(w.fendou)
    url = reverse("people:points")
    r = client.post(
        url,
        {
            "form": "propose",
            "household": hh.poor.pk,
            "rule": rules["frugal"].pk,
            "date": TODAY.isoformat(),
            "proposer_name": "二组组长",
        },
    )
    assert r.status_code == 302
    entry = m.PointEntry.objects.get()
    assert [i.label for i in pending_items(w.fendou) if i.category == "积分制"] == ["积分申报待村委会确认"]
    client.post(reverse("people:entry", args=[entry.pk]), {"action": "confirm", "version": 1})
    entry.refresh_from_db()
    assert entry.state == m.EntryState.CONFIRMED
    # the township cannot act for the village committee
    r = login(w.shibazhan).post(reverse("people:entry", args=[entry.pk]), {"action": "post", "version": 2})
    assert r.status_code == 403
    page = login(w.fendou).get(reverse("people:household_points", args=[hh.poor.pk])).content.decode()
    assert "红白事简办" in page and "已确认待公示" in page


def test_exports_are_xlsx_with_title_and_audited(login, w, hh):
    m.PublicPost.objects.create(
        village=w.r.fendou, name="保洁员", kind="sanitation", monthly_pay=800, funding="linkage"
    )
    r = login(w.tahe).get(reverse("people:posts") + "?format=xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(r.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert "塔河县" in rows[0][0] and "导出日期" in rows[1][0]
    assert any("保洁员" in str(c) for row in rows[3:] for c in row)
    post_row = next(row for row in rows[3:] if "保洁员" in row)
    assert 800 in post_row and "800.00" not in post_row  # money is a number the sheet can sum
    assert AuditEntry.objects.filter(action="export", actor=w.tahe).exists()
    r = login(w.kaikukang).get(reverse("people:posts") + "?format=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(1).to_python()
    assert not any("保洁员" in str(c) for row in rows[3:] for c in row)


def test_board_prints_the_village_list(login, w):
    p = m.Power.objects.create(village=w.r.fendou, number=1, name="宅基地审批", category="housing_site")
    lists.step_append(actor=w.fendou, power=p, name="农户申请", actor_name="农户", time_limit_days=3)
    page = login(w.fendou).get(reverse("people:board")).content.decode()
    assert "奋斗村小微权力清单" in page and "宅基地审批" in page and "农户申请" in page and "3天内" in page


def test_list_case_page_offers_only_the_next_step(login, w):
    p = m.Power.objects.create(village=w.r.fendou, number=1, name="集体资金支出", category="spending")
    for name in ("申请", "商议"):
        lists.step_append(actor=w.fendou, power=p, name=name, actor_name="村委会")
    case = lists.case_open(actor=w.fendou, power=p, title="修水井", opened=TODAY)
    client = login(w.fendou)
    assert "记录第1步「申请」" in client.get(reverse("people:case", args=[case.pk])).content.decode()
    client.post(
        reverse("people:case", args=[case.pk]),
        {"form": "record", "done_by": "张会计", "done_on": TODAY.isoformat(), "version": case.version},
    )
    case.refresh_from_db()
    assert case.done_steps == 1
    assert "记录第2步「商议」" in client.get(reverse("people:case", args=[case.pk])).content.decode()


def test_county_settings_only_for_county_staff(login, w):
    assert login(w.fendou).get(reverse("people:settings")).status_code == 403
    client = login(w.tahe)
    client.post(
        reverse("people:settings"),
        {
            "form": "setting",
            "year": 2026,
            "workshop_poor_share": "0.4",
            "cadre_days_required": 200,
            "points_posting_days": 5,
        },
    )
    s = m.CountySetting.objects.get(county=w.r.tahe, year=2026)
    assert (s.workshop_poor_share, s.cadre_days_required) == (Decimal("0.400"), 200)


@pytest.fixture
def api(client):
    def _api(user):
        token, _ = account_services.api_token_issue(user=user)
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    return _api


def test_api_points_flow_and_scope(client, api, w, hh, rules):
    auth = api(w.fendou)
    r = client.post(
        "/api/v1/people/points/entries",
        {
            "household_id": hh.poor.pk,
            "rule_id": rules["work"].pk,
            "date": TODAY.isoformat(),
            "proposer_name": "一组组长",
        },
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201, r.content
    entry = r.json()
    r = client.post(
        f"/api/v1/people/points/entries/{entry['id']}/transition",
        {"action": "credit", "version": 1},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 422  # not confirmed
    r = client.post(
        f"/api/v1/people/points/entries/{entry['id']}/transition",
        {"action": "confirm", "version": 1},
        content_type="application/json",
        **auth,
    )
    assert r.json()["state"] == "confirmed"
    assert client.get(f"/api/v1/people/points/entries/{entry['id']}", **api(w.kaikukang)).status_code == 404
    r = client.post(
        "/api/v1/people/points/entries",
        {"household_id": hh.poor.pk, "rule_id": rules["work"].pk, "date": TODAY.isoformat(), "proposer_name": "x"},
        content_type="application/json",
        **api(w.ducha),
    )
    assert r.status_code == 403


def test_api_summary_per_village(client, api, w, hh):
    post = m.PublicPost.objects.create(
        village=w.r.fendou, name="保洁员", kind="sanitation", monthly_pay=800, funding="linkage"
    )
    m.PostHolding.objects.create(post=post, member=hh.poor_m[0], start=TODAY - dt.timedelta(days=400))
    rows = {r["village_code"]: r for r in client.get("/api/v1/people/summary", **api(w.tahe)).json()}
    assert rows["232722200206"]["post_poor_holders"] == 1 and rows["232722200206"]["post_poor_holders_last_year"] == 1
    assert "232721100201" not in rows
    assert all(
        r["village_code"].startswith("232722200")
        for r in client.get("/api/v1/people/summary", **api(w.shibazhan)).json()
    )


def test_demo_is_idempotent_and_gives_pilots_their_governance(w):
    from zhenxing.accounts import demo as account_demo
    from zhenxing.people import demo
    from zhenxing.registry import demo as registry_demo

    out = io.StringIO()
    account_demo.load(out=out)
    registry_demo.load(out=out)
    demo.load(out=out)
    counts = {mdl: mdl.objects.count() for mdl in (m.PointRule, m.PointEntry, m.StoreItem, m.PowerCase, m.PublicPost)}
    demo.load(out=out)
    assert counts == {mdl: mdl.objects.count() for mdl in counts}
    for code in ("232722200206", "232722200202", "232722104201"):
        assert m.PointRule.objects.filter(village__code=code, category=m.PointCategory.CUSTOMS).exists()
        assert m.PointEntry.objects.filter(household__village__code=code, state=m.EntryState.CREDITED).exists()
        assert m.StoreItem.objects.filter(village__code=code).exists()
        assert m.PowerCase.objects.filter(power__village__code=code).exists()
    assert m.PublicPost.objects.filter(village__code="232721100201").exists()  # another county
    assert not m.PointRule.objects.filter(village__code="232722200208").exists()  # not a pilot
    assert points.TRANSITIONS  # the flow is data


def test_worker_leaves_and_the_share_follows(login, w, hh):
    shop = m.Workshop.objects.create(village=w.r.fendou, name="车间", owner="合作社")
    worker = m.WorkshopWorker.objects.create(workshop=shop, member=hh.poor_m[0], start=TODAY - dt.timedelta(days=30))
    client = login(w.fendou)
    client.post(reverse("people:worker_end", args=[worker.pk]), {"end": (TODAY - dt.timedelta(days=1)).isoformat()})
    worker.refresh_from_db()
    assert worker.end == TODAY - dt.timedelta(days=1)
    client.post(reverse("people:worker_end", args=[worker.pk]), {"end": TODAY.isoformat()})  # already left
    worker.refresh_from_db()
    assert worker.end == TODAY - dt.timedelta(days=1)
    assert (
        login(w.kaikukang).post(reverse("people:worker_end", args=[worker.pk]), {"end": TODAY.isoformat()}).status_code
        == 404
    )


def test_edit_keeps_the_village(login, w, hh, rules):
    post = m.PublicPost.objects.create(
        village=w.r.fendou, name="保洁员", kind="sanitation", monthly_pay=800, funding="linkage"
    )
    client = login(w.fendou)
    client.post(
        reverse("people:post_edit", args=[post.pk]),
        {
            "form": "edit",
            "name": "保洁员",
            "kind": "sanitation",
            "monthly_pay": "900",
            "funding": "linkage",
            "village": w.r.kaikukang.pk,
        },
    )
    post.refresh_from_db()
    assert post.monthly_pay == Decimal("900") and post.village == w.r.fendou
    client.post(
        reverse("people:rule_edit", args=[rules["work"].pk]),
        {"form": "edit", "category": "public_works", "name": "义务劳动"},
    )
    rules["work"].refresh_from_db()
    assert rules["work"].active is False and rules["work"].points == 10


def test_api_case_steps_cannot_skip_and_wages_are_scoped(client, api, w, hh):
    p = m.Power.objects.create(village=w.r.fendou, number=1, name="补贴申请", category="subsidy")
    for name in ("申请", "初审", "公示"):
        lists.step_append(actor=w.fendou, power=p, name=name, actor_name="村委会")
    case = lists.case_open(actor=w.fendou, power=p, title="耕地补贴", opened=TODAY)
    auth = api(w.fendou)
    body = {"step": 2, "done_by": "会计", "done_on": TODAY.isoformat(), "version": 1}
    r = client.post(f"/api/v1/people/cases/{case.pk}/steps", body, content_type="application/json", **auth)
    assert r.status_code == 422 and "第1步" in r.json()["detail"]
    r = client.post(
        f"/api/v1/people/cases/{case.pk}/steps", {**body, "step": 1}, content_type="application/json", **auth
    )
    assert r.status_code == 200 and r.json()["done_steps"] == 1 and r.json()["records"][0]["done_by"] == "会计"
    m.LabourExport.objects.create(
        member=hh.far_m[0],
        destination="北京",
        sector="物流",
        since=dt.date(TODAY.year, 1, 1),
        until=dt.date(TODAY.year, 1, 31),
        monthly_income=Decimal("5000"),
    )
    assert client.get(f"/api/v1/people/wages?year={TODAY.year}", **auth).json() == []
    rows = client.get(f"/api/v1/people/wages?year={TODAY.year}", **api(w.kaikukang)).json()
    assert [(r["household_id"], r["labour_export"]) for r in rows] == [(hh.far.pk, "5000.00")]


def test_form_errors_are_in_chinese(login, w, hh):
    client = login(w.fendou)
    r = client.post(
        reverse("people:labour"),
        {
            "form": "export",
            "member": hh.plain_m[0].pk,
            "destination": "哈尔滨市",
            "sector": "建筑业",
            "since": "2026-03-01",
            "until": "2026-02-01",
            "monthly_income": "5000",
        },
    )
    assert r.status_code == 200 and "返乡日期不能早于外出日期" in r.content.decode()
    assert not m.LabourExport.objects.exists()

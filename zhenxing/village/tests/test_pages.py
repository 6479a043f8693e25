"""Pages: scope (another village's records answer 404), role (a department account gets 403),
the toilet page's problem form opening a ledger item, the export, the menu entries."""

from __future__ import annotations

import datetime as dt

from zhenxing.lib.tabular import read_sheet
from zhenxing.registry.testing import make_household
from zhenxing.village import services, toilets
from zhenxing.village.models import ToiletStatus

TODAY = dt.date.today()


def test_pages_open_in_scope_and_404_outside(w, login):
    profile = services.profile_save(actor=w.fendou, village=w.r.fendou, year=TODAY.year)
    t = toilets.toilet_survey(actor=w.fendou, household=make_household(village=w.r.fendou), kind="flush")
    rule = services.rule_draft(actor=w.fendou, village=w.r.fendou, title="村规民约", items="一、条款")
    c = login(w.fendou)
    for url in (
        "/village/",
        f"/village/profiles/{profile.pk}/",
        "/village/toilets/",
        f"/village/toilets/{t.pk}/",
        f"/village/rules/{rule.pk}/",
        "/village/environment/",
        "/village/projects/",
        "/village/talent/",
    ):
        assert c.get(url).status_code == 200, url
    other = login(w.kaikukang)
    for url in (f"/village/profiles/{profile.pk}/", f"/village/toilets/{t.pk}/", f"/village/rules/{rule.pk}/"):
        assert other.get(url).status_code == 404, url
    assert other.get(f"/village/?region={w.r.fendou.code}").status_code == 404
    assert login(w.yibao).get("/village/").status_code == 403


def test_problem_form_opens_the_ledger_item_and_the_page_links_it(w, login):
    t = toilets.toilet_survey(actor=w.fendou, household=make_household(village=w.r.fendou), kind="flush")
    c = login(w.fendou)
    r = c.post(f"/village/toilets/{t.pk}/", {"action": "problem", "problem": "frozen", "note": "冻堵"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == ToiletStatus.PROBLEM and t.item_id
    page = c.get(f"/village/toilets/{t.pk}/").content.decode()
    assert f"/ledger/items/{t.item_id}/" in page or "已转整改台账" in page


def test_census_export_is_an_xlsx_with_the_households(w, login):
    h = make_household(village=w.r.fendou)
    toilets.toilet_survey(actor=w.fendou, household=h, kind="dry", mode="dry")
    r = login(w.tahe).get("/village/toilets/?export=xlsx")
    assert r.status_code == 200
    rows = read_sheet(b"".join(r.streaming_content) if r.streaming else r.content)
    values = [c for row in rows for c in row if c]
    assert h.number in values and "卫生旱厕" in values


def test_profile_page_form_and_menu(w, login):
    c = login(w.fendou)
    r = c.post("/village/", {"village": w.r.fendou.code})
    assert r.status_code == 302
    profile = w.r.fendou.profiles.get()
    r = c.post(
        f"/village/profiles/{profile.pk}/",
        {"action": "profile", "village_class": "suburb", "plan_status": "drafting", "version": profile.version},
    )
    profile.refresh_from_db()
    assert profile.village_class == "suburb"
    # the cadre's menu is full: the profile is on the home page's work list; the county has the menu
    home = c.get("/").content.decode()
    assert f"/village/profiles/{profile.pk}/" in home
    county = login(w.tahe).get("/").content.decode()
    assert "村庄档案" in county and "户厕摸排与整改" in county

"""?region=<code> on the people pages the dashboard's figures link to: the node's subtree within the
user's scope, never more; a code outside the scope (or unknown) answers 404."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from zhenxing.people.testing import make_ledgers
from zhenxing.testing import REGION_CODES

# page -> what marks 奋斗村's records on it, what marks 永丰村's (the sibling village)
PAGES = {
    "home": (f"?village={REGION_CODES['fendou']}", f"?village={REGION_CODES['yongfeng']}"),
    "posts": ("奋斗保洁员", "永丰保洁员"),
    "workshops": ("奋斗木耳车间", "永丰木耳车间"),
    "pairings": ("奋斗结对企业", "永丰结对企业"),
    "cadre_days": ("奋斗书记", "永丰书记"),
}


@pytest.fixture
def ledgers(w):
    return make_ledgers(w.r.fendou, "奋斗"), make_ledgers(w.r.yongfeng, "永丰")


@pytest.mark.parametrize("name", PAGES)
def test_region_shows_its_records_and_not_the_sibling_villages(login, w, ledgers, name):
    mine, sibling = PAGES[name]
    client = login(w.shibazhan)
    whole = client.get(reverse(f"people:{name}")).content.decode()
    assert mine in whole and sibling in whole and "清除区划筛选" not in whole
    page = client.get(reverse(f"people:{name}"), {"region": w.r.fendou.code}).content.decode()
    assert mine in page and sibling not in page
    # the active filter is named, can be cleared, and the export keeps it
    assert f"区划：<strong>{w.r.fendou.full_name()}</strong>" in page
    assert '<a class="noprint" href="?">清除区划筛选</a>' in page
    assert f'href="?region={w.r.fendou.code}&amp;format=xlsx"' in page
    # a township's code covers its villages
    page = client.get(reverse(f"people:{name}"), {"region": w.r.shibazhan.code}).content.decode()
    assert mine in page and sibling in page


@pytest.mark.parametrize("name", PAGES)
def test_a_region_outside_the_scope_answers_404(login, w, ledgers, name):
    url = reverse(f"people:{name}")
    assert login(w.fendou).get(url, {"region": w.r.yongfeng.code}).status_code == 404  # the sibling village
    assert login(w.fendou).get(url, {"region": w.r.shibazhan.code}).status_code == 404  # above: would widen
    assert login(w.shibazhan).get(url, {"region": w.r.kaikukang.code}).status_code == 404  # another township
    assert login(w.tahe).get(url, {"region": "232722999999"}).status_code == 404  # no such node
    assert login(w.fendou).get(url, {"region": w.r.fendou.code}).status_code == 200


def test_below_filters_keep_the_region(login, w, ledgers):
    client = login(w.shibazhan)
    region = {"region": w.r.fendou.code}
    page = client.get(reverse("people:workshops"), {**region, "below": "1"}).content.decode()
    assert "奋斗木耳车间" in page and "奋斗蓝莓车间" not in page and "永丰木耳车间" not in page
    assert "奋斗蓝莓车间" in client.get(reverse("people:workshops"), region).content.decode()
    page = client.get(reverse("people:cadre_days"), {**region, "below": "1"}).content.decode()
    assert "奋斗书记" in page and "奋斗队员" not in page and "永丰书记" not in page
    # choosing another 范围 submits the form: the region goes with it
    assert f'<input type="hidden" name="region" value="{w.r.fendou.code}">' in page


def test_export_is_titled_and_filled_with_the_region(login, w, ledgers):
    r = login(w.shibazhan).get(reverse("people:posts"), {"region": w.r.fendou.code, "format": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_name("公益岗位").to_python()
    assert rows[0][0].startswith(w.r.fendou.full_name())
    assert [row[1] for row in rows[3:]] == ["奋斗保洁员"]


@pytest.mark.parametrize("name", ["points", "board"])
def test_the_village_chooser_answers_404_for_a_village_outside_the_scope(login, w, name):
    """?village= on the per-village pages used to fall back to the first village in scope: a link
    to another village silently showed (and the points page's forms wrote to) a different one."""
    url = reverse(f"people:{name}")
    page = login(w.shibazhan).get(url, {"village": w.r.yongfeng.code})
    assert page.status_code == 200 and "永丰村" in page.content.decode()
    assert login(w.shibazhan).get(url, {"village": w.r.kaikukang.code}).status_code == 404  # another township
    assert login(w.fendou).get(url, {"village": w.r.yongfeng.code}).status_code == 404  # the sibling village
    assert login(w.tahe).get(url, {"village": w.r.huma_village.code}).status_code == 404  # another county
    assert login(w.tahe).get(url, {"village": "232722999999"}).status_code == 404  # no such village
    assert login(w.tahe).get(url, {"village": w.r.shibazhan.code}).status_code == 404  # not a village


def test_a_points_form_posted_for_another_village_writes_nothing(login, w):
    from zhenxing.people import models as m

    rule = {"form": "rule", "category": m.PointCategory.PUBLIC_WORKS, "name": "义务劳动", "points": "10"}
    r = login(w.fendou).post(reverse("people:points"), {**rule, "village_code": w.r.yongfeng.code})
    assert r.status_code == 404 and not m.PointRule.objects.exists()  # not added to 奋斗村 instead
    login(w.fendou).post(reverse("people:points"), {**rule, "village_code": w.r.fendou.code})
    assert m.PointRule.objects.get().village == w.r.fendou  # the same form for the cadre's own village


def test_the_settings_county_chooser_answers_404_outside_the_scope(login, w):
    url = reverse("people:settings")
    assert login(w.diqu).get(url, {"county": w.r.huma.code}).status_code == 200
    assert login(w.tahe).get(url, {"county": w.r.tahe.code}).status_code == 200
    assert login(w.tahe).get(url, {"county": w.r.huma.code}).status_code == 404  # another county
    assert login(w.tahe).get(url, {"county": "232799000000"}).status_code == 404  # no such county

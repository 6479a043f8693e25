"""?region=<code> on the household list and its export: the node's subtree within the user's
scope, with every other filter and the keyset pages; a code outside the scope, unknown or above
the user answers 404 (it used to fail the form, which dropped every filter and listed everything)."""

from __future__ import annotations

import functools
import html
import io
import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from zhenxing.registry import selectors
from zhenxing.registry.testing import make_household

NUMBERS = ["F1", "F2", "Y1", "K1"]


@pytest.fixture
def households(w):
    """奋斗村 F1 (脱贫户) and F2, its sibling 永丰村 Y1 (脱贫户), and 开库康村 K1 in another township."""
    make_household(village=w.r.fendou, number="F1", formerly_poor=True)
    make_household(village=w.r.fendou, number="F2")
    make_household(village=w.r.yongfeng, number="Y1", formerly_poor=True)
    make_household(village=w.r.kaikukang, number="K1", formerly_poor=True)


def listed(page: str) -> list[str]:
    return [n for n in NUMBERS if f">{n}</a>" in page]


def test_a_village_code_lists_that_village_and_a_township_code_its_villages(login, w, households):
    client = login(w.shibazhan)
    whole = client.get(reverse("registry:list")).content.decode()
    assert listed(whole) == ["F1", "F2", "Y1"] and "清除区划筛选" not in whole
    page = client.get(reverse("registry:list"), {"region": w.r.fendou.code}).content.decode()
    assert listed(page) == ["F1", "F2"]
    assert f"区划：<strong>{w.r.fendou.full_name()}</strong>" in page
    assert '<a class="noprint" href="?">清除区划筛选</a>' in page
    page = client.get(reverse("registry:list"), {"region": w.r.shibazhan.code}).content.decode()
    assert listed(page) == ["F1", "F2", "Y1"]
    # the user's own node is a valid filter too (a county's dashboard links with its own code)
    page = login(w.tahe).get(reverse("registry:list"), {"region": w.r.tahe.code}).content.decode()
    assert listed(page) == ["F1", "F2", "Y1", "K1"]


def test_the_region_combines_with_the_other_filters_and_survives_an_invalid_one(login, w, households):
    client = login(w.shibazhan)
    page = client.get(reverse("registry:list"), {"region": w.r.fendou.code, "formerly_poor": "1"}).content.decode()
    assert listed(page) == ["F1"]
    page = client.get(reverse("registry:list"), {"region": w.r.shibazhan.code, "formerly_poor": "1"}).content.decode()
    assert listed(page) == ["F1", "Y1"]
    # an invalid field drops the form's filters, never the region
    page = client.get(reverse("registry:list"), {"region": w.r.fendou.code, "income_min": "abc"}).content.decode()
    assert listed(page) == ["F1", "F2"]


def test_a_region_outside_the_scope_answers_404(login, w, households):
    url = reverse("registry:list")
    assert login(w.fendou).get(url, {"region": w.r.yongfeng.code}).status_code == 404  # the sibling village
    assert login(w.fendou).get(url, {"region": w.r.shibazhan.code}).status_code == 404  # above: would widen
    assert login(w.shibazhan).get(url, {"region": w.r.kaikukang_town.code}).status_code == 404  # another township
    assert login(w.tahe).get(url, {"region": w.r.huma.code}).status_code == 404  # another county
    assert login(w.tahe).get(url, {"region": "232722999999"}).status_code == 404  # no such node
    assert login(w.tahe).get(url, {"region": "x" * 40}).status_code == 404
    assert login(w.fendou).get(url, {"region": w.r.fendou.code}).status_code == 200


def test_keyset_pages_keep_the_region_and_clearing_it_restarts(login, w, households, monkeypatch):
    monkeypatch.setattr(selectors, "keyset_page", functools.partial(selectors.keyset_page, size=2))
    client = login(w.shibazhan)
    page = client.get(reverse("registry:list"), {"region": w.r.shibazhan.code}).content.decode()
    assert listed(page) == ["F1", "F2"]
    [nxt] = re.findall(r'<div class="pagination"><a href="([^"]+)"', page)
    nxt = html.unescape(nxt)
    assert f"region={w.r.shibazhan.code}" in nxt and "cursor=" in nxt
    page = client.get(reverse("registry:list") + nxt).content.decode()
    assert listed(page) == ["Y1"]
    # clearing the region goes back to the first page of the whole list, not the cursor's place in it
    assert '<a class="noprint" href="?">清除区划筛选</a>' in page
    # the same through the sorted-by-income path (one query, not the per-village merge)
    page = client.get(reverse("registry:list"), {"region": w.r.fendou.code, "sort": "income"}).content.decode()
    assert sorted(listed(page)) == ["F1", "F2"]  # (not `"Y1" not in page`: a CSRF token may contain it)


def test_the_export_honours_the_region(login, w, households):
    client = login(w.shibazhan)
    page = client.get(reverse("registry:list"), {"region": w.r.fendou.code}).content.decode()
    assert f'href="{reverse("registry:export")}?region={w.r.fendou.code}"' in page

    def exported(**params) -> tuple[str, set[str]]:
        r = client.get(reverse("registry:export"), params)
        assert r.status_code == 200
        rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
        return rows[0][0], {row[0] for row in rows[2:] if row[0]}

    title, numbers = exported(region=w.r.fendou.code)
    assert title.startswith(w.r.fendou.full_name()) and numbers == {"F1", "F2"}
    assert exported(region=w.r.shibazhan.code)[1] == {"F1", "F2", "Y1"}
    assert exported(region=w.r.fendou.code, formerly_poor="1")[1] == {"F1"}
    assert login(w.fendou).get(reverse("registry:export"), {"region": w.r.yongfeng.code}).status_code == 404
    assert login(w.tahe).get(reverse("registry:export"), {"region": w.r.huma.code}).status_code == 404
    assert login(w.tahe).get(reverse("registry:export"), {"region": "232722999999"}).status_code == 404

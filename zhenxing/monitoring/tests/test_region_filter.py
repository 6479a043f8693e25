"""?region=<code> on the case list (the dashboard's monitoring figures link with it) and its export:
the node's subtree within the user's scope, with the other filters and the pages; a code outside
the scope, unknown or above the user answers 404 instead of listing the user's whole scope."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from zhenxing.monitoring import views


@pytest.fixture
def cases(w, new_case):
    """A case in 奋斗村 (risk 09), one in its sibling 永丰村 and one in 开库康村 (another township)."""
    return (
        new_case(village=w.r.fendou, risk_types=("09",)),
        new_case(village=w.r.yongfeng),
        new_case(village=w.r.kaikukang),
    )


def listed(page: str, cases) -> list[str]:
    return [name for name, c in zip(("fendou", "yongfeng", "kaikukang"), cases, strict=False) if c.number in page]


def test_a_village_code_lists_that_village_and_a_township_code_its_villages(login, w, cases):
    client = login(w.shibazhan)
    whole = client.get(reverse("monitoring:list")).content.decode()
    assert listed(whole, cases) == ["fendou", "yongfeng"] and "清除区划筛选" not in whole
    page = client.get(reverse("monitoring:list"), {"region": w.r.fendou.code}).content.decode()
    assert listed(page, cases) == ["fendou"] and "共 1 件" in page
    assert f"区划：<strong>{w.r.fendou.full_name()}</strong>" in page
    assert '<a class="noprint" href="?">清除区划筛选</a>' in page
    page = client.get(reverse("monitoring:list"), {"region": w.r.shibazhan.code}).content.decode()
    assert listed(page, cases) == ["fendou", "yongfeng"]


def test_the_users_own_node_keeps_the_other_filters(login, w, cases):
    # the prefecture's dashboard links with the prefecture's own code, which used to be no choice of
    # the form: the form failed and the risk filter was dropped
    page = login(w.diqu).get(reverse("monitoring:list"), {"region": w.r.diqu.code, "risk_type": "09"}).content.decode()
    assert listed(page, cases) == ["fendou"]
    page = (
        login(w.shibazhan)
        .get(reverse("monitoring:list"), {"region": w.r.shibazhan.code, "risk_type": "09"})
        .content.decode()
    )
    assert listed(page, cases) == ["fendou"]


def test_a_region_outside_the_scope_answers_404(login, w, cases):
    url = reverse("monitoring:list")
    assert login(w.fendou).get(url, {"region": w.r.yongfeng.code}).status_code == 404  # the sibling village
    assert login(w.fendou).get(url, {"region": w.r.shibazhan.code}).status_code == 404  # above: would widen
    assert login(w.shibazhan).get(url, {"region": w.r.kaikukang_town.code}).status_code == 404  # another township
    assert login(w.tahe).get(url, {"region": w.r.huma.code}).status_code == 404  # another county
    assert login(w.tahe).get(url, {"region": "232722999999"}).status_code == 404  # no such node
    assert login(w.fendou).get(url, {"region": w.r.fendou.code}).status_code == 200


def test_pages_keep_the_region(login, w, cases, monkeypatch):
    monkeypatch.setattr(views, "PAGE", 1)
    client = login(w.tahe)
    page = client.get(reverse("monitoring:list"), {"region": w.r.shibazhan.code}).content.decode()
    assert listed(page, cases) == ["yongfeng"]  # newest first
    [nxt] = re.findall(r'<div class="pagination"><a href="([^"]+)"', page)
    page = client.get(reverse("monitoring:list") + html.unescape(nxt)).content.decode()
    assert listed(page, cases) == ["fendou"]
    assert '<a class="noprint" href="?">清除区划筛选</a>' in page  # back to the first page of all


def test_the_export_honours_the_region(login, w, cases):
    client = login(w.shibazhan)
    page = client.get(reverse("monitoring:list"), {"region": w.r.fendou.code}).content.decode()
    assert f'href="?region={w.r.fendou.code}&amp;export=xlsx"' in page

    def exported(**params):
        r = client.get(reverse("monitoring:list"), {**params, "export": "xlsx"})
        assert r.status_code == 200
        rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
        return rows[0][0], {row[21] for row in rows[3:] if row[0] != ""}

    title, numbers = exported(region=w.r.fendou.code)
    assert title.startswith(w.r.fendou.name) and numbers == {cases[0].number}
    assert exported(region=w.r.shibazhan.code)[1] == {cases[0].number, cases[1].number}
    for code in (w.r.huma.code, "232722999999"):  # another county, no such node
        assert login(w.tahe).get(reverse("monitoring:list"), {"region": code, "export": "xlsx"}).status_code == 404

"""The searchable pickers' autocomplete (core/pickers.py): each person finds only what their data
scope holds, a page is limited and announces the next one, and no full ID number is ever sent."""

from __future__ import annotations

import pytest

from zhenxing.ledger.models import Unit
from zhenxing.registry.testing import make_household, new_id

HOUSEHOLDS = "/api/v1/pick/households"
MEMBERS = "/api/v1/pick/members"


@pytest.fixture
def homes(w):
    """Two households named 王 in 奋斗村 and 永丰村 (same township), one in 开库康村 (another
    township) and one in 呼玛县 (another county); the 奋斗村 head's ID number is kept."""
    ids = {}
    out = {}
    for key, village in [
        ("fendou", w.r.fendou),
        ("yongfeng", w.r.yongfeng),
        ("kaikukang", w.r.kaikukang),
        ("huma", w.r.huma_village),
    ]:
        ids[key] = new_id()
        out[key] = make_household(
            village=village,
            members=[{"name": f"王{key}", "relation": "head", "id_number": ids[key]}],
        )
    out["ids"] = ids
    return out


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()}


def test_a_village_cadre_finds_only_their_village(w, login, homes):
    got = _ids(login(w.fendou).get(HOUSEHOLDS, {"q": "王"}))
    assert got == {homes["fendou"].pk}


def test_a_township_finds_its_villages_not_another_townships(w, login, homes):
    got = _ids(login(w.shibazhan).get(HOUSEHOLDS, {"q": "王"}))
    assert got == {homes["fendou"].pk, homes["yongfeng"].pk}


def test_a_county_does_not_find_another_countys_household(w, login, homes):
    client = login(w.tahe)
    got = _ids(client.get(HOUSEHOLDS, {"q": "王"}))
    assert homes["huma"].pk not in got and homes["kaikukang"].pk in got
    # searching by the other county's exact 户编号 finds nothing either
    assert _ids(client.get(HOUSEHOLDS, {"q": homes["huma"].number})) == set()


def test_a_region_outside_the_scope_answers_404(w, login, homes):
    response = login(w.fendou).get(HOUSEHOLDS, {"q": "王", "region": w.r.kaikukang.code})
    assert response.status_code == 404
    assert _ids(login(w.tahe).get(HOUSEHOLDS, {"q": "王", "region": w.r.yongfeng.code})) == {homes["yongfeng"].pk}


def test_households_match_by_number_and_id_tail(w, login, homes):
    client = login(w.diqu)
    h = homes["fendou"]
    assert h.pk in _ids(client.get(HOUSEHOLDS, {"q": h.number}))
    assert h.pk in _ids(client.get(HOUSEHOLDS, {"q": h.number[:12]}))  # a prefix of the 户编号
    tail = homes["ids"]["fendou"][-4:]
    assert h.pk in _ids(client.get(HOUSEHOLDS, {"q": tail}))
    # a whole ID number finds its household (by the keyed hash), and is not sent back
    response = client.get(HOUSEHOLDS, {"q": homes["ids"]["fendou"]})
    assert _ids(response) == {h.pk} and homes["ids"]["fendou"] not in response.content.decode()
    # a whole 户编号 means that household alone
    assert _ids(client.get(HOUSEHOLDS, {"q": h.number})) == {h.pk}
    # three digits are too few to stand for an ID number: only 户编号 prefixes/endings match
    three = client.get(HOUSEHOLDS, {"q": tail[-3:]}).json()
    assert all(row["code"].startswith(tail[-3:]) or row["code"].endswith(tail[-3:]) for row in three)


def test_no_full_id_number_is_ever_sent(w, login, homes):
    client = login(w.diqu)
    for url, q in [(HOUSEHOLDS, "王"), (MEMBERS, "王"), (MEMBERS, homes["ids"]["fendou"][-4:])]:
        body = client.get(url, {"q": q}).content.decode()
        for full in homes["ids"].values():
            assert full not in body
    rows = client.get(MEMBERS, {"q": homes["ids"]["fendou"][-4:]}).json()
    assert any("********" in row["detail"] for row in rows)


def test_members_are_scoped_like_households(w, login, homes):
    names = {r["label"].split("（")[0] for r in login(w.fendou).get(MEMBERS, {"q": "王"}).json()}
    assert names == {"王fendou"}
    names = {r["label"].split("（")[0] for r in login(w.kaikukang).get(MEMBERS, {"q": "王"}).json()}
    assert names == {"王kaikukang"}


def test_a_page_is_limited_and_the_next_one_announced(w, login):
    for _ in range(3):
        make_household(village=w.r.fendou)
    client = login(w.fendou)
    first = client.get(HOUSEHOLDS, {"limit": 2})
    assert len(first.json()) == 2 and first["X-Next-Cursor"]
    second = client.get(HOUSEHOLDS, {"limit": 2, "after": first["X-Next-Cursor"]})
    assert len(second.json()) == 1 and "X-Next-Cursor" not in second
    assert not _ids(first) & _ids(second)


def test_units_come_from_the_scope_and_from_above(w, login):
    Unit.objects.create(name="十八站乡政府", region=w.r.shibazhan)
    Unit.objects.create(name="开库康镇政府", region=w.r.kaikukang_town)
    Unit.objects.create(name="地区乡村振兴局", region=w.r.diqu)
    labels = {r["label"] for r in login(w.shibazhan).get("/api/v1/pick/units", {"q": "政府"}).json()}
    assert labels == {"十八站乡政府"}
    labels = {r["label"] for r in login(w.shibazhan).get("/api/v1/pick/units", {"q": "局"}).json()}
    assert "地区乡村振兴局" in labels  # the prefecture's units are read from below


def test_regions_cascade_by_parent_within_the_scope(w, login):
    client = login(w.shibazhan)
    codes = {r["code"] for r in client.get("/api/v1/pick/regions", {"parent": w.r.shibazhan.code}).json()}
    assert w.r.fendou.code in codes and w.r.kaikukang.code not in codes
    assert client.get("/api/v1/pick/regions", {"parent": w.r.kaikukang_town.code}).status_code == 404
    names = {r["label"] for r in client.get("/api/v1/pick/regions", {"q": "奋斗"}).json()}
    assert names == {w.r.fendou.display_name}


def test_a_long_choice_becomes_a_picker_and_still_refuses_outside_ids(w):
    from zhenxing.ledger.forms import ItemForm
    from zhenxing.lib.picker import SELECT_MAX, PickerInput

    assert not isinstance(ItemForm(user=w.shibazhan).fields["responsible_unit"].widget, PickerInput)
    Unit.objects.bulk_create(Unit(name=f"第{i}工作队", region=w.r.shibazhan) for i in range(SELECT_MAX + 1))
    foreign = Unit.objects.create(name="开库康镇工作队", region=w.r.kaikukang_town)
    form = ItemForm(user=w.shibazhan, data={"responsible_unit": foreign.pk})
    field = form.fields["responsible_unit"]
    assert isinstance(field.widget, PickerInput)
    assert 'data-picker-url="/api/v1/pick/units"' in str(form["responsible_unit"])
    form.is_valid()
    assert "responsible_unit" in form.errors  # another township's unit is refused as before


JSON = "application/json"


def test_a_whole_id_number_goes_by_post_and_finds_what_get_finds(w, login, homes):
    """Issue 20: picker.js sends a whole ID number in a POST body, never in the URL; the POST form
    finds the member's household (by the keyed hash) and answers exactly what GET answers."""
    number, h = homes["ids"]["fendou"], homes["fendou"]
    client = login(w.tahe)
    for url in (HOUSEHOLDS, MEMBERS):
        posted = client.post(url, {"q": number, "limit": 20}, content_type=JSON)
        assert posted.status_code == 200, posted.content
        assert posted.json() == client.get(url, {"q": number, "limit": 20}).json()
        assert [row["code"] for row in posted.json()] == [h.number]
        assert number not in posted.content.decode()  # the masked form only
    assert _ids(client.post(HOUSEHOLDS, {"q": number}, content_type=JSON)) == {h.pk}
    # the same scope: another village's cadre finds nothing, a region outside the scope is 404
    assert _ids(login(w.kaikukang).post(HOUSEHOLDS, {"q": number}, content_type=JSON)) == set()
    assert _ids(login(w.kaikukang).post(MEMBERS, {"q": number}, content_type=JSON)) == set()
    outside = {"q": number, "region": w.r.kaikukang.code}
    assert login(w.fendou).post(HOUSEHOLDS, outside, content_type=JSON).status_code == 404
    narrowed = login(w.tahe).post(HOUSEHOLDS, {"q": "王", "region": w.r.yongfeng.code}, content_type=JSON)
    assert _ids(narrowed) == {homes["yongfeng"].pk}


def test_a_post_search_pages_like_get_with_the_cursor_in_the_body(w, login):
    for _ in range(3):
        make_household(village=w.r.fendou)
    client = login(w.fendou)
    first = client.post(HOUSEHOLDS, {"limit": 2}, content_type=JSON)
    assert len(first.json()) == 2 and first["X-Next-Cursor"]
    assert "Link" not in first  # a GET address would drop the words searched
    second = client.post(HOUSEHOLDS, {"limit": 2, "after": first["X-Next-Cursor"]}, content_type=JSON)
    assert len(second.json()) == 1 and "X-Next-Cursor" not in second
    assert not _ids(first) & _ids(second)
    assert client.post(HOUSEHOLDS, {"after": "x"}, content_type=JSON).status_code == 422


def test_units_and_regions_answer_a_post_like_their_get(w, login):
    Unit.objects.create(name="十八站乡政府", region=w.r.shibazhan)
    client = login(w.shibazhan)
    url = "/api/v1/pick/units"
    assert client.post(url, {"q": "政府"}, content_type=JSON).json() == client.get(url, {"q": "政府"}).json()
    url, params = "/api/v1/pick/regions", {"parent": w.r.shibazhan.code, "level": "village"}
    posted = client.post(url, params, content_type=JSON).json()
    assert posted == client.get(url, params).json() and w.r.fendou.code in {r["code"] for r in posted}
    assert client.post(url, {"parent": w.r.kaikukang_town.code}, content_type=JSON).status_code == 404


def test_the_read_only_inspector_may_search_by_post(w, login, homes):
    """A POST that only reads (the pickers, the registry's search) is not a write: the inspector,
    refused every write, searches an ID number like everyone else."""
    number = homes["ids"]["fendou"]
    client = login(w.ducha)
    assert _ids(client.post(HOUSEHOLDS, {"q": number}, content_type=JSON)) == {homes["fendou"].pk}
    found = client.post("/api/v1/households/search", {"q": number}, content_type=JSON)
    assert found.status_code == 200 and [x["id"] for x in found.json()["items"]] == [homes["fendou"].pk]
    assert client.post("/api/v1/households", {}, content_type=JSON).status_code == 403  # still read-only

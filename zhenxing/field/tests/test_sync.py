"""GET /api/v1/field/sync: the user's own village only, ID numbers masked, changes since the
last sync, pages by update time."""

from __future__ import annotations

from zhenxing.registry.models import Household
from zhenxing.registry.testing import make_household


def _sync(client, **params):
    r = client.get("/api/v1/field/sync", params)
    assert r.status_code == 200, r.content
    return r.json()


def test_first_sync_has_the_village_only_with_masked_ids(login, w, fendou_case, kaikukang_case):
    body = _sync(login(w.fendou))
    ids = {h["id"] for h in body["households"]}
    assert fendou_case.household_id in ids and kaikukang_case.household_id not in ids
    assert {c["id"] for c in body["cases"]} == {fendou_case.pk}
    case = body["cases"][0]
    assert case["version"] == fendou_case.version and case["state_label"] and "measures" in case
    for h in body["households"]:
        for m in h["members"]:
            assert "*" in m["id_masked"] and len(m["id_masked"]) == 18
    assert body["choices"]["risk_types"] and body["next"] == "" and body["server_time"]


def test_sync_since_brings_only_the_changes(login, w, fendou_case):
    client = login(w.fendou)
    first = _sync(client)
    assert _sync(client, since=first["server_time"])["households"] == []
    changed = make_household(village=w.r.fendou)
    again = _sync(client, since=first["server_time"])
    assert [h["id"] for h in again["households"]] == [changed.pk]


def test_sync_pages_by_update_time_without_overlap(login, w):
    for _ in range(5):
        make_household(village=w.r.fendou)
    client = login(w.fendou)
    seen, after, pages = [], "", 0
    while True:
        r = client.get("/api/v1/field/sync", {"limit": 2, "after": after})
        body = r.json()
        seen += [h["id"] for h in body["households"]]
        pages += 1
        if pages > 1:
            assert "cases" not in body  # the small sets come with the first page only
        if not body["next"]:
            assert "X-Next-Cursor" not in r
            break
        assert r["X-Next-Cursor"] == body["next"]
        after = body["next"]
    assert sorted(seen) == sorted(Household.objects.filter(village=w.r.fendou).values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == 5 and pages == 3


def test_sync_refuses_a_bad_cursor_and_other_roles(login, w):
    assert login(w.fendou).get("/api/v1/field/sync", {"after": "x"}).status_code == 422
    assert login(w.fendou).get("/api/v1/field/sync", {"since": "昨天"}).status_code == 422
    assert login(w.tahe).get("/api/v1/field/sync").status_code == 403


def test_a_member_only_change_brings_the_household_again(login, w, fendou_case):
    import datetime as dt

    from zhenxing.registry import services as registry
    from zhenxing.registry.testing import members_of, new_id

    client = login(w.fendou)
    household = fendou_case.household
    first = _sync(client)
    registry.member_add(
        actor=None, household=household, name="新生儿", id_number=new_id(born=dt.date(2024, 3, 1)), relation="son"
    )
    again = _sync(client, since=first["server_time"])
    assert [h["id"] for h in again["households"]] == [household.pk]
    assert "新生儿" in [m["name"] for m in again["households"][0]["members"]]
    third = _sync(client, since=again["server_time"])
    assert third["households"] == []
    member = [m for m in members_of(household) if m.name != "新生儿"][-1]
    registry.member_record_leave(actor=None, member=member, date=dt.date.today(), reason="外出务工落户")
    assert [h["id"] for h in _sync(client, since=third["server_time"])["households"]] == [household.pk]

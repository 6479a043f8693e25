from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from zhenxing.registry import idnumber
from zhenxing.registry.models import Household
from zhenxing.registry.testing import make_household, new_id

from .conftest import household_rows, to_csv


def test_list_filters_cursor_and_scope(api, w):
    for i in range(3):
        make_household(village=w.r.fendou, number=f"F{i}", formerly_poor=i == 1)
    make_household(village=w.r.yongfeng, number="Y1")
    r = api(w.fendou, "get", "/api/v1/households", data={"limit": 2}).json()
    assert [h["number"] for h in r["items"]] == ["F0", "F1"] and r["next_cursor"]
    r = api(w.fendou, "get", "/api/v1/households", data={"limit": 2, "cursor": r["next_cursor"]}).json()
    assert [h["number"] for h in r["items"]] == ["F2"] and r["next_cursor"] == ""
    r = api(w.shibazhan, "get", "/api/v1/households", data={"formerly_poor": "true"}).json()
    assert [h["number"] for h in r["items"]] == ["F1"]
    r = api(w.shibazhan, "get", "/api/v1/households", data={"region": w.r.yongfeng.code}).json()
    assert [h["number"] for h in r["items"]] == ["Y1"]


def test_detail_masks_ids_and_answers_404_outside_scope(api, w):
    number = new_id()
    h = make_household(village=w.r.fendou, members=[{"name": "甲", "relation": "head", "id_number": number}])
    response = api(w.fendou, "get", f"/api/v1/households/{h.pk}")
    assert response.status_code == 200
    assert response.json()["members"][0]["id_masked"] == idnumber.mask(number)
    assert number not in response.content.decode()
    assert api(w.yongfeng, "get", f"/api/v1/households/{h.pk}").status_code == 404


def test_create_and_update(api, w):
    r = api(
        w.fendou,
        "post",
        "/api/v1/households",
        data={"number": "N1", "village_code": w.r.fendou.code},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = api(
        w.fendou, "patch", f"/api/v1/households/{pk}", data={"formerly_poor": True}, content_type="application/json"
    )
    assert r.status_code == 422 and "脱贫户须填写脱贫年度" in r.json()["detail"]
    r = api(
        w.fendou,
        "patch",
        f"/api/v1/households/{pk}",
        data={"formerly_poor": True, "exit_year": 2018},
        content_type="application/json",
    )
    assert r.status_code == 200 and Household.objects.get(pk=pk).exit_year == 2018
    assert (
        api(
            w.fendou,
            "post",
            "/api/v1/households",
            data={"number": "N2", "village_code": w.r.yongfeng.code},
            content_type="application/json",
        ).status_code
        == 422
    )
    assert (
        api(
            w.yibao,
            "post",
            "/api/v1/households",
            data={"number": "N3", "village_code": w.r.fendou.code},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert (
        api(
            w.yongfeng, "patch", f"/api/v1/households/{pk}", data={"phone": "1"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_import_returns_the_cli_report(api, w):
    data = to_csv(household_rows("H1", head={"工资性收入": "-1"}))
    r = api(w.fendou, "post", "/api/v1/imports/households", data={"file": SimpleUploadedFile("a.csv", data)})
    assert r.status_code == 200
    # counts cover the error-free households (none here); nothing was committed
    assert r.json() == {
        "committed": False,
        "households": {"created": 0, "updated": 0, "unchanged": 0},
        "members": {"created": 0, "updated": 0, "unchanged": 0},
        "errors": [{"row": 2, "column": "工资性收入", "message": "金额不能为负数"}],
    }
    data = to_csv(household_rows("H1"))
    r = api(w.fendou, "post", "/api/v1/imports/households", data={"file": SimpleUploadedFile("a.csv", data)})
    assert r.json()["committed"] is True and Household.objects.filter(number="H1").exists()
    r = api(w.fendou, "post", "/api/v1/imports/households", data={"file": SimpleUploadedFile("a.csv", b"")})
    assert r.status_code == 422 and r.json()["committed"] is False


def test_a_full_id_number_is_searched_by_post_never_in_the_url(api, w):
    """Issue 20: GET /households?q=<full ID> put the number in the access log; now 422 pointing
    to POST /households/search, which finds it from the body. Names and numbers still work by GET."""
    h = make_household(village=w.r.fendou, number="F1", members=[{"name": "赵振华", "relation": "head"}])
    make_household(village=w.r.fendou, number="F2")
    number = idnumber.decrypt(h.members.get().id_cipher)
    r = api(w.fendou, "get", "/api/v1/households", data={"q": number})
    assert r.status_code == 422 and "POST /api/v1/households/search" in r.json()["detail"]
    r = api(w.fendou, "post", "/api/v1/households/search", data={"q": number}, content_type="application/json")
    assert r.status_code == 200 and [x["number"] for x in r.json()["items"]] == ["F1"]
    r = api(w.fendou, "post", "/api/v1/households/search", data={"q": "赵振华"}, content_type="application/json")
    assert [x["number"] for x in r.json()["items"]] == ["F1"]
    assert [x["number"] for x in api(w.fendou, "get", "/api/v1/households", data={"q": "F2"}).json()["items"]] == ["F2"]
    r = api(w.yongfeng, "post", "/api/v1/households/search", data={"q": number}, content_type="application/json")
    assert r.json()["items"] == []  # outside the caller's scope

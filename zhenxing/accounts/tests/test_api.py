from __future__ import annotations

from zhenxing.testing import PASSWORD


def token_for(client, username):
    r = client.post("/api/v1/auth/token", {"username": username, "password": PASSWORD}, content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json()["token"]


def test_token_and_me(client, w):
    token = token_for(client, "t-fendou")
    r = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200
    body = r.json()
    assert body["username"] == "t-fendou"
    assert body["role"] == "village_cadre"
    assert body["region"]["code"] == "232722200206"
    assert [n["name"] for n in body["region_path"]][-2:] == ["十八站鄂伦春族乡", "奋斗村"]


def test_wrong_password_gets_no_token(client, w):
    r = client.post("/api/v1/auth/token", {"username": "t-fendou", "password": "x"}, content_type="application/json")
    assert r.status_code == 401


def test_no_token_no_data(client, w):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer zx_forged").status_code == 401


def test_regions_api_is_scoped(client, w):
    token = token_for(client, "t-shibazhan")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    codes = {r["code"] for r in client.get("/api/v1/regions", **auth).json()}
    assert "232722200206" in codes and "232722104201" not in codes
    assert client.get("/api/v1/regions/232722104201", **auth).status_code == 404
    assert client.get("/api/v1/regions/232722200206", **auth).json()["name"] == "奋斗村"


def test_openapi_document(client, db):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/auth/token" in paths and "/api/v1/me" in paths


def test_account_forced_to_change_password_gets_no_token(client, w):
    w.fendou.must_change_password = True
    w.fendou.save()
    r = client.post(
        "/api/v1/auth/token", {"username": "t-fendou", "password": PASSWORD}, content_type="application/json"
    )
    assert r.status_code == 403

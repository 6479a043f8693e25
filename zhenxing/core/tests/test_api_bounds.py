"""Issue 20, item 5: no input answers 500. Every API input is bounded in one place
(zhenxing/lib/bounds.py, applied by zhenxing/api.py to every operation): years, amounts, text
lengths matching the columns, NUL characters, nulls in a partial update; and a database refusal
that slips past the bounds is the API's Chinese 4xx, not a 500. The cases are the ones the
schemathesis run of the issue found (.ci/schemathesis runs it again)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DataError, IntegrityError

from zhenxing.accounts import services as account_services
from zhenxing.funds import api as funds_api
from zhenxing.funds.models import Allocation
from zhenxing.registry.models import Household
from zhenxing.registry.testing import make_household

V1 = "/api/v1"


@pytest.fixture
def call(client):
    tokens: dict[int, str] = {}

    def _call(user, method: str, path: str, body: dict | None = None, **query):
        if user.pk not in tokens:
            tokens[user.pk] = account_services.api_token_issue(user=user)[0]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens[user.pk]}"}
        if method == "get":
            return client.get(V1 + path, query, **auth)
        return getattr(client, method)(V1 + path, body or {}, content_type="application/json", **auth)

    return _call


def _refused(r, field: str, words: str):
    assert r.status_code == 422, r.content
    body = r.json()
    assert any(e["field"] == field and words in e["msg"] for e in body["errors"]), body
    assert "Input should" not in r.content.decode() and words in body["detail"]


@pytest.mark.parametrize("year", [0, -1, 1948, 2101, 10**12])
def test_a_year_outside_1949_to_2100_is_a_chinese_422(call, w, year):
    r = call(w.tahe, "get", "/people/wages", year=year)  # was a 500 for year=0
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "year"
    assert r.json()["errors"][0]["msg"] in ("不能小于 1949", "不能大于 2100")


def test_a_year_inside_the_range_is_answered(call, w):
    assert call(w.tahe, "get", "/people/wages", year=2024).status_code == 200


def test_a_required_region_code_may_not_be_empty(call, w):
    r = call(w.tahe, "get", "/funds/figures", region="", year=2025)  # was a 500 (no region)
    _refused(r, "region", "必填")
    assert call(w.tahe, "get", "/funds/figures", region=w.r.tahe.code, year=2025).status_code == 200


def test_a_household_patch_refuses_null_for_a_required_value_and_a_negative_year(call, w):
    h = make_household(village=w.r.fendou)
    r = call(w.fendou, "patch", f"/households/{h.pk}", {"housing_safe": None})  # was IntegrityError, 500
    _refused(r, "housing_safe", "不能为空")
    r = call(w.fendou, "patch", f"/households/{h.pk}", {"exit_year": -5})  # was IntegrityError, 500
    _refused(r, "exit_year", "不能小于 1949")
    h.refresh_from_db()
    assert h.housing_safe is True and h.exit_year is None
    # a nullable value may still be cleared, and leaving a value out keeps it
    r = call(w.fendou, "patch", f"/households/{h.pk}", {"exit_year": None, "address": "奋斗村一组"})
    assert r.status_code == 200, r.content


def test_a_nul_character_in_text_is_refused_on_every_database(call, w):
    r = call(w.fendou, "post", "/households", {"number": "2327\x00", "village_code": w.r.fendou.code})
    _refused(r, "number", "空字符")  # PostgreSQL answered 500 (it cannot store NUL)
    r = call(w.tahe, "get", "/households", q="a\x00b")
    _refused(r, "q", "空字符")
    assert not Household.objects.filter(number__startswith="2327").exists()


def test_text_longer_than_its_column_is_refused_with_the_limit(call, w):
    limit = Household._meta.get_field("address").max_length
    h = make_household(village=w.r.fendou)
    r = call(w.fendou, "patch", f"/households/{h.pk}", {"address": "长" * (limit + 1)})
    _refused(r, "address", f"最多 {limit} 个字")
    assert call(w.fendou, "patch", f"/households/{h.pk}", {"address": "长" * limit}).status_code == 200


def test_an_allocation_of_ten_to_the_17_yuan_is_refused_and_the_lists_still_answer(call, w, client):
    body = {
        "county_code": w.r.tahe.code,
        "year": 2025,
        "source": "central",
        "document_number": "塔财〔2025〕1号",
        "issued_on": "2025-03-01",
        "amount": "100000000000000000",
    }
    # ``amount`` is bounded by the narrowest column of that name (12 digits, 2 places), which the
    # allocation's own column (14, 2) holds
    column = Allocation._meta.get_field("amount")
    assert column.max_digits - column.decimal_places >= 10
    _refused(call(w.tahe, "post", "/funds/allocations", body), "amount", "不能大于")
    assert not Allocation.objects.exists()
    for amount in ("Infinity", "NaN", "1e400"):
        assert call(w.tahe, "post", "/funds/allocations", {**body, "amount": amount}).status_code == 422
    _refused(call(w.tahe, "post", "/funds/allocations", {**body, "amount": "10000000000"}), "amount", "不能大于")
    r = call(w.tahe, "post", "/funds/allocations", {**body, "amount": "9999999999.99"})
    assert r.status_code == 201, r.content
    assert call(w.tahe, "get", "/funds/allocations").status_code == 200
    client.force_login(w.tahe)
    assert client.get("/funds/allocations/").status_code == 200


def test_dates_far_outside_the_work_are_refused(call, w):
    body = {
        "county_code": w.r.tahe.code,
        "year": 2025,
        "source": "central",
        "document_number": "塔财〔2025〕2号",
        "issued_on": "1800-01-01",
        "amount": "10",
    }
    _refused(call(w.tahe, "post", "/funds/allocations", body), "issued_on", "须在")
    assert (
        call(w.tahe, "post", "/funds/allocations", {**body, "issued_on": str(dt.date(2025, 3, 1))}).status_code == 201
    )


@pytest.mark.parametrize(
    ("error", "status"),
    [(DataError("value too long for type character varying(32)"), 422), (IntegrityError("UNIQUE constraint"), 409)],
)
def test_a_database_refusal_anywhere_is_a_chinese_4xx(call, w, monkeypatch, error, status):
    def refuse(**kwargs):
        raise error

    monkeypatch.setattr(funds_api.services, "allocation_create", refuse)
    body = {
        "county_code": w.r.tahe.code,
        "year": 2025,
        "source": "central",
        "document_number": "塔财〔2025〕3号",
        "issued_on": "2025-03-01",
        "amount": "10",
    }
    r = call(w.tahe, "post", "/funds/allocations", body)
    assert r.status_code == status and r.json()["detail"] in (
        "提交的值超出允许的范围或缺少必填项，未保存",
        "与已有记录重复，未保存",
    )


def test_the_openapi_document_states_the_bounds(client, w):
    doc = client.get(f"{V1}/openapi.json").json()
    schemas = doc["components"]["schemas"]
    (year,) = [p for p in doc["paths"]["/api/v1/people/wages"]["get"]["parameters"] if p["name"] == "year"]
    assert (year["schema"]["minimum"], year["schema"]["maximum"]) == (1949, 2100)
    assert schemas["HouseholdIn"]["properties"]["number"]["maxLength"] == 32
    assert schemas["AllocationIn"]["properties"]["amount"]["anyOf"][0]["maximum"] < 10**17


def test_base64_photos_are_not_held_to_the_text_limit(client, w):
    doc = client.get(f"{V1}/openapi.json").json()
    photos = doc["components"]["schemas"]["VisitIn"]["properties"]["photos"]
    assert photos["items"]["maxLength"] >= 10 * 1024 * 1024

"""The API contract (docs/architecture.md, "API contract"), walked over representative operations of
every router: one error body per status (422 with the field list, 403, 404 in Chinese, 409 for a
stale version on every versioned write), one keyset pagination, one region-code lookup, Chinese
kept readable, and an OpenAPI document whose schema names are unique and correct."""

from __future__ import annotations

import datetime as dt
import typing
from collections import defaultdict

import pytest
from django.db.models import F
from django.utils import timezone
from pydantic import BaseModel

from zhenxing.accounts import services as account_services
from zhenxing.api import NOT_FOUND, api
from zhenxing.funds.testing import make_project
from zhenxing.ledger import services as ledger_services
from zhenxing.lib import pagination
from zhenxing.monitoring import services as monitoring_services
from zhenxing.monitoring.testing import demo_standard
from zhenxing.people import lists, points
from zhenxing.people import models as pm
from zhenxing.registry.testing import make_household
from zhenxing.screening.models import Alert

V1 = "/api/v1"


@pytest.fixture
def call(client):
    """``call(user, method, path, body=None, **query)`` with the user's Bearer token."""
    tokens: dict[int, str] = {}

    def _call(user, method: str, path: str, body: dict | None = None, **query):
        if user.pk not in tokens:
            tokens[user.pk] = account_services.api_token_issue(user=user)[0]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens[user.pk]}"}
        if method == "get":
            return client.get(V1 + path, query, **auth)
        return getattr(client, method)(V1 + path, body or {}, content_type="application/json", **auth)

    return _call


def _case(w):
    demo_standard(timezone.localdate().year)
    return monitoring_services.case_discover(
        actor=w.fendou,
        household=make_household(village=w.r.fendou),
        channel="cadre_visit",
        risk_types=["07"],
        discovered_on=timezone.localdate() - dt.timedelta(days=5),
    )


# ---------------------------------------------------------------- errors
def test_request_that_does_not_fit_the_schema_is_a_422_with_the_fields_in_chinese(call, w):
    r = call(w.fendou, "post", "/cases", {"household_id": "第一户", "channel": "cadre_visit"})
    assert r.status_code == 422
    body = r.json()
    assert {"loc": ["body", "payload", "household_id"], "field": "household_id", "msg": "须为整数"} in body["errors"]
    assert "household_id：须为整数" in body["detail"] and "Input should" not in r.content.decode()
    r = call(w.fendou, "post", "/ledger/items", {"region": w.r.fendou.code, "problem": "p"})
    assert r.status_code == 422 and {"field": "type", "msg": "必填"}.items() <= r.json()["errors"][0].items()
    r = call(w.tahe, "get", "/funds/projects", limit="十")
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["limit"]


def test_a_service_refusal_is_the_same_422_in_every_router(call, w):
    h = make_household(village=w.r.fendou)
    r = call(w.fendou, "patch", f"/households/{h.pk}", {"formerly_poor": True})  # registry (was 422)
    assert r.status_code == 422 and "脱贫户须填写脱贫年度" in r.json()["detail"] and r.json()["errors"]
    p = make_project(w.r.fendou)
    r = call(
        w.tahe,
        "post",
        f"/funds/projects/{p.pk}/payments",  # funds (was 400)
        {"date": "2022-06-01", "amount": "1", "payee_name": "甲", "voucher_number": "V1"},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["msg"]
    r = call(w.fendou, "post", "/ledger/items", {"type": "没有这种台账", "region": w.r.fendou.code, "problem": "p"})
    assert r.status_code == 422 and r.json()["errors"] == [  # ledger (was 400)
        {"loc": ["type"], "field": "type", "msg": "未知的整改台账类型：没有这种台账"}
    ]


def test_forbidden_is_a_403_with_the_reason(call, w):
    r = call(w.yibao, "post", "/households", {"number": "N1", "village_code": w.r.fendou.code})
    assert r.status_code == 403 and r.json() == {"detail": "您的角色无权修改农户档案"}
    r = call(w.ducha, "post", "/households", {"number": "N1", "village_code": w.r.fendou.code})
    assert r.status_code == 403 and "只读" in r.json()["detail"]
    alert, _detail, write, body = _stale_alert(w)
    r = call(w.fendou, "post", write, {**body, "version": alert.version})  # a village does not issue alerts
    assert r.status_code == 403 and r.json() == {"detail": "您的角色不能执行此操作"}


@pytest.mark.parametrize(
    "path",
    [
        "/households/0",
        "/cases/0",
        "/screening/alerts/0",
        "/ledger/items/0",
        "/funds/projects/0",
        "/people/points/entries/0",
        "/people/cases/0",
        "/assets/0",
        "/regions/000000000000",
    ],
)
def test_an_unknown_record_is_a_404_in_chinese(call, w, path):
    r = call(w.tahe, "get", path)
    assert r.status_code == 404 and r.json() == {"detail": NOT_FOUND}


@pytest.mark.parametrize(
    "path,param",
    [
        ("/households", "region"),
        ("/cases", "region"),
        ("/screening/alerts", "region"),
        ("/ledger/items", "region"),
        ("/ledger/assignments", "region"),
        ("/funds/projects", "county"),
        ("/funds/allocations", "county"),
        ("/people/points/entries", "village"),
        ("/people/powers", "village"),
        ("/regions", "parent"),
    ],
)
def test_a_region_code_outside_the_scope_or_unknown_is_a_404_everywhere(call, w, path, param):
    assert call(w.fendou, "get", path, **{param: w.r.fendou.code}).status_code == 200
    for code in (w.r.kaikukang.code, w.r.huma.code, "999999999999"):
        r = call(w.fendou, "get", path, **{param: code})
        assert r.status_code == 404 and r.json() == {"detail": NOT_FOUND}, (path, code)


# ---------------------------------------------------------------- 409 on every versioned write
def _stale_case(w):
    case = _case(w)
    return case, f"/cases/{case.pk}", f"/cases/{case.pk}/transitions", {"name": "village_verify", "data": {}}


def _stale_alert(w):
    now = timezone.now()
    alert = Alert.objects.create(
        rule="medical",
        rule_name="医疗负担",
        subject="x",
        village=w.r.fendou,
        household=make_household(village=w.r.fendou),
        raised_at=now,
        updated_at=now,
    )
    return alert, f"/screening/alerts/{alert.pk}", f"/screening/alerts/{alert.pk}/transitions", {"action": "issue"}


def _stale_item(w):
    types_ = ledger_services.types_ensure()
    item = ledger_services.rectification_item_open(
        actor=w.fendou, type=types_["water"], region=w.r.fendou, problem="管线冻堵", source="self_check"
    )
    return item, f"/ledger/items/{item.pk}", f"/ledger/items/{item.pk}/transitions", {"action": "start"}


def _stale_project(w):
    p = make_project(w.r.fendou)
    return (
        p,
        f"/funds/projects/{p.pk}",
        f"/funds/projects/{p.pk}/transition",
        {"to": "township_reviewed", "date": timezone.localdate().isoformat(), "evidence": "乡镇审核意见"},
    )


def _stale_entry(w):
    rule = pm.PointRule.objects.create(
        village=w.r.fendou, category=pm.PointCategory.PUBLIC_WORKS, name="义务劳动", points=10
    )
    e = points.entry_propose(
        actor=w.fendou,
        household=make_household(village=w.r.fendou),
        rule=rule,
        date=timezone.localdate(),
        proposer_name="一组组长",
    )
    return e, f"/people/points/entries/{e.pk}", f"/people/points/entries/{e.pk}/transition", {"action": "confirm"}


def _stale_power_case(w):
    power = pm.Power.objects.create(village=w.r.fendou, number=1, name="补贴申请", category="subsidy")
    lists.step_append(actor=w.fendou, power=power, name="申请", actor_name="村委会")
    c = lists.case_open(actor=w.fendou, power=power, title="耕地补贴", opened=timezone.localdate())
    return (
        c,
        f"/people/cases/{c.pk}",
        f"/people/cases/{c.pk}/steps",
        {"step": 1, "done_by": "会计", "done_on": timezone.localdate().isoformat()},
    )


@pytest.mark.parametrize(
    "make,actor",
    [
        (_stale_case, "fendou"),
        (_stale_alert, "tahe"),
        (_stale_item, "fendou"),
        (_stale_project, "shibazhan"),
        (_stale_entry, "fendou"),
        (_stale_power_case, "fendou"),
    ],
    ids=["monitoring", "screening", "ledger", "funds", "points", "lists"],
)
def test_a_write_from_a_stale_read_is_a_409_and_writes_nothing(call, w, make, actor):
    obj, detail, write, body = make(w)
    seen = call(getattr(w, actor), "get", detail).json()
    type(obj).objects.filter(pk=obj.pk).update(version=F("version") + 1)  # someone else saved it meanwhile
    before = type(obj).objects.values().get(pk=obj.pk)
    r = call(getattr(w, actor), "post", write, {**body, "version": seen["version"]})
    assert r.status_code == 409 and "请刷新" in r.json()["detail"], r.content.decode()
    assert type(obj).objects.values().get(pk=obj.pk) == before
    fresh = call(getattr(w, actor), "post", write, {**body, "version": seen["version"] + 1})
    assert fresh.status_code != 409, fresh.content.decode()


# ---------------------------------------------------------------- pagination
def _projects(w, n: int) -> list[int]:
    return [make_project(w.r.fendou, code=f"P{i}").pk for i in range(n)]


def test_limit_boundary_and_the_next_cursor(call, w):
    ids = _projects(w, 3)
    r = call(w.tahe, "get", "/funds/projects", limit=3)
    assert [p["id"] for p in r.json()] == ids and "X-Next-Cursor" not in r.headers  # exactly a page: the last one
    r = call(w.tahe, "get", "/funds/projects", limit=2, year=2022)
    assert [p["id"] for p in r.json()] == ids[:2] and r.headers["X-Next-Cursor"] == str(ids[1])
    assert r.headers["Link"] == f'</api/v1/funds/projects?limit=2&year=2022&after={ids[1]}>; rel="next"'
    r = call(w.tahe, "get", "/funds/projects", limit=2, year=2022, after=r.headers["X-Next-Cursor"])
    assert [p["id"] for p in r.json()] == ids[2:] and "X-Next-Cursor" not in r.headers


def test_newest_first_lists_page_backwards_without_overlap(call, w):
    cases = [_case(w).pk for _ in range(5)]
    seen: list[int] = []
    after = ""
    while True:
        r = call(w.tahe, "get", "/cases", limit=2, after=after)
        assert r.status_code == 200 and len(r.json()) <= 2
        seen += [c["id"] for c in r.json()]
        after = r.headers.get("X-Next-Cursor", "")
        if not after:
            break
    assert seen == sorted(cases, reverse=True)


def test_limit_is_brought_within_its_bounds(call, w, monkeypatch):
    _projects(w, 4)
    monkeypatch.setattr(pagination, "MAX_LIMIT", 3)
    r = call(w.tahe, "get", "/funds/projects", limit=10_000)
    assert len(r.json()) == 3 and "limit=3&" in r.headers["Link"]
    assert len(call(w.tahe, "get", "/funds/projects", limit=0).json()) == 1
    r = call(w.tahe, "get", "/funds/projects", after="第三页")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "after"


def test_lists_computed_in_memory_page_the_same_way(call, w):
    r = call(w.tahe, "get", "/regions", limit=2)
    first = [x["code"] for x in r.json()]
    r = call(w.tahe, "get", "/regions", limit=2, after=r.headers["X-Next-Cursor"])
    assert [x["code"] for x in call(w.tahe, "get", "/regions", limit=4).json()] == first + [x["code"] for x in r.json()]
    for i in range(3):
        pm.Pairing.objects.create(
            village=w.r.fendou, partner=f"企业{i}", partner_kind="private", since=dt.date(2022, 1, 1)
        )
    r = call(w.tahe, "get", "/people/pairings", limit=2)
    page2 = call(w.tahe, "get", "/people/pairings", limit=2, after=r.headers["X-Next-Cursor"]).json()
    assert len(r.json()) == 2 and len(page2) == 1 and page2[0]["id"] > r.json()[1]["id"]


def test_the_registry_list_keeps_its_fields_and_takes_after(call, w):
    for n in ("F0", "F1", "F2"):
        make_household(village=w.r.fendou, number=n)
    r = call(w.fendou, "get", "/households", limit=2)
    body = r.json()
    assert body["next"] == body["next_cursor"] == r.headers["X-Next-Cursor"] != ""
    r = call(w.fendou, "get", "/households", limit=2, after=body["next"])
    assert [h["number"] for h in r.json()["items"]] == ["F2"] and r.json()["next"] == ""


# ---------------------------------------------------------------- Chinese, OpenAPI
def test_chinese_is_not_escaped(call, client, w):
    r = client.get(f"{V1}/cases")
    assert r.status_code == 401 and r.json() == {"detail": "请先登录，或在请求头中携带有效的接口令牌"}
    r = call(w.tahe, "get", "/cases/0")
    assert NOT_FOUND.encode() in r.content and b"\\u" not in r.content
    r = call(w.tahe, "get", f"/regions/{w.r.tahe.code}")
    assert "塔河县".encode() in r.content and r["Content-Type"] == "application/json; charset=utf-8"


def _models(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def _operations():
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                yield V1 + path, op


def test_openapi_schema_names_are_unique_and_each_operation_refers_to_its_own(client, w):
    r = client.get(f"{V1}/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    components = doc["components"]["schemas"]
    by_name: dict[str, set[type]] = defaultdict(set)
    pending = []
    for _path, op in _operations():
        pending += [
            f.annotation for p in op.models if p.__ninja_param_source__ == "body" for f in p.model_fields.values()
        ]
        pending += [
            r.model_fields["response"].annotation
            for r in op.response_models.values()
            if isinstance(r, type) and issubclass(r, BaseModel)
        ]
    done: set[type] = set()
    while pending:
        for model in _models(pending.pop()):
            if model not in done:
                done.add(model)
                by_name[model.__name__].add(model)
                pending += [f.annotation for f in model.model_fields.values()]
    assert {n: c for n, c in by_name.items() if len(c) > 1} == {}
    assert len(done) > 40 and all(n in components for n in by_name)
    checked = 0
    for path, op in _operations():
        for method in op.methods:
            spec = doc["paths"][path][method.lower()]
            for params in op.models:
                if params.__ninja_param_source__ != "body":
                    continue
                (model,) = [f.annotation for f in params.model_fields.values()]
                ref = spec["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                assert ref == f"#/components/schemas/{model.__name__}", path
                assert set(components[model.__name__]["properties"]) == set(model.model_fields), path
                checked += 1
    assert checked >= 20
    transitions = {
        p: doc["paths"][p]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        for p in doc["paths"]
        if p.endswith(("/transition", "/transitions")) and "post" in doc["paths"][p]
    }
    assert len(transitions) == 7 and len(set(transitions.values())) == 7  # collective: members, distributions

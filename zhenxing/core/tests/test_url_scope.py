"""Walks every registered URL pattern and every API operation.

- Every page is either ``public_view`` or ``staff_view``: a new page without one fails here.
- Every page or API operation that takes a record id answers 404 for a record outside the
  caller's data scope, for every named person allowed to open it, and does not answer 404
  for a record inside it. API writes (POST on a record id) are sent a body that passes their
  schema, so the 404 must come from the scoped lookup; every API read on a record must have
  been tried on a record outside someone's scope.
- Every API operation declares its scope in the OpenAPI document (``x-scope``).
- Writes: every page and API write on a record outside the caller's scope (a path id, PATCH as
  well as POST) answers 404 (403 for a role its service refuses, ``staff_view(write=)``, and for the
  inspector), and every API write whose body names a record (``household_id``, ``village_code``,
  ...) refuses an id outside the caller's scope (404/403, or a validation error naming the scope); in every case
  nothing is written (the audit log does not grow). The walk runs as the test world's people, as
  the demo's department accounts and inspector (demo-yibao, demo-nongye, demo-ducha) and as a 住建
  account (which reads the 乡村建设 projects only: accounts.scope ``read_by``).

It runs over the demo data of every module, so a module that adds a page is covered as soon as
its demo has records in more than one village.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zhenxing.accounts import scope, services
from zhenxing.accounts.models import User
from zhenxing.api import api
from zhenxing.audit.models import AuditEntry

API_PREFIX = "api/v1/"


def iter_patterns(resolver, prefix="", namespace=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from iter_patterns(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), namespace, p


def page_patterns():
    return [(route, ns, p) for route, ns, p in iter_patterns(get_resolver()) if not route.startswith(API_PREFIX)]


@pytest.fixture
def scope_world(demo_world):
    """The demo, the test world's people, and a 住建 department account of 塔河县."""
    from zhenxing.accounts.models import Department, Role

    User.objects.create(
        username="t-zhujian",
        role=Role.DEPARTMENT_STAFF,
        region=demo_world.r.tahe,
        department=Department.HOUSING,
        must_change_password=False,
    )
    return demo_world


def people(w):
    names = ["demo-yibao", "demo-nongye", "demo-ducha", "t-zhujian"]
    demo = list(User.objects.filter(username__in=names).order_by("username"))
    return [
        w.diqu,
        w.tahe,
        w.huma,
        w.shibazhan,
        w.kaikukang_town,
        w.fendou,
        w.yongfeng,
        w.kaikukang,
        w.yibao,
        w.minzheng,
        w.ducha,
        *demo,
    ]


class nothing_written:
    """Asserts that the block adds no audit entry (every write is audited, so none happened)."""

    def __init__(self, what: str):
        self.what = what

    def __enter__(self):
        self.before = AuditEntry.objects.count()

    def __exit__(self, *exc):
        if exc[0] is None:
            assert AuditEntry.objects.count() == self.before, f"{self.what} 写入了数据"


def test_every_page_declares_its_access():
    undeclared = [
        route for route, _, p in page_patterns() if getattr(p.callback, "zx_access", None) not in {"public", "staff"}
    ]
    assert undeclared == [], f"这些页面未声明 public_view 或 staff_view：{undeclared}"


# Each check restores the demo (seconds, zhenxing/testing.py); the list, form and API checks live in
# test_url_scope_forms_api.py so that the two files run on both workers (--dist loadfile).
def test_staff_pages_require_login(client, scope_world):
    check_staff_pages_require_login(client, scope_world)


def test_detail_pages_answer_404_outside_scope(client, scope_world):
    check_detail_pages_answer_404_outside_scope(client, scope_world)


def check_staff_pages_require_login(client, demo_world):
    client.logout()
    for _route, ns, p in page_patterns():
        if p.callback.zx_access != "staff" or p.pattern.converters:
            continue
        url = reverse(f"{ns}{p.name}")
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def _pairs(model, user):
    """(an object inside the user's scope or None, an object outside it or None)."""
    visible = scope.scoped(user, model)
    inside = visible.first()
    outside = model._default_manager.exclude(pk__in=visible.values("pk")).first()
    return inside, outside


def check_detail_pages_answer_404_outside_scope(client, demo_world):
    checked = 0
    for _route, ns, p in page_patterns():
        model = getattr(p.callback, "zx_model", None)
        if p.callback.zx_access != "staff" or model is None:
            continue
        roles = p.callback.zx_roles
        write = getattr(p.callback, "zx_write", None)
        kwarg = p.callback.zx_url_kwarg
        lookup_field = "code" if kwarg == "code" else "pk"
        page = getattr(p.callback, "zx_page", None)
        for user in people(demo_world):
            if roles and user.role not in roles:
                continue
            inside, outside = _pairs(model, user)
            client.force_login(user)
            if page is not None and not scope.may(user, page):
                # a page its rule refuses to the role answers 403 before the lookup (leaks nothing)
                target = outside or inside
                if target is not None:
                    url = reverse(f"{ns}{p.name}", kwargs={kwarg: getattr(target, lookup_field)})
                    assert client.get(url).status_code == 403, f"{user.username} 可访问 {url}"
                continue
            if write is not None and not scope.can_write(user, None, write):
                # a page that only writes refuses a role its service refuses, before the lookup
                target = outside or inside
                if target is not None:
                    url = reverse(f"{ns}{p.name}", kwargs={kwarg: getattr(target, lookup_field)})
                    with nothing_written(f"{user.username} POST {url}"):
                        assert client.post(url).status_code == 403, f"{user.username} 可提交 {url}"
                continue
            if outside is not None:
                url = reverse(f"{ns}{p.name}", kwargs={kwarg: getattr(outside, lookup_field)})
                assert client.get(url).status_code == 404, f"{user.username} 可访问范围外的 {url}"
                # a read-only inspector is refused any POST before the lookup (403 leaks nothing)
                expected = {403, 404} if user.is_read_only else {404}
                with nothing_written(f"{user.username} POST {url}"):
                    assert client.post(url).status_code in expected, f"{user.username} 可提交范围外的 {url}"
                checked += 1
            if inside is not None:
                url = reverse(f"{ns}{p.name}", kwargs={kwarg: getattr(inside, lookup_field)})
                assert client.get(url).status_code != 404, f"{user.username} 无法访问范围内的 {url}"
    assert checked > 0


def check_list_pages_open_for_every_person(client, demo_world):
    """Every parameterless staff page renders (or refuses by role) for every person."""
    for _route, ns, p in page_patterns():
        if p.callback.zx_access != "staff" or p.pattern.converters:
            continue
        url = reverse(f"{ns}{p.name}")
        for user in people(demo_world):
            client.force_login(user)
            status = client.get(url).status_code
            assert status in {200, 302, 403, 405}, f"{user.username} {url} → {status}"


def test_every_api_operation_declares_its_scope():
    schema = api.get_openapi_schema()
    missing = [
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if "x-scope" not in op
    ]
    assert missing == [], f"这些接口未声明 x-scope：{missing}"


def check_api_detail_operations_answer_404_outside_scope(client, demo_world):
    schema = api.get_openapi_schema()
    tokens = {u.pk: services.api_token_issue(user=u)[0] for u in people(demo_world)}
    checked = 0
    walked = set()
    for path, ops in schema["paths"].items():
        params = re.findall(r"{(\w+)}", path)
        for method, op in ops.items():
            label = op.get("x-scope")
            # "admin": account managers only (403 for everyone else), tested in accounts/tests/test_tokens.py
            if method != "get" or not params or label in {"public", "self", "admin"}:
                continue
            model = apps.get_model(label)
            field = op.get("x-scope-lookup", "pk")
            for user in people(demo_world):
                inside, outside = _pairs(model, user)
                auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens[user.pk]}"}
                if outside is not None:
                    url = path.replace("{" + params[0] + "}", str(getattr(outside, field)))
                    response = client.get(url, **auth)
                    assert response.status_code == 404, f"{user.username} 可读取范围外的 {url}"
                    checked += 1
                    walked.add(path)
                if inside is not None:
                    url = path.replace("{" + params[0] + "}", str(getattr(inside, field)))
                    assert client.get(url, **auth).status_code == 200, f"{user.username} 无法读取范围内的 {url}"
    assert checked > 0
    # every record-reading operation was tried on a record outside someone's scope: a new one needs
    # demo data in more than one region to be covered
    readers = {
        p
        for p, ops in schema["paths"].items()
        if re.search(r"{\w+}", p) and "get" in ops and ops["get"].get("x-scope") not in {"public", "self", "admin"}
    }
    assert readers - walked == set(), f"这些接口未在演示数据上验证数据权限：{sorted(readers - walked)}"


def _sample_value(schema: dict, defs: dict):
    """A value that passes the schema's own validation, so the call reaches the operation (whose
    first act must be the scoped lookup)."""
    if "$ref" in schema:
        return _sample_value(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return _sample_value(schema[key][0], defs)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            name: _sample_value(sub, defs)
            for name, sub in schema.get("properties", {}).items()
            if name in schema.get("required", [])
        }
    if schema.get("format") == "date":
        return "2022-06-30"
    if kind in ("integer", "number"):  # within the bounds the document states (a year: 1949–2100)
        return max(1, schema.get("minimum", 1))
    return {"integer": 1, "number": 1, "boolean": False, "array": [], "string": "x"}.get(kind, "x")


def _json_body(path: str, method: str):
    """A placeholder JSON body for the operation, from its own body model (the OpenAPI components
    are keyed by class name, which several modules share: TransitionIn)."""
    for prefix, router in api._routers:
        for route, view in router.path_operations.items():
            if "/" + API_PREFIX + (prefix.strip("/") + "/" if prefix.strip("/") else "") + route.lstrip("/") != path:
                continue
            for op in view.operations:
                if method.upper() not in op.methods:
                    continue
                for model in op.models:
                    if getattr(model, "__ninja_param_source__", "") != "body":
                        continue
                    schema = model.model_json_schema()
                    defs = schema.get("$defs", {})
                    fields = list(schema.get("properties", {}))
                    # one body parameter: the request body is that parameter itself
                    value = (
                        _sample_value(schema, defs)
                        if len(fields) != 1
                        else _sample_value(schema["properties"][fields[0]], defs)
                    )
                    return value
                return {}
    raise AssertionError(f"找不到接口 {method.upper()} {path}")


def check_api_write_operations_answer_404_outside_scope(client, demo_world):
    """Every JSON write on a record (a path id) answers 404 for a record outside the caller's scope
    (a read-only inspector is refused first, 403), so a write can never reach another region's data."""
    schema = api.get_openapi_schema()
    tokens = {u.pk: services.api_token_issue(user=u)[0] for u in people(demo_world)}
    checked = set()
    for path, ops in schema["paths"].items():
        params = re.findall(r"{(\w+)}", path)
        for method, op in ops.items():
            label = op.get("x-scope")
            content = op.get("requestBody", {}).get("content", {})
            if (
                method not in {"post", "patch"}
                or not params
                or label in {"public", "self", "admin"}
                or (content and "application/json" not in content)
            ):
                continue
            body = _json_body(path, method)
            model = apps.get_model(label)
            field = op.get("x-scope-lookup", "pk")
            for user in people(demo_world):
                _, outside = _pairs(model, user)
                if outside is None:
                    continue
                url = path.replace("{" + params[0] + "}", str(getattr(outside, field)))
                with nothing_written(f"{user.username} {method.upper()} {url}"):
                    response = getattr(client, method)(
                        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {tokens[user.pk]}"
                    )
                expected = {403} if user.is_read_only else {404}
                assert response.status_code in expected, (
                    f"{user.username} POST 范围外的 {url} → {response.status_code} {response.content[:200]!r}"
                )
                checked.add(path)
    assert {"/api/v1/screening/alerts/{alert_id}/transitions", "/api/v1/households/{id}"} <= checked


# Body fields that name a record: the model, and the attribute the API takes (pk or code).
BODY_IDS = {
    "household_id": ("registry.household", "pk"),
    "village_code": ("regions.region", "code"),
    "county_code": ("regions.region", "code"),
    "region": ("regions.region", "code"),
    "helper_id": ("monitoring.helper", "pk"),
    "project_id": ("funds.project", "pk"),
    "rule_id": ("people.pointrule", "pk"),
    "item_id": ("people.storeitem", "pk"),
}


# Body fields an operation checks before the record ids, given a real value so the id is what is refused.
BODY_REAL = {
    "/api/v1/ledger/items": {"type": lambda: apps.get_model("ledger.rectificationtype").objects.first().code},
}


def check_api_writes_refuse_body_ids_outside_scope(client, demo_world):
    """An id in a write's body outside the caller's scope is refused like an unknown one, and nothing
    is written: the body's choices come from the scope (``scope.choices``), not from the whole table."""
    schema = api.get_openapi_schema()
    tokens = {u.pk: services.api_token_issue(user=u)[0] for u in people(demo_world)}
    checked = set()
    for path, ops in schema["paths"].items():
        params = re.findall(r"{(\w+)}", path)
        for method, op in ops.items():
            label = op.get("x-scope")
            content = op.get("requestBody", {}).get("content", {})
            if (
                method not in {"post", "patch"}
                or label in {"public", "self", "admin"}
                or "application/json" not in content
            ):
                continue
            body = {**_json_body(path, method), **{k: f() for k, f in BODY_REAL.get(path, {}).items()}}
            for key in set(body) & set(BODY_IDS):
                model_label, attr = BODY_IDS[key]
                for user in people(demo_world):
                    _, outside = _pairs(apps.get_model(model_label), user)
                    url = path
                    if params:  # the record of the path inside the scope, so the body's id is what is refused
                        inside, _ = _pairs(apps.get_model(label), user)
                        if inside is None:
                            continue
                        url = path.replace("{" + params[0] + "}", str(getattr(inside, op.get("x-scope-lookup", "pk"))))
                    if outside is None:
                        continue
                    with nothing_written(f"{user.username} {method.upper()} {url} {key}"):
                        response = getattr(client, method)(
                            url,
                            {**body, key: getattr(outside, attr)},
                            content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {tokens[user.pk]}",
                        )
                    status = response.status_code
                    assert status in {403, 404} or (status in {400, 422} and "权限" in str(response.json())), (
                        f"{user.username} {method.upper()} {url} {key}=范围外 → {status} {response.content[:200]!r}"
                    )
                    checked.add((path, key))
    assert {
        ("/api/v1/households", "village_code"),
        ("/api/v1/cases", "household_id"),
        ("/api/v1/funds/allocations/{id}/assignments", "project_id"),
    } <= checked, sorted(checked)


# Form fields that pick a record, by name: the model (a select's values are pks, or region codes).
FORM_IDS = {
    "village": "regions.region",
    "region": "regions.region",
    "county": "regions.region",
    "household": "registry.household",
    "member": "registry.member",
    "helper": "monitoring.helper",
    "project": "funds.project",
    "unit": "ledger.unit",
    "lead_unit": "ledger.unit",
    "owner_unit": "ledger.unit",
    "responsible_unit": "ledger.unit",
    "responsible_units": "ledger.unit",
    "rule": "people.pointrule",
    "item": "people.storeitem",
}
SAMPLE = {"date": "2022-06-30", "number": "1", "email": "walk@example.com"}


class PostForms(HTMLParser):
    """The POST forms of a page: each as [[name, value, tag]] with a plausible value in every field
    (the first real option of a select, a sample for an empty input). A searchable picker
    (``lib/picker.py``: an input with ``data-picker-url``) picks a record too: its tag is
    "picker:id" or "picker:code" (a 户编号 field)."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[list[str]]] = []
        self.current: list[list[str]] | None = None
        self.select: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = [] if a.get("method", "get").lower() == "post" else None
            if self.current is not None:
                self.forms.append(self.current)
            return
        if tag == "option" and self.select is not None and not self.select[1] and a.get("value"):
            self.select[1] = a["value"]
        if self.current is None or not a.get("name"):
            return
        kind = a.get("type", "text")
        if tag == "input" and a.get("data-picker-url"):
            self.current.append([a["name"], a.get("value", ""), f"picker:{a.get('data-picker-value', 'id')}"])
        elif tag == "input" and kind in {"checkbox", "radio"}:
            if "checked" in a:
                self.current.append([a["name"], a.get("value") or "on", tag])
        elif tag == "input" and kind not in {"submit", "button", "file", "image", "reset"}:
            self.current.append([a["name"], a.get("value") or SAMPLE.get(kind, "巡检"), tag])
        elif tag == "textarea":
            self.current.append([a["name"], "巡检", tag])
        elif tag == "select":
            self.select = [a["name"], "", tag]
            self.current.append(self.select)

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.current = None


def _post_forms(html: str) -> list[list[list[str]]]:
    parser = PostForms()
    parser.feed(html)
    return [f for f in parser.forms if f]


def check_page_forms_refuse_ids_outside_scope(client, demo_world):
    """Every POST form of every page (lists, and detail pages on a record in scope), posted with a
    field that picks a record set to one outside the poster's scope, writes nothing."""
    w = demo_world
    posters = [w.diqu, w.tahe, w.shibazhan, w.fendou, w.yibao]
    tried = set()
    for route, ns, p in page_patterns():
        if p.callback.zx_access != "staff":
            continue
        model = getattr(p.callback, "zx_model", None)
        if p.pattern.converters and model is None:
            continue
        for user in posters:
            kwargs = {}
            if model is not None:
                inside, _ = _pairs(model, user)
                if inside is None:
                    continue
                kwarg = p.callback.zx_url_kwarg
                kwargs = {kwarg: getattr(inside, "code" if kwarg == "code" else "pk")}
            url = reverse(f"{ns}{p.name}", kwargs=kwargs)
            client.force_login(user)
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for form in _post_forms(response.content.decode()):
                for i, (name, value, tag) in enumerate(form):
                    if name not in FORM_IDS or tag not in {"select", "picker:id", "picker:code"}:  # a record is picked
                        continue
                    _, outside = _pairs(apps.get_model(FORM_IDS[name]), user)
                    if outside is None:
                        continue
                    as_code = bool(re.fullmatch(r"\d{12}", value or ""))
                    foreign = str(outside.code if as_code else outside.pk)
                    if tag == "picker:code":
                        foreign = str(getattr(outside, "number", None) or getattr(outside, "code", outside.pk))
                    data: dict[str, list[str]] = {}
                    for j, (n, v, _tag) in enumerate(form):
                        data.setdefault(n, []).append(foreign if j == i else v)
                    with nothing_written(f"{user.username} POST {url} {name}=范围外"):
                        status = client.post(url, data).status_code
                    assert status in {200, 302, 400, 403, 404}, f"{user.username} POST {url} {name} → {status}"
                    tried.add((route, name))
    # the walk reached the forms that pick a village, a household and a unit
    names = {name for _, name in tried}
    assert {"village", "household", "responsible_unit"} <= names, sorted(tried)

"""The JSON API under /api/v1/. Each app contributes a ``router`` (see lib/modules.py).

Every operation declares its data scope in ``openapi_extra["x-scope"]``: "public", "self",
or the model label it reads (with "x-scope-lookup" for the path parameter). A test walks the
OpenAPI document and checks that every operation with a path parameter answers 404 for a
record outside the caller's scope.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, connection, models
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja import errors as ninja_errors
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from zhenxing.accounts import services as account_services
from zhenxing.accounts.models import Role
from zhenxing.jobs.kinds import JobFailed
from zhenxing.lib import bounds
from zhenxing.lib.errors import StaleVersion
from zhenxing.lib.modules import provided
from zhenxing.lib.tabular import Unreadable

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# The one write a read-only inspector may make: recording inspections, their findings and
# follow-ups (the ledger's services check the role again).
INSPECTOR_WRITES = ("/api/v1/ledger/inspections",)


# Reads sent by POST only to keep what is searched (a whole ID number) out of the URL and the access
# log: the pickers' POST forms and the registry's search. A read-only account sends them like a GET.
READ_POSTS = ("/api/v1/pick/", "/api/v1/households/search")


def refused_write(user, request: HttpRequest) -> bool:
    if not user.is_read_only or request.method in SAFE_METHODS or request.path.startswith(READ_POSTS):
        return False
    return not (user.role == Role.INSPECTOR and request.path.startswith(INSPECTOR_WRITES))


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = account_services.api_token_user(token)
        if user is None:
            return None
        if refused_write(user, request):
            raise PermissionDenied("督查账户为只读账户，不能修改数据")
        request.user = user  # audit and scope read request.user
        request.api_token_key = token  # POST /auth/revoke revokes the token the call came with
        return user


class SessionAuth(NinjaSessionAuth):
    """A logged-in browser session (pages use htmx against the same endpoints). CSRF applies."""

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.must_change_password:
            return None
        if refused_write(user, request):
            raise PermissionDenied("督查账户为只读账户，不能修改数据")
        return user


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese kept readable (no \\u escapes) for every operation and error."""

    json_dumps_params = {"ensure_ascii": False}


class ZhenxingAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # An app's API may be one module (zhenxing.funds.api) or a package of router modules
        # (zhenxing.ledger.api.tasks); either way the operation id is "<module>_<function>" with
        # the module cut at ".api", so splitting a file never renames an operation.
        module = operation.view_func.__module__
        head, sep, _rest = module.partition(".api.")
        module = head + ".api" if sep else module
        return (module + "_" + operation.view_func.__name__).replace(".", "_")


api = ZhenxingAPI(
    title="振兴 API",
    version="1",
    description="巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作系统接口。认证：POST /api/v1/auth/token，"
    '之后在请求头中携带 Authorization: Bearer <token>。错误一律为 {"detail": 中文说明}，'
    "校验错误（422）另有 errors 列表 [{loc, field, msg}]；403 无权办理，404 记录不存在或不在数据权限范围内，"
    "409 记录已被他人修改（请刷新后按新的 version 重试）。上传文件的导入在后台任务中进行："
    "任务在 API_IMPORT_WAIT 秒（默认 20 秒）内完成时直接返回报告，否则答 202 并给出任务，"
    "按 GET /api/v1/jobs/{id} 查询进度和结果。列表一律按 after + limit 分页（limit 最多 500），"
    "有下一页时响应头 X-Next-Cursor 给出下一页的 after，Link 头给出下一页地址。",
    auth=[BearerAuth(), SessionAuth()],
    urls_namespace="api",
    renderer=ChineseJSONRenderer(),
    docs_url=None,  # the bundled docs page loads scripts from a CDN; the network has no internet
)

# ---------------------------------------------------------------- the error contract (one place)
# Routers and services raise; these handlers choose the status and the body for every router.
NOT_FOUND = "记录不存在或不在您的数据权限范围内"

_PYDANTIC_MESSAGES = (  # pydantic error type (prefix) → Chinese message
    ("nul_character", "不能含有空字符（\\0）"),
    ("null_refused", "不能为空（不修改请不传此项）"),
    ("date_out_of_range", f"须在 {bounds.DATE_MIN} 至 {bounds.DATE_MAX} 之间"),
    ("missing", "必填"),
    ("json_invalid", "请求内容不是有效的 JSON"),
    ("int", "须为整数"),
    ("decimal", "须为数字"),
    ("float", "须为数字"),
    ("bool", "须为是或否（true / false）"),
    ("datetime", "须为日期时间（如 2024-05-01T08:00:00）"),
    ("date", "须为日期（如 2024-05-01）"),
    ("time", "须为时间"),
    ("string_too_long", "过长"),
    ("string_too_short", "过短"),
    ("string", "须为文字"),
    ("list", "须为列表"),
    ("dict", "须为对象"),
    ("model", "须为对象"),
    ("too_long", "条目过多"),
    ("too_short", "条目过少"),
    ("greater_than", "数值过小"),
    ("less_than", "数值过大"),
    ("enum", "不是可选的值"),
    ("literal", "不是可选的值"),
    ("uuid", "须为 UUID"),
)


_LIMITS = {  # pydantic error type → the bound named in the message (ctx key, Chinese)
    "greater_than_equal": ("ge", "不能小于 {}"),
    "greater_than": ("gt", "须大于 {}"),
    "less_than_equal": ("le", "不能大于 {}"),
    "less_than": ("lt", "须小于 {}"),
    "string_too_long": ("max_length", "过长（最多 {} 个字）"),
    "string_too_short": ("min_length", "过短（至少 {} 个字）"),
    "too_long": ("max_length", "条目过多（最多 {} 项）"),
}


def _pydantic_message(kind: str, ctx: dict | None = None) -> str:
    key, text = _LIMITS.get(kind, (None, ""))
    if kind in ("string_too_short", "too_short") and ctx and ctx.get("min_length") == 1:
        return "必填"
    if key and ctx and key in ctx:
        return text.format(ctx[key])
    return next((msg for prefix, msg in _PYDANTIC_MESSAGES if kind.startswith(prefix)), "格式不正确")


def _invalid(request, errors: list[dict]):
    detail = "；".join(f"{e['field']}：{e['msg']}" if e["field"] else e["msg"] for e in errors)
    return api.create_response(request, {"detail": detail or "提交的内容有误", "errors": errors}, status=422)


@api.exception_handler(ninja_errors.ValidationError)
def request_invalid(request, exc: ninja_errors.ValidationError):
    """A request that does not fit the operation's schema (types, required fields)."""
    errors = []
    for e in exc.errors:
        loc = [str(x) if not isinstance(x, int) else x for x in e.get("loc", ())]
        field = next(
            (x for x in reversed(loc) if isinstance(x, str) and x not in {"body", "query", "path", "form", "file"}), ""
        )
        errors.append({"loc": loc, "field": field, "msg": _pydantic_message(e.get("type", ""), e.get("ctx"))})
    return _invalid(request, errors)


@api.exception_handler(ValidationError)
def service_refused(request, exc: ValidationError):
    """A service (or the operation) refused the values: ``ValidationError({field: [messages]})`` or a message."""
    if hasattr(exc, "error_dict"):
        errors = [
            {"loc": [] if f == NON_FIELD_ERRORS else [f], "field": "" if f == NON_FIELD_ERRORS else f, "msg": m}
            for f, e in exc.error_dict.items()
            for m in ValidationError(e).messages
        ]
    else:
        errors = [{"loc": [], "field": "", "msg": m} for m in exc.messages]
    return _invalid(request, errors)


@api.exception_handler(Unreadable)
def file_unreadable(request, exc: Unreadable):
    """An uploaded file the tabular reader refuses (unreadable, or past its size, row or cell limits)."""
    return _invalid(request, [{"loc": ["file"], "field": "file", "msg": str(exc)}])


@api.exception_handler(JobFailed)
def job_failed(request, exc: JobFailed):
    """A job the operation waited for (an import on the job queue) failed on the server's side: its
    Chinese error, as on the job's page (a refused file is not a failure but the import's report)."""
    return api.create_response(request, {"detail": str(exc)}, status=500)


@api.exception_handler(StaleVersion)
def stale_version(request, exc: StaleVersion):
    """A versioned write whose ``version`` is no longer current: nothing was written."""
    return api.create_response(request, {"detail": "；".join(exc.messages)}, status=409)


@api.exception_handler(ninja_errors.AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "请先登录，或在请求头中携带有效的接口令牌"}, status=401)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "您无权进行此操作"}, status=403)


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def not_found(request, exc):
    # Every 404 here is a record (or region) that does not exist or is outside the caller's data
    # scope (accounts.scope.get_object_or_404); ninja's default body is the English "Not Found".
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)


@api.exception_handler(IntegrityError)
@api.exception_handler(DataError)
def database_refused(request, exc):
    """The database refused a write the bounds and the service let through (a value too long for
    its column, a missing required value, a duplicate): the service's transaction was rolled back."""
    if isinstance(exc, IntegrityError) and "unique" in str(exc).lower():
        return api.create_response(request, {"detail": "与已有记录重复，未保存"}, status=409)
    return _invalid(request, [{"loc": [], "field": "", "msg": "提交的值超出允许的范围或缺少必填项，未保存"}])


for _app, module in provided("api"):
    api.add_router("/", module.router)


# ---------------------------------------------------------------- input bounds (one place)
def _columns() -> bounds.Columns:
    """What the project's database columns allow, by field name (lib/bounds.py applies it)."""
    cols = bounds.Columns()
    nullable: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("zhenxing."):
            continue
        for f in model._meta.concrete_fields:
            (nullable if f.null else cols.not_null).add(f.name)
            if isinstance(f, models.DecimalField):
                old = cols.decimal.get(f.name, (99, 0))
                if f.max_digits - f.decimal_places < old[0] - old[1]:
                    cols.decimal[f.name] = (f.max_digits, f.decimal_places)
            elif isinstance(f, models.CharField | models.TextField):
                longest = f.max_length if isinstance(f, models.CharField) and f.max_length else bounds.TEXT_MAX
                cols.text[f.name] = max(cols.text.get(f.name, 0), longest)
            elif isinstance(f, models.IntegerField) and not isinstance(f, models.AutoField):
                low, high = connection.ops.integer_field_range(f.get_internal_type())
                old = cols.integer.get(f.name, (0, 0))
                cols.integer[f.name] = (
                    min(old[0], bounds.INT_MIN if low is None else low),
                    max(old[1], bounds.INT_MAX if high is None else high),
                )
    cols.not_null -= nullable
    return cols


def _bound_inputs() -> int:
    inputs, patches, params = [], set(), set()
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for op in view.operations:
                inputs += op.models
                params.update(p for p in op.models if p.__ninja_param_source__ in ("query", "path"))
                if "PATCH" in op.methods:
                    patches.update(
                        f.annotation
                        for p in op.models
                        if p.__ninja_param_source__ == "body"
                        for f in p.model_fields.values()
                    )
    return bounds.bound_models(inputs, _columns(), refuse_null=patches, refuse_empty=params)


_bound_inputs()

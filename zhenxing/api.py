"""The JSON API under /api/v1/. Each app contributes a ``router`` (see core/modules.py).

Every operation declares its data scope in ``openapi_extra["x-scope"]``: "public", "self",
or the model label it reads (with "x-scope-lookup" for the path parameter). A test walks the
OpenAPI document and checks that every operation with a path parameter answers 404 for a
record outside the caller's scope.
"""
from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from zhenxing.accounts import services as account_services
from zhenxing.accounts.models import Role
from zhenxing.core.modules import provided

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# The one write a read-only inspector may make: recording inspections, their findings and
# follow-ups (the ledger's services check the role again).
INSPECTOR_WRITES = ("/api/v1/ledger/inspections",)


def refused_write(user, request: HttpRequest) -> bool:
    if not user.is_read_only or request.method in SAFE_METHODS:
        return False
    return not (user.role == Role.INSPECTOR and request.path.startswith(INSPECTOR_WRITES))


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = account_services.api_token_user(token)
        if user is None:
            return None
        if refused_write(user, request):
            raise HttpError(403, "督查账户为只读账户，不能修改数据")
        request.user = user  # audit and scope read request.user
        return user


class SessionAuth(NinjaSessionAuth):
    """A logged-in browser session (pages use htmx against the same endpoints). CSRF applies."""

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.must_change_password:
            return None
        if refused_write(user, request):
            raise HttpError(403, "督查账户为只读账户，不能修改数据")
        return user


api = NinjaAPI(
    title="振兴 API",
    version="1",
    description="巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作系统接口。认证：POST /api/v1/auth/token，"
                "之后在请求头中携带 Authorization: Bearer <token>。",
    auth=[BearerAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url=None,  # the bundled docs page loads scripts from a CDN; the network has no internet
)



@api.exception_handler(Http404)
def not_found(request, exc):
    # Every 404 here is a record (or region) that does not exist or is outside the caller's data
    # scope (accounts.scope.get_object_or_404); ninja's default body is the English "Not Found".
    return api.create_response(request, {"detail": "记录不存在或不在您的数据权限范围内"}, status=404)


for _app, module in provided("api"):
    api.add_router("/", module.router)

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from ninja import Router, Schema
from ninja.errors import HttpError

from . import services

router = Router(tags=["账户"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: str


class RegionRef(Schema):
    code: str
    name: str
    level: str


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    department: str
    region: RegionRef
    region_path: list[RegionRef]
    must_change_password: bool


@router.post(
    "/auth/token",
    auth=None,
    response=TokenOut,
    openapi_extra={"x-scope": "public"},
    summary="用用户名和密码换取接口令牌",
)
def token(request, payload: TokenIn):
    try:
        user = authenticate(request, username=payload.username, password=payload.password)
    except PermissionDenied:
        user = None
    if user is None:
        raise HttpError(401, "用户名或密码错误，或账户已锁定")
    if user.must_change_password:
        raise PermissionDenied("首次登录须先在网页上修改密码")
    key, tok = services.api_token_issue(user=user, request=request)
    return {"token": key, "expires_at": tok.expires_at.isoformat()}


@router.get("/me", response=MeOut, openapi_extra={"x-scope": "self"}, summary="当前用户")
def me(request):
    user = request.user
    chain = user.region.ancestors()
    ref = lambda r: {"code": r.code, "name": r.name, "level": r.level}  # noqa: E731
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "department": user.department,
        "region": ref(user.region),
        "region_path": [ref(r) for r in chain],
        "must_change_password": user.must_change_password,
    }

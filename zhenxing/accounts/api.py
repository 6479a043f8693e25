from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from . import scope, services
from .models import ApiToken, User

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


class TokenInfo(Schema):
    prefix: str
    created_at: str
    expires_at: str
    last_used_at: str | None
    revoked_at: str | None
    revoked_reason: str
    live: bool


class RevokedOut(Schema):
    revoked: int


@router.post(
    "/auth/revoke",
    response={204: None},
    openapi_extra={"x-scope": "self"},
    summary="注销本次请求所用的接口令牌（立即失效）",
)
def revoke(request):
    key = getattr(request, "api_token_key", "")
    if not key:
        raise ValidationError("本次请求未使用接口令牌：请在 Authorization 头中提供要注销的令牌")
    services.api_token_revoke_own(user=request.user, key=key, request=request)
    return Status(204, None)


def _managed_user(request, username: str) -> User:
    if not scope.can_write(request.user, request.user.region, "accounts.account.manage"):
        raise PermissionDenied("只有地区管理员或系统管理员可以管理账户令牌")
    user = scope.scoped(request.user, User).filter(username=username).first()
    if user is None:
        raise Http404("账户不存在或不在您的管辖范围内")
    return user


def _iso(value) -> str | None:
    return value.isoformat() if value else None


@router.get(
    "/users/{username}/tokens",
    response=list[TokenInfo],
    openapi_extra={"x-scope": "admin"},
    summary="账户的接口令牌（管理员；不含令牌本身）",
)
def user_tokens(request, username: str):
    from django.utils import timezone

    user = _managed_user(request, username)
    now = timezone.now()
    return [
        {
            "prefix": t.prefix,
            "created_at": t.created_at.isoformat(),
            "expires_at": t.expires_at.isoformat(),
            "last_used_at": _iso(t.last_used_at),
            "revoked_at": _iso(t.revoked_at),
            "revoked_reason": t.revoked_reason,
            "live": t.revoked_at is None and t.expires_at > now,
        }
        for t in ApiToken.objects.filter(user=user).order_by("-created_at")[:100]
    ]


@router.post(
    "/users/{username}/tokens/revoke",
    response=RevokedOut,
    openapi_extra={"x-scope": "admin"},
    summary="注销账户的全部有效令牌（管理员）",
)
def user_tokens_revoke(request, username: str):
    user = _managed_user(request, username)
    return {"revoked": services.api_tokens_revoke(actor=request.user, user=user, request=request)}

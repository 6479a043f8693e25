"""Writes to accounts. Every function takes the acting user and owns its transaction."""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhenxing.audit import services as audit
from zhenxing.audit.context import acting
from zhenxing.regions.models import Region

from . import lockout, scope
from .models import ROLE_LEVELS, ApiToken, Department, Role, User

ACCOUNT_MANAGERS = {Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN}
# The command line (an operator on the server, no actor) may create any account.
WRITE_RULES = scope.write_rules(
    {
        "accounts.account.manage": scope.WriteRule(
            roles=frozenset(ACCOUNT_MANAGERS), refusal="只有地区管理员或系统管理员可以管理账户"
        ),
        "accounts.lock.lift": scope.WriteRule(
            roles=frozenset(ACCOUNT_MANAGERS), refusal="只有地区管理员或系统管理员可以解除登录锁定"
        ),
    }
)

# Who may open a page (scope.page_rules): the views, the menu and the templates ask these.
PAGE_RULES = scope.page_rules(
    {
        "accounts.users": scope.PageRule(
            roles=frozenset(ACCOUNT_MANAGERS), refusal="只有地区管理员或系统管理员可以管理账户"
        ),
    }
)


def _check_manager(actor: User | None, region: Region) -> None:
    scope.require_write(actor, region, "accounts.account.manage")


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    region: Region,
    role: str,
    full_name: str = "",
    department: str = "",
    unit: str = "",
    phone: str = "",
    must_change_password: bool = True,
) -> User:
    """Create a staff account. Accounts an admin creates must change the password at first login."""
    _check_manager(actor, region)
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors.setdefault("role", []).append("未知角色")
    elif region.level not in ROLE_LEVELS[role]:
        errors.setdefault("region", []).append(
            f"{Role(role).label}只能设在{'、'.join(sorted(str(lv) for lv in ROLE_LEVELS[role]))}层级"
        )
    if role == Role.DEPARTMENT_STAFF and department not in Department.values:
        errors.setdefault("department", []).append("行业部门账户须选择所属行业")
    if role != Role.DEPARTMENT_STAFF and department:
        errors.setdefault("department", []).append("只有行业部门账户可以选择行业")
    if User.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append("用户名已存在")
    candidate = User(username=username, full_name=full_name)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        user = User(
            username=username,
            full_name=full_name,
            region=region,
            role=role,
            department=department,
            unit=unit,
            phone=phone,
            must_change_password=must_change_password,
            is_staff=False,
            is_superuser=False,
        )
        user.set_password(password)
        user.save()
    return user


def user_set_password(*, actor: User, user: User, new_password: str, request=None) -> None:
    """The user changes their own password, or an admin resets it (then it must be changed again)."""
    if actor.pk != user.pk:
        _check_manager(actor, user.region)
    validate_password(new_password, user)
    if user.check_password(new_password):
        raise ValidationError({"new_password1": ["新密码不能与原密码相同"]})
    with transaction.atomic(), acting(actor):
        user.set_password(new_password)
        user.must_change_password = actor.pk != user.pk
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit.event_log(action="password_change", actor=actor, request=request, obj=user)
        _tokens_revoke(actor=actor, user=user, reason="密码已修改" if actor.pk == user.pk else "管理员重置密码")


def user_set_active(*, actor: User, user: User, active: bool) -> None:
    _check_manager(actor, user.region)
    with transaction.atomic(), acting(actor):
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            _tokens_revoke(actor=actor, user=user, reason="账户已停用")


def login_lock_lift(*, actor: User, username: str | None = None, ip: str | None = None, request=None) -> None:
    """Lift an account's login lock (``username``) or an address's throttle (``ip``), one of them.

    Only a prefecture or system admin may; an account only within the admin's data scope. The
    lift restarts that account's or that address's failure count and is audited."""
    if (username is None) == (ip is None):
        raise ValidationError("须指定一个账户或一个地址")
    scope.require_write(actor, None, "accounts.lock.lift")
    with transaction.atomic(), acting(actor):
        if username is not None:
            user = User.objects.select_related("region").filter(username__iexact=username).first()
            if user is None:
                raise ValidationError("账户不存在")
            _check_manager(actor, user.region)
            lockout.account_unlock(user.username)
            audit.event_log(
                action="lock_lift",
                actor=actor,
                request=request,
                obj=user,
                extra={"kind": lockout.ACCOUNT, "username": user.username},
            )
        else:
            try:
                ip = str(ipaddress.ip_address(ip.strip()))
            except ValueError:
                raise ValidationError("地址格式不正确") from None
            lockout.address_unlock(ip)
            audit.event_log(action="lock_lift", actor=actor, request=request, extra={"kind": lockout.ADDRESS, "ip": ip})


def _token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_issue(*, user: User, request=None) -> tuple[str, ApiToken]:
    key = "zx_" + secrets.token_urlsafe(32)
    with transaction.atomic(), acting(user):
        token = ApiToken.objects.create(
            user=user,
            key_hash=_token_hash(key),
            prefix=key[3:11],
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
        )
        audit.event_log(action="token", actor=user, request=request, extra={"prefix": token.prefix})
    return key, token


def _tokens_revoke(*, actor: User | None, user: User, reason: str, key_hash: str = "", request=None) -> int:
    """Revoke the user's live tokens (or the one with ``key_hash``), inside the caller's transaction."""
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())
    if key_hash:
        live = live.filter(key_hash=key_hash)
    prefixes = list(live.values_list("prefix", flat=True))
    if prefixes:
        live.update(revoked_at=timezone.now(), revoked_reason=reason)
        audit.event_log(
            action="token_revoke",
            actor=actor,
            request=request,
            obj=user,
            extra={"prefixes": prefixes, "reason": reason},
        )
    return len(prefixes)


def api_token_revoke_own(*, user: User, key: str, request=None) -> None:
    """``POST /api/v1/auth/revoke``: the caller's own token stops working at once."""
    with transaction.atomic(), acting(user):
        _tokens_revoke(actor=user, user=user, reason="本人注销令牌", key_hash=_token_hash(key), request=request)


def api_tokens_revoke(*, actor: User, user: User, request=None) -> int:
    """An account manager revokes every live token of an account in their region."""
    _check_manager(actor, user.region)
    with transaction.atomic(), acting(actor):
        return _tokens_revoke(actor=actor, user=user, reason="管理员注销令牌", request=request)


def tokens_revoke_on_scope_change(sender, instance: User, **kwargs) -> None:
    """pre_save of User: tokens carry the scope of the account that asked for them, so a new role,
    region or department (by any path: a page, the shell, a migration) revokes them."""
    if instance.pk is None or kwargs.get("raw"):
        return
    fields = kwargs.get("update_fields")
    if fields is not None and not {"role", "region", "department"} & set(fields):
        return  # e.g. a login's last_login: no lookup
    old = User.objects.filter(pk=instance.pk).values("role", "region_id", "department").first()
    if old and (old["role"], old["region_id"], old["department"]) != (
        instance.role,
        instance.region_id,
        instance.department,
    ):
        _tokens_revoke(actor=None, user=instance, reason="角色或区划已变更")


def api_token_user(key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__region")
        .filter(key_hash=_token_hash(key), expires_at__gt=timezone.now(), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

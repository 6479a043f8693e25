"""API tokens stop working the moment the account's password, role, region or status changes, or when
the caller or an account manager revokes them (issue 20)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from zhenxing.accounts import services
from zhenxing.accounts.models import ApiToken, Role
from zhenxing.audit.models import AuditEntry as AuditEvent
from zhenxing.core.checks import check_secrets
from zhenxing.testing import PASSWORD

from .test_api import token_for


def me(client, token):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_a_new_token_lives_seven_days_by_default(client, w):
    token_for(client, "t-fendou")
    t = ApiToken.objects.get(user=w.fendou)
    assert settings.API_TOKEN_DAYS == 7
    assert dt.timedelta(days=7) - (t.expires_at - timezone.now()) < dt.timedelta(minutes=1)


def test_the_caller_revokes_its_own_token_only(client, w):
    first, second = token_for(client, "t-fendou"), token_for(client, "t-fendou")
    r = client.post("/api/v1/auth/revoke", HTTP_AUTHORIZATION=f"Bearer {first}")
    assert r.status_code == 204
    assert me(client, first) == 401 and me(client, second) == 200
    event = AuditEvent.objects.filter(action="token_revoke").latest("id")
    assert event.extra["reason"] == "本人注销令牌" and event.extra["prefixes"] == [first[3:11]]
    # a revoked token cannot revoke again: it no longer authenticates
    assert client.post("/api/v1/auth/revoke", HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 401


def test_revoke_without_a_token_is_refused_in_chinese(client, w):
    client.force_login(w.fendou)
    r = client.post("/api/v1/auth/revoke")
    assert r.status_code == 422 and "未使用接口令牌" in r.content.decode()


def test_a_password_change_revokes_every_token(client, w):
    token = token_for(client, "t-fendou")
    services.user_set_password(actor=w.fendou, user=w.fendou, new_password="Lanhua-qiuye-37#")
    assert me(client, token) == 401
    assert ApiToken.objects.get(user=w.fendou).revoked_reason == "密码已修改"


def test_an_admin_reset_and_a_deactivation_revoke_tokens(client, w):
    token = token_for(client, "t-fendou")
    services.user_set_password(actor=w.diqu, user=w.fendou, new_password="Chushi#2022a")
    assert me(client, token) == 401
    assert ApiToken.objects.get(user=w.fendou).revoked_reason == "管理员重置密码"
    token = token_for(client, "t-yongfeng")
    services.user_set_active(actor=w.diqu, user=w.yongfeng, active=False)
    assert ApiToken.objects.get(user=w.yongfeng).revoked_reason == "账户已停用"
    services.user_set_active(actor=w.diqu, user=w.yongfeng, active=True)
    assert me(client, token) == 401  # reactivating does not bring the old token back


def test_a_role_or_region_change_revokes_but_another_field_does_not(client, w):
    token = token_for(client, "t-fendou")
    w.fendou.phone = "13900000000"
    w.fendou.save()
    assert me(client, token) == 200
    w.fendou.region = w.r.yongfeng
    w.fendou.save()
    assert me(client, token) == 401
    token = token_for(client, "t-shibazhan")
    w.shibazhan.role = Role.COUNTY_STAFF
    w.shibazhan.region = w.r.tahe
    w.shibazhan.save()
    assert me(client, token) == 401
    assert ApiToken.objects.get(user=w.shibazhan).revoked_reason == "角色或区划已变更"


def test_an_admin_lists_and_revokes_a_users_tokens_others_cannot(client, w):
    token_for(client, "t-fendou")
    live = token_for(client, "t-fendou")
    client.post("/api/v1/auth/revoke", HTTP_AUTHORIZATION=f"Bearer {token_for(client, 't-fendou')}")
    admin = token_for(client, "t-diqu")
    r = client.get("/api/v1/users/t-fendou/tokens", HTTP_AUTHORIZATION=f"Bearer {admin}")
    assert r.status_code == 200
    rows = r.json()
    assert len(rows) == 3 and sum(row["live"] for row in rows) == 2
    assert all("token" not in row and "key_hash" not in row for row in rows)
    r = client.post("/api/v1/users/t-fendou/tokens/revoke", HTTP_AUTHORIZATION=f"Bearer {admin}")
    assert r.status_code == 200 and r.json() == {"revoked": 2}
    assert me(client, live) == 401
    county = token_for(client, "t-tahe")
    assert client.get("/api/v1/users/t-fendou/tokens", HTTP_AUTHORIZATION=f"Bearer {county}").status_code == 403
    assert client.get("/api/v1/users/nobody/tokens", HTTP_AUTHORIZATION=f"Bearer {admin}").status_code == 404


@pytest.mark.parametrize("weak", ["Password123!", "P@ssw0rd2022", "Zhenxing@2023", "Daxinganling2022!", "Huma@12345"])
def test_guessable_passwords_are_refused(w, weak):
    with pytest.raises(ValidationError) as exc:
        services.user_set_password(actor=w.fendou, user=w.fendou, new_password=weak)
    assert "太容易被猜到" in " ".join(exc.value.messages) or "密码" in " ".join(exc.value.messages)


def test_a_strong_password_passes(w):
    services.user_set_password(actor=w.fendou, user=w.fendou, new_password="Lanhua-qiuye-37#")
    w.fendou.refresh_from_db()
    assert w.fendou.check_password("Lanhua-qiuye-37#") and not w.fendou.check_password(PASSWORD)


def _ids(**overrides):
    with override_settings(**overrides):
        return {m.id for m in check_secrets()}


def test_deploy_checks_refuse_public_keys_any_host_and_sqlite():
    strong = {
        "SECRET_KEY": "k" * 60,
        "ID_ENCRYPTION_KEYS": ["cHJvZHVjdGlvbi1rZXktMzItYnl0ZXMtbG9uZy4uLi4="],
        "ID_HASH_KEY": "h" * 40,
        "ALLOWED_HOSTS": ["zhenxing.dxal.gov.cn"],
        "DATABASES": {"default": {"ENGINE": "django.db.backends.postgresql"}},
    }
    assert _ids(**strong) == set()
    assert _ids(**{**strong, "SECRET_KEY": settings.DEV_SECRET_KEY}) == {"zhenxing.E101"}
    assert _ids(**{**strong, "ID_ENCRYPTION_KEYS": ["x", settings.DEV_ID_ENCRYPTION_KEY]}) == {"zhenxing.E102"}
    assert _ids(**{**strong, "ID_HASH_KEY": settings.DEV_ID_HASH_KEY}) == {"zhenxing.E103"}
    assert _ids(**{**strong, "ID_HASH_KEY": "h" * 31}) == {"zhenxing.E104"}
    assert _ids(**{**strong, "ID_HASH_KEY": "h" * 32}) == set()
    assert _ids(**{**strong, "ALLOWED_HOSTS": ["zhenxing.dxal.gov.cn", "*"]}) == {"zhenxing.E105"}
    assert _ids(**{**strong, "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3"}}}) == {"zhenxing.E106"}


def test_a_role_change_saved_by_its_field_alone_revokes_and_a_login_does_not(client, w):
    token = token_for(client, "t-kaikukang")
    from django.test import Client

    browser = Client()  # another client: this one must keep calling with the token alone
    browser.post("/accounts/login/", {"username": "t-kaikukang", "password": PASSWORD})  # saves last_login only
    w.kaikukang.refresh_from_db()
    assert w.kaikukang.last_login is not None
    assert me(client, token) == 200
    w.kaikukang.role = Role.TOWNSHIP_STAFF
    w.kaikukang.region = w.r.kaikukang_town
    w.kaikukang.save(update_fields=["role", "region"])
    assert me(client, token) == 401

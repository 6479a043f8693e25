from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from zhenxing.accounts import services
from zhenxing.accounts.models import Role
from zhenxing.testing import PASSWORD

LOGIN = "/accounts/login/"


def test_base_settings_hash_passwords_with_argon2():
    from zhenxing.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert make_password("Zhenxing@2022").startswith("argon2$")


@pytest.mark.parametrize(
    "password,message",
    [
        ("Ab1!short", "至少"),  # 9 characters
        ("alllowercase1", "至少3类"),  # two classes
        ("1234567890", "只包含数字"),
    ],
)
def test_password_policy_on_new_accounts(w, password, message):
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=w.diqu, username="t-new", password=password, region=w.r.fendou, role=Role.VILLAGE_CADRE
        )
    assert any(message in m for m in exc.value.messages), exc.value.messages


def test_password_may_not_contain_the_user_name(w):
    with pytest.raises(ValidationError) as exc:
        services.user_set_password(actor=w.fendou, user=w.fendou, new_password="Xt-fendou-2022!")
    assert any("用户名" in m for m in exc.value.messages)


def test_password_of_exactly_ten_characters_with_three_classes_is_accepted(w):
    user = services.user_create(
        actor=w.diqu, username="new-cadre", password="Abcdefgh1!"[:10], region=w.r.fendou, role=Role.VILLAGE_CADRE
    )
    assert user.check_password("Abcdefgh1!")


def test_admin_created_account_must_change_password_first(client, w):
    user = services.user_create(
        actor=w.diqu,
        username="xinren",
        password="Chushi#2022a",
        region=w.r.fendou,
        role=Role.VILLAGE_CADRE,
        full_name="新人",
    )
    assert user.must_change_password
    client.post(LOGIN, {"username": "xinren", "password": "Chushi#2022a"})
    assert client.get("/").url == "/accounts/password/"
    assert client.get("/regions/").status_code == 302
    r = client.post(
        "/accounts/password/",
        {"old_password": "Chushi#2022a", "new_password1": "Xinmima#2023b", "new_password2": "Xinmima#2023b"},
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/").status_code == 200


def test_wrong_level_for_role_is_refused(w):
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=w.diqu, username="x1", password="Chushi#2022a", region=w.r.tahe, role=Role.VILLAGE_CADRE
        )
    assert "region" in exc.value.message_dict


def test_county_staff_cannot_create_accounts(w):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=w.tahe, username="x2", password="Chushi#2022a", region=w.r.fendou, role=Role.VILLAGE_CADRE
        )


def test_session_expires_after_thirty_idle_minutes(client, w):
    client.post(LOGIN, {"username": "t-fendou", "password": PASSWORD})
    assert client.get("/").status_code == 200
    session = client.session
    session["last_activity"] = time.time() - settings.SESSION_IDLE_SECONDS - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert client.get("/").status_code == 302  # logged out for good


def test_session_survives_just_under_thirty_minutes(client, w):
    client.post(LOGIN, {"username": "t-fendou", "password": PASSWORD})
    session = client.session
    session["last_activity"] = time.time() - settings.SESSION_IDLE_SECONDS + 30
    session.save()
    assert client.get("/").status_code == 200


def test_csrf_is_enforced_on_login_and_logout(w):
    client = Client(enforce_csrf_checks=True)
    assert client.post(LOGIN, {"username": "t-fendou", "password": PASSWORD}).status_code == 403


def test_inspector_cannot_change_anything(client, w):
    client.force_login(w.ducha)
    assert client.get("/").status_code == 200
    assert client.post("/regions/").status_code == 403

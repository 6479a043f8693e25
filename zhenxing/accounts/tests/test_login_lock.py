"""The login lock: an account after 5 failures, an address only after 50, admins lift either."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from zhenxing.accounts import lockout, services
from zhenxing.accounts.models import LoginAttempt
from zhenxing.audit.models import AuditEntry
from zhenxing.testing import PASSWORD

LOGIN = "/accounts/login/"
OFFICE = "10.0.0.1"  # a township office: every station behind one NAT address


def fail(client, username, n, ip=OFFICE):
    for _ in range(n):
        client.post(LOGIN, {"username": username, "password": "Wrong#Pass123"}, REMOTE_ADDR=ip)


def spray(client, n, ip=OFFICE, names="guess"):
    """n wrong passwords from one address, four per account name, so no account is locked."""
    per_account = settings.LOGIN_MAX_FAILURES - 1
    for i in range(n):
        client.post(LOGIN, {"username": f"{names}-{i // per_account}", "password": "Wrong#Pass123"}, REMOTE_ADDR=ip)


def login(username, ip=OFFICE):
    return Client().post(LOGIN, {"username": username, "password": PASSWORD}, REMOTE_ADDR=ip)


def events(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_settings_lock_accounts_at_five_and_addresses_at_fifty():
    assert settings.LOGIN_MAX_FAILURES == 5 and settings.LOGIN_ADDRESS_MAX_FAILURES == 50


def test_four_failures_do_not_lock_the_fifth_does(client, w):
    fail(client, "t-fendou", 4)
    response = client.post(LOGIN, {"username": "t-fendou", "password": PASSWORD}, REMOTE_ADDR=OFFICE)
    assert response.status_code == 302  # the 5th try, correct, gets in

    client.post("/accounts/logout/")
    fail(client, "t-fendou", 5)
    response = client.post(LOGIN, {"username": "t-fendou", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 200
    assert "该账户登录失败次数过多，已锁定" in response.content.decode()


def test_the_fifth_failure_locks_the_account_only_not_the_colleagues_behind_the_same_address(client, w):
    fail(client, "t-fendou", 5)
    assert login("t-fendou").status_code == 200
    assert login("t-yongfeng").status_code == 302  # same address, another account
    assert lockout.address_lock(OFFICE) is None
    locked = events("account_locked")
    assert len(locked) == 1 and locked[0].extra["username"] == "t-fendou" and locked[0].ip == OFFICE
    refused = events("login_locked")
    assert refused and refused[-1].extra == {"username": "t-fendou", "lock": "account"}


def test_an_accounts_own_success_restarts_its_count(client, w):
    fail(client, "t-fendou", 4)
    assert login("t-fendou").status_code == 302
    fail(client, "t-fendou", 4)
    assert login("t-fendou").status_code == 302


def test_lock_lasts_fifteen_minutes(w):
    fail(Client(), "t-fendou", 5)
    now = timezone.now()
    assert lockout.locked_until("t-fendou", None, now + timedelta(minutes=14, seconds=59))
    assert lockout.locked_until("t-fendou", None, now + timedelta(minutes=15, seconds=1)) is None


def test_forty_nine_failures_across_accounts_do_not_throttle_the_address(client, w):
    spray(client, settings.LOGIN_ADDRESS_MAX_FAILURES - 1)
    assert login("t-fendou").status_code == 302
    assert events("address_throttled") == []


def test_the_fiftieth_failure_throttles_the_address_for_every_account(client, w):
    spray(client, settings.LOGIN_ADDRESS_MAX_FAILURES)
    response = login("t-fendou")
    assert response.status_code == 200 and "本地址登录失败次数过多，已锁定" in response.content.decode()
    assert login("t-fendou", ip="10.0.0.2").status_code == 302  # the account itself is not locked
    throttled = events("address_throttled")
    assert len(throttled) == 1 and throttled[0].extra["ip"] == OFFICE and throttled[0].extra["failures"] == 50


def test_a_success_by_another_account_does_not_reset_the_address_count(client, w):
    spray(client, settings.LOGIN_ADDRESS_MAX_FAILURES - 1)
    assert login("t-fendou").status_code == 302  # a guesser's own account logs in between guesses
    fail(client, "t-kaikukang", 1)
    assert login("t-yongfeng").status_code == 200
    assert lockout.address_lock(OFFICE).failures == 50


def test_api_token_endpoint_honours_the_lockout(client, w):
    for _ in range(5):
        client.post("/api/v1/auth/token", {"username": "t-fendou", "password": "bad"}, content_type="application/json")
    r = client.post(
        "/api/v1/auth/token", {"username": "t-fendou", "password": PASSWORD}, content_type="application/json"
    )
    assert r.status_code == 401
    assert LoginAttempt.objects.filter(username="t-fendou", success=False).count() == 5


def test_prefecture_admin_sees_and_lifts_an_account_lock(client, w):
    fail(client, "t-fendou", 5)
    client.force_login(w.diqu)
    page = client.get("/accounts/users/").content.decode()
    assert "账户锁定" in page and f"/accounts/users/{w.fendou.pk}/unlock/" in page
    confirm = client.get(f"/accounts/users/{w.fendou.pk}/unlock/")
    assert confirm.status_code == 200 and "确定解除" in confirm.content.decode()
    assert lockout.account_lock("t-fendou")  # asking is not lifting
    response = client.post(f"/accounts/users/{w.fendou.pk}/unlock/")
    assert response.status_code == 302
    assert login("t-fendou").status_code == 302
    lift = events("lock_lift")
    assert (
        len(lift) == 1
        and lift[0].actor_id == w.diqu.pk
        and lift[0].extra == {"kind": "account", "username": "t-fendou"}
    )


def test_prefecture_admin_sees_and_lifts_an_address_throttle_and_the_count_restarts(client, w):
    spray(client, settings.LOGIN_ADDRESS_MAX_FAILURES)
    admin = Client()
    admin.force_login(w.diqu)
    page = admin.get("/accounts/users/").content.decode()
    assert "地址限制" in page and f"/accounts/locks/address/?ip={OFFICE}" in page
    assert "确定解除" in admin.get(f"/accounts/locks/address/?ip={OFFICE}").content.decode()
    assert admin.post("/accounts/locks/address/", {"ip": OFFICE}).status_code == 302
    assert lockout.address_lock(OFFICE) is None
    lift = events("lock_lift")
    assert len(lift) == 1 and lift[0].actor_id == w.diqu.pk and lift[0].extra == {"kind": "address", "ip": OFFICE}
    # the count starts again at the lift: 49 more failures do not throttle, the 50th does
    spray(client, settings.LOGIN_ADDRESS_MAX_FAILURES - 1, names="again")
    assert login("t-fendou").status_code == 302
    fail(client, "again-x", 1)
    assert login("t-yongfeng").status_code == 200


def test_county_staff_cannot_lift_a_lock(client, w):
    fail(client, "t-fendou", 5)
    spray(client, settings.LOGIN_ADDRESS_MAX_FAILURES)
    with pytest.raises(PermissionDenied):
        services.login_lock_lift(actor=w.tahe, username="t-fendou")
    with pytest.raises(PermissionDenied):
        services.login_lock_lift(actor=w.tahe, ip=OFFICE)
    staff = Client()
    staff.force_login(w.tahe)
    assert staff.post(f"/accounts/users/{w.fendou.pk}/unlock/").status_code == 403
    assert staff.post("/accounts/locks/address/", {"ip": OFFICE}).status_code == 403
    assert lockout.account_lock("t-fendou") and lockout.address_lock(OFFICE)
    assert events("lock_lift") == []


def test_lifting_needs_the_csrf_token(w):
    fail(Client(), "t-fendou", 5)
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(w.diqu)
    assert admin.post(f"/accounts/users/{w.fendou.pk}/unlock/").status_code == 403
    assert lockout.account_lock("t-fendou")


def test_a_malformed_address_is_refused(w):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.login_lock_lift(actor=w.diqu, ip="10.0.0.999")

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from zhenxing.audit import services as audit

from . import lockout


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


def lock_refusing(request, username: str) -> lockout.Lock | None:
    """The lock or throttle that refuses this try, audited (login_locked), or None. The login form
    asks first to tell the user which lock and until when; the backend asks again for the API."""
    lock = lockout.lock_for(username, client_ip(request))
    if lock:
        audit.event_log(
            action="login_locked", actor=None, request=request, extra={"username": username, "lock": lock.kind}
        )
    return lock


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing locked accounts and throttled addresses (lockout.py) and
    recording every try; the start of a lock or throttle is an audit event of its own.

    Both the login page and the API token endpoint authenticate through here.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        if lock_refusing(request, username):
            raise PermissionDenied("账户或地址已锁定")
        ip = client_ip(request)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        lockout.record_attempt(username, ip, success=user is not None)
        if user is not None:
            audit.event_log(action="login", actor=user, request=request)
            return user
        audit.event_log(action="login_failed", actor=None, request=request, extra={"username": username})
        # Tries refused by a lock are not recorded, so a lock in force now began with this failure.
        if lock := lockout.account_lock(username):
            audit.event_log(
                action="account_locked",
                actor=None,
                request=request,
                extra={"username": username, "failures": lock.failures, "until": lock.until},
            )
        if lock := lockout.address_lock(ip):
            audit.event_log(
                action="address_throttled",
                actor=None,
                request=request,
                extra={"ip": ip, "failures": lock.failures, "until": lock.until},
            )
        return None

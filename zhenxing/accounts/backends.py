from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from zhenxing.audit import services as audit

from . import lockout


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing locked accounts and addresses and recording every try.

    Both the login page and the API token endpoint authenticate through here.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        ip = client_ip(request)
        if lockout.locked_until(username, ip):
            audit.event_log(action="login_locked", actor=None, request=request, extra={"username": username})
            raise PermissionDenied("账户或地址已锁定")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        lockout.record_attempt(username, ip, success=user is not None)
        if user is None:
            audit.event_log(action="login_failed", actor=None, request=request, extra={"username": username})
        else:
            audit.event_log(action="login", actor=user, request=request)
        return user

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse

# Pages that must work for a user who is forced to change the password or is read-only.
ALWAYS_ALLOWED_PREFIXES = (
    "/accounts/login",
    "/accounts/logout",
    "/accounts/password",
    "/static/",
    "/healthz",
    "/public/",
    "/api/",
)


class IdleTimeoutMiddleware:
    """Log out after SESSION_IDLE_SECONDS without a request (等保: session timeout)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get("last_activity")
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, "您已超过30分钟未操作，请重新登录。")
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            request.session["last_activity"] = now
        return self.get_response(request)


class ForcePasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password and not request.path.startswith(ALWAYS_ALLOWED_PREFIXES):
            return redirect("accounts:password_change")
        return self.get_response(request)


class ReadOnlyRoleMiddleware:
    """Inspectors read only: no page may change data on their behalf (the API checks the same)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_read_only
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and not request.path.startswith(("/accounts/", "/api/"))
        ):
            return HttpResponseForbidden("督查账户为只读账户，不能修改数据。".encode())
        return self.get_response(request)

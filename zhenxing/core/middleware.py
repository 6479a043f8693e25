from __future__ import annotations

from django.conf import settings


class RealIPMiddleware:
    """Behind a reverse proxy, REMOTE_ADDR is the proxy. Lockout, rate limits and the audit log
    need the client: when the request comes from a trusted proxy (settings.TRUSTED_PROXIES),
    take the address that proxy appended to X-Forwarded-For. Never trust the header otherwise:
    a client could name any address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trusted = set(settings.TRUSTED_PROXIES)
        if trusted and request.META.get("REMOTE_ADDR") in trusted:
            hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
            # Walk back from the nearest hop past any trusted proxies.
            while hops and hops[-1] in trusted:
                hops.pop()
            if hops:
                request.META["REMOTE_ADDR"] = hops[-1]
        return self.get_response(request)

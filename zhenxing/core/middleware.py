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


class ContentSecurityPolicyMiddleware:
    """Sends ``settings.CONTENT_SECURITY_POLICY`` on every response that has none: scripts only
    from this site's own files (no inline script, no ``on…=`` attribute, no eval), nothing framed,
    forms posted only here. Pages keep their behaviour in static files (``zhenxing/page.js``
    wires the print buttons, the filter selects and the menu). A view may set its own header (the
    field app's service worker answers with the same policy)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(f"{name} {value}".strip() for name, value in settings.CONTENT_SECURITY_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response

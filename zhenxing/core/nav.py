"""Navigation entries of the pages the shell serves for the foundation apps (regions, audit)."""

from __future__ import annotations

from django.urls import reverse

from zhenxing.lib.modules import NavItem

from .audit_views import AUDIT_READERS


def items(user) -> list[NavItem]:
    found = [NavItem("行政区划", reverse("regions:home"), order=800)]
    if user.role in AUDIT_READERS:
        found.append(NavItem("审计日志", reverse("audit:list"), order=950))
    return found

"""Navigation entries of the pages the shell serves: the home page and the foundation apps' pages
(regions, audit). Their page rules are declared beside their views."""

from __future__ import annotations

from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem


def items(user) -> list[NavItem]:
    found = [NavItem("工作台", reverse("core:home"), order=0, group="工作台")]
    if scope.in_menu(user, "core.regions"):
        found.append(NavItem("行政区划", reverse("regions:home"), order=800, group="系统"))
    if scope.in_menu(user, "core.audit"):
        found.append(NavItem("审计日志", reverse("audit:list"), order=950, group="系统"))
    return found

from __future__ import annotations

from django.urls import reverse

from zhenxing.lib.modules import NavItem


def items(user):
    return [NavItem("后台任务", reverse("jobs:list"), order=900)]
